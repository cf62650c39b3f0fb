"""The training manifest: the dataset manifest (``core/manifest.py``) with a patient and a
label (FLE or TLE) on every row and seizures of both classes.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from semioscope.core.manifest import LABELS, ManifestRow, read_manifest
from semioscope.errors import SemioscopeError

#: columns training needs filled on every row (an empty seizure_id is the video's name)
REQUIRED = ("patient_id", "label")


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


def load_manifest(path: str | Path) -> Manifest:
    """Read and validate the manifest (``core/manifest.py``); training also needs every row's
    patient and label, and seizures of both classes."""
    path = Path(path)
    rows = read_manifest(path, required=REQUIRED)
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
