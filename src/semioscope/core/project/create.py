"""Make a project from a dataset manifest or by scanning a folder for video files.

Each video is hashed (SHA-256: how a moved video is found again) and opened once for its frame
count, rate and size; a video that cannot be decoded still enters the project (without those)
so the batch crop can report it rather than the whole creation failing.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from semioscope.core.hashing import file_sha256
from semioscope.core.manifest import read_manifest
from semioscope.core.outputs import check_outputs
from semioscope.core.project.store import NewVideo, ProjectStore
from semioscope.errors import SemioscopeError, VideoError

VIDEO_EXTENSIONS = (".mkv", ".mp4", ".avi", ".mov", ".m4v", ".webm", ".npy")

#: progress(done, total, path)
CreateProgress = Callable[[int, int, Path], None]


def read_manifest_rows(path: Path) -> list[dict[str, object]]:
    """The manifest's rows (``core/manifest.py``'s rules), as :func:`describe` takes them."""
    return [{"video": r.video, "seizure_id": r.seizure_id, "patient_id": r.patient_id,
             "label": r.label, "onset_s": r.onset_s, "offset_s": r.offset_s}
            for r in read_manifest(path)]


def scan_rows(folder: Path) -> list[dict[str, object]]:
    """Every video file under ``folder`` (hidden folders skipped); the first sub-folder names
    the patient, the path without extension the seizure."""
    if not folder.is_dir():
        raise SemioscopeError(folder, "no such folder to scan")
    found: list[Path] = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        found += [Path(root) / f for f in sorted(files)
                  if not f.startswith(".") and Path(f).suffix.lower() in VIDEO_EXTENSIONS]
    if not found:
        raise SemioscopeError(folder, "no video files found (looked for "
                              f"{', '.join(VIDEO_EXTENSIONS)})")
    rows: list[dict[str, object]] = []
    for video in found:
        rel = video.relative_to(folder)
        patient = rel.parts[0] if len(rel.parts) > 1 else ""
        sid = rel.with_suffix("").as_posix().replace("/", "_")
        rows.append({"video": video, "seizure_id": sid, "patient_id": patient, "label": "",
                     "onset_s": None, "offset_s": None})
    return rows


def describe(video: Path, seizure_id: str, **fields: object) -> NewVideo:
    """Hash and measure one video (a file we cannot decode keeps empty metadata)."""
    from semioscope.core.video import open_video

    meta: dict[str, object] = {}
    try:
        with open_video(video) as reader:
            p = reader.properties
            meta = {"frames": p.frames, "fps": p.fps, "width": p.width, "height": p.height}
    except VideoError:
        pass
    size = video.stat().st_size if video.is_file() else 0
    return NewVideo(path=str(video.resolve()), sha256=file_sha256(video), size=size,
                    seizure_id=seizure_id, **fields, **meta)  # type: ignore[arg-type]


def _refuse_repeats(rows: list[dict[str, object]]) -> None:
    """One video once: a second row for the same file (by identity) is refused up front."""
    seen: dict[tuple[int, int], Path] = {}
    for row in rows:
        video = Path(str(row["video"]))
        try:
            st = os.stat(video)
        except OSError:
            continue
        if (st.st_dev, st.st_ino) in seen:
            raise SemioscopeError(video, f"is listed twice (also as {seen[st.st_dev, st.st_ino]})"
                                  "; each video once")
        seen[st.st_dev, st.st_ino] = video


def create_project(folder: str | Path, *, manifest: str | Path | None = None,
                   scan: str | Path | None = None,
                   progress: CreateProgress | None = None) -> ProjectStore:
    """A new project in ``folder`` from exactly one of ``manifest`` or ``scan``."""
    if (manifest is None) == (scan is None):
        raise SemioscopeError("project create", "give either --manifest CSV or --scan FOLDER")
    rows = read_manifest_rows(Path(manifest)) if manifest is not None else scan_rows(Path(scan or ""))
    check_outputs({"DIR": folder}, reads=[("manifest", manifest)],
                  videos=[Path(str(row["video"])) for row in rows], folders={"DIR"})
    _refuse_repeats(rows)
    videos: list[NewVideo] = []
    for done, row in enumerate(rows, start=1):
        video = Path(str(row.pop("video")))
        sid = str(row.pop("seizure_id"))
        videos.append(describe(video, sid, **row))
        if progress is not None:
            progress(done, len(rows), video)
    return ProjectStore.create(folder, videos)
