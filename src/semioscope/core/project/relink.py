"""Find moved videos again: files under a search folder matched by size, then by SHA-256.

Sizes come from one directory walk (cheap); only files whose size equals a missing video's are
hashed, so relinking a moved archive of hundreds of videos hashes little more than the videos
themselves.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from semioscope.core.hashing import file_sha256
from semioscope.core.project.store import ProjectStore
from semioscope.errors import SemioscopeError


@dataclass
class RelinkSummary:
    missing: int = 0
    found: list[tuple[str, str]] = field(default_factory=list)   # (seizure_id, new path)
    still_missing: list[str] = field(default_factory=list)        # seizure ids

    def lines(self) -> list[str]:
        return [f"{self.missing} missing videos: {len(self.found)} found again, "
                f"{len(self.still_missing)} still missing",
                *(f"  still missing: {sid}" for sid in self.still_missing)]


def missing_videos(store: ProjectStore) -> list[tuple[int, str, str, int, str]]:
    """(id, seizure_id, sha256, size, path) of every video whose file is not where it was."""
    rows = store.conn.execute("SELECT id, seizure_id, sha256, size, path FROM videos ORDER BY id")
    return [r for r in rows if not Path(r[4]).exists()]


def relink(store: ProjectStore, search: str | Path,
           progress: Callable[[str], None] | None = None) -> RelinkSummary:
    """Point every missing video at the file under ``search`` with the same bytes."""
    search = Path(search)
    if not search.is_dir():
        raise SemioscopeError(search, "no such folder to search")
    missing = missing_videos(store)
    summary = RelinkSummary(missing=len(missing))
    wanted_sizes = {m[3] for m in missing}
    by_size: dict[int, list[Path]] = defaultdict(list)
    for root, dirs, files in os.walk(search):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in files:
            path = Path(root) / name
            try:
                size = path.stat().st_size
            except OSError:
                continue
            if size in wanted_sizes:
                by_size[size].append(path)
    for video_id, sid, sha, size, _ in missing:
        match = next((p for p in by_size.get(size, []) if file_sha256(p) == sha), None)
        if match is None:
            summary.still_missing.append(sid)
            continue
        store.set_video_path(video_id, str(match.resolve()))
        summary.found.append((sid, str(match)))
        if progress is not None:
            progress(sid)
    return summary
