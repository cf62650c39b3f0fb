"""SHA-256 of files (videos, weights, classifiers), cached per (path, size, mtime) in-process."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

_CACHE: dict[tuple[str, int, int], str] = {}


def file_sha256(path: str | os.PathLike[str], chunk: int = 1 << 20) -> str:
    """Hex SHA-256 of a file's bytes; a folder (image sequence) hashes its files in name order."""
    path = Path(path)
    if path.is_dir():
        digest = hashlib.sha256()
        for child in sorted(p for p in path.iterdir() if p.is_file()):
            digest.update(child.name.encode())
            digest.update(bytes.fromhex(file_sha256(child, chunk)))
        return digest.hexdigest()
    from semioscope.core.inputs import check_regular

    stat = check_regular(path, "file").stat()   # a pipe or /dev/zero would never end
    key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns)
    if key in _CACHE:
        return _CACHE[key]
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(chunk):
            digest.update(block)
    _CACHE[key] = digest.hexdigest()
    return _CACHE[key]
