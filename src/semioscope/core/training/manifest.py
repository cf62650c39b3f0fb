"""The training manifest: one CSV row per seizure video.

Columns: ``video, patient_id, seizure_id, label`` (FLE or TLE), optional ``onset_s, offset_s``
and ``crop`` ("X,Y,W,H") or ``crop_file`` (a crop record JSON; its ``box`` is used). Relative
paths resolve against the manifest's folder, so a dataset folder can be moved as a whole.
Every problem names the manifest and the row (1 = the header line) so it can be fixed by hand.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from semioscope.core.csvfile import nonnegative, read_rows
from semioscope.core.geometry import Box
from semioscope.errors import SemioscopeError

LABELS = ("FLE", "TLE")
REQUIRED = ("video", "patient_id", "seizure_id", "label")
OPTIONAL = ("onset_s", "offset_s", "crop", "crop_file")


@dataclass(frozen=True)
class ManifestRow:
    """One seizure; ``line`` is its line number in the CSV (for messages)."""

    video: Path
    patient_id: str
    seizure_id: str
    label: str
    onset_s: float | None = None
    offset_s: float | None = None
    crop: Box | None = None
    line: int = 0

    @property
    def y(self) -> int:
        """1 for TLE (the network's output is P(TLE)), 0 for FLE."""
        return int(self.label == "TLE")


@dataclass(frozen=True)
class Manifest:
    path: Path
    rows: tuple[ManifestRow, ...]
    warnings: tuple[str, ...] = field(default=())

    def summary(self) -> dict[str, dict[str, int]]:
        """Patients and seizures per class (the report's and the model's data summary)."""
        out: dict[str, dict[str, int]] = {}
        for label in LABELS:
            rows = [r for r in self.rows if r.label == label]
            out[label] = {"patients": len({r.patient_id for r in rows}), "seizures": len(rows)}
        return out


def _crop(row: dict[str, str], base: Path, where: str) -> Box | None:
    text = (row.get("crop") or "").strip()
    file_text = (row.get("crop_file") or "").strip()
    if text and file_text:
        raise SemioscopeError(where, "give crop or crop_file, not both")
    if text:
        try:
            return Box.parse(text)
        except SemioscopeError:
            raise SemioscopeError(where, f"crop {text!r} is not X,Y,W,H in pixels") from None
    if not file_text:
        return None
    path = (base / file_text) if not Path(file_text).is_absolute() else Path(file_text)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return Box.from_dict(data["box"])
    except FileNotFoundError:
        raise SemioscopeError(where, f"crop_file {file_text} does not exist") from None
    except (OSError, ValueError, KeyError, TypeError):
        raise SemioscopeError(where, f"crop_file {file_text} is not a crop record JSON with "
                              "box {x, y, w, h}") from None


def _row(raw: dict[str, str], base: Path, where: str) -> ManifestRow:
    values = {k: (raw.get(k) or "").strip() for k in REQUIRED}
    for name in REQUIRED:
        if not values[name]:
            raise SemioscopeError(where, f"{name} is empty")
    label = values["label"].upper()
    if label not in LABELS:
        raise SemioscopeError(where, f"unknown label {values['label']!r} (FLE or TLE)")
    video = Path(values["video"])
    video = video if video.is_absolute() else base / video
    if not video.exists():
        raise SemioscopeError(where, f"video {values['video']} does not exist")
    onset = nonnegative(raw.get("onset_s") or "", "onset_s", where)
    offset = nonnegative(raw.get("offset_s") or "", "offset_s", where)
    if onset is not None and offset is not None and onset >= offset:
        raise SemioscopeError(where, f"onset_s {onset:g} is not before offset_s {offset:g}")
    return ManifestRow(video=video, patient_id=values["patient_id"],
                       seizure_id=values["seizure_id"], label=label, onset_s=onset,
                       offset_s=offset, crop=_crop(raw, base, where),
                       line=int(where.rsplit(" ", 1)[-1]))


def load_manifest(path: str | Path) -> Manifest:
    """Read and validate the manifest; raise :class:`SemioscopeError` naming the row at fault."""
    path = Path(path)
    rows: list[ManifestRow] = []
    seen: dict[str, int] = {}
    for number, raw in read_rows(path, REQUIRED):
        row = _row(raw, path.parent, f"{path} row {number}")
        if row.seizure_id in seen:
            raise SemioscopeError(f"{path} row {number}", f"duplicate seizure_id "
                                  f"{row.seizure_id!r} (first on row {seen[row.seizure_id]})")
        seen[row.seizure_id] = number
        rows.append(row)
    manifest = Manifest(path, tuple(rows), tuple(_warnings(rows)))
    empty = [label for label, s in manifest.summary().items() if s["seizures"] == 0]
    if empty:
        raise SemioscopeError(path, f"no seizures of class {', '.join(empty)}: both FLE and "
                              "TLE are needed")
    return manifest


def _warnings(rows: list[ManifestRow]) -> list[str]:
    labels: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        labels[row.patient_id].add(row.label)
    return [f"patient {pid} has both FLE and TLE seizures" for pid, got in sorted(labels.items())
            if len(got) > 1]
