"""Which files of a dataset folder ``synth --dataset`` wrote itself, so it never replaces others.

A dataset folder keeps ``.semioscope-synth.json``: every file synth wrote there with its SHA-256.
Writing into a non-empty folder needs ``force``, and even then a planned file that exists is
replaced only when the stamp lists it with the same hash (a recording someone put in its place,
or a hand-edited manifest, is refused before anything is rendered).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from semioscope.core import atomic
from semioscope.core.hashing import file_sha256
from semioscope.errors import SemioscopeError

STAMP = ".semioscope-synth.json"


def _stamp(folder: Path) -> dict[str, str]:
    try:
        data = json.loads((folder / STAMP).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    files = data.get("files") if isinstance(data, dict) else None
    return {str(k): str(v) for k, v in files.items()} if isinstance(files, dict) else {}


def _fingerprint(path: Path) -> str:
    if path.is_dir():   # a PNG-sequence video: its frame names and their hashes
        return "dir:" + ",".join(f"{p.name}={file_sha256(p)}" for p in sorted(path.iterdir()))
    return file_sha256(path)


def check_folder(folder: Path, planned: Iterable[str], *, force: bool) -> None:
    """Refuse a non-empty ``folder`` without ``force``, and any planned file synth did not write."""
    if not folder.is_dir() or not any(folder.iterdir()):
        return
    if not force:
        raise SemioscopeError(folder, "is not empty; pass --force to write the dataset into it "
                              "(files synth did not write there are never replaced)")
    ours = _stamp(folder)
    for rel in planned:
        path = folder / rel
        if not (path.exists() or path.is_symlink()):
            continue
        if path.is_symlink() or rel not in ours or _fingerprint(path) != ours[rel]:
            raise SemioscopeError(path, "exists and was not written by synth (or was changed "
                                  "since); refusing to replace it, choose another folder")


def record(folder: Path, written: Iterable[str]) -> None:
    """Add ``written`` (relative paths) with their hashes to the folder's stamp."""
    ours = _stamp(folder)
    for rel in written:
        if (folder / rel).exists():
            ours[rel] = _fingerprint(folder / rel)
    atomic.write_json(folder / STAMP, {"files": dict(sorted(ours.items()))})
