"""Export confirmed crops as a training manifest; import another project's crop edits.

Export writes ``video,patient_id,seizure_id,label,onset_s,offset_s,crop`` (crop as "X,Y,W,H"),
the manifest ``semioscope extract / cv / train`` read, with video paths relative to the CSV.
Only confirmed crops go out: ``ok`` (the detector was sure) and ``corrected`` (a person
confirmed or fixed it). ``needs_review``, ``not_cropped`` and ``unusable`` are left out and
counted, so nobody trains on a crop no one has looked at without knowing.

Import matches videos by SHA-256 (paths differ between workstations) and takes the other
project's human edits; where both projects have a different human edit, ours is kept and the
conflict is counted.
"""

from __future__ import annotations

import csv
import io
import os
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path

from semioscope.core.atomic import write_text
from semioscope.core.project.model import CONFIRMED_STATUSES, HUMAN_STATUSES
from semioscope.core.project.store import ProjectStore

COLUMNS = ("video", "patient_id", "seizure_id", "label", "onset_s", "offset_s", "crop")


@dataclass
class ExportSummary:
    written: int = 0
    excluded: Counter[str] = field(default_factory=Counter)

    def lines(self) -> list[str]:
        left = ", ".join(f"{n} {s}" for s, n in sorted(self.excluded.items()))
        return [f"{self.written} videos written" + (f"; left out: {left}" if left else "")]


def _relative(path: str, base: Path) -> str:
    try:
        return Path(os.path.relpath(path, base)).as_posix()
    except ValueError:  # another drive (Windows)
        return path


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def export_manifest(store: ProjectStore, out: str | Path) -> ExportSummary:
    """Write the manifest of confirmed crops atomically."""
    from semioscope.core.outputs import refuse_source_targets

    out = Path(out)
    rows = store.rows()
    refuse_source_targets([out], [row.path for row in rows], what="project video")
    base = out.resolve().parent
    summary = ExportSummary()
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in rows:
        box = row.box
        if row.status not in CONFIRMED_STATUSES or box is None:
            summary.excluded[row.status] += 1
            continue
        writer.writerow([_relative(row.path, base), row.patient_id, row.seizure_id, row.label,
                         _number(row.onset_s), _number(row.offset_s), str(box)])
        summary.written += 1
    write_text(out, buffer.getvalue())
    return summary


@dataclass
class ImportSummary:
    imported: int = 0
    same: int = 0
    conflicts: list[str] = field(default_factory=list)   # our seizure ids
    unmatched: int = 0

    def lines(self) -> list[str]:
        return [f"{self.imported} edits imported, {self.same} already the same, "
                f"{len(self.conflicts)} conflicts kept ours, {self.unmatched} not in this project",
                *(f"  conflict (kept ours): {sid}" for sid in self.conflicts)]


def import_edits(store: ProjectStore, other_folder: str | Path) -> ImportSummary:
    """Take ``other_folder``'s human crop edits for videos with the same bytes."""
    summary = ImportSummary()
    with ProjectStore.open(other_folder, read_only=True) as other:
        theirs = [r for r in other.rows() if r.status in HUMAN_STATUSES]
    ours_by_sha: dict[str, list] = {}
    for row in store.rows():
        ours_by_sha.setdefault(row.sha256, []).append(row)
    for their in theirs:
        matches = ours_by_sha.get(their.sha256, [])
        if not matches:
            summary.unmatched += 1
        for ours in matches:
            # their person's decision on our detector's proposal
            decided = replace(ours.crop, manual_box=their.manual_box,
                              unusable_reason=their.unusable_reason)
            if decided == ours.crop:
                summary.same += 1
            elif ours.status in HUMAN_STATUSES:
                summary.conflicts.append(ours.seizure_id)
            else:
                store.write_crop(ours.id, decided)
                summary.imported += 1
    return summary
