"""Make a project from a dataset manifest or by scanning a folder for video files.

Each video is hashed (SHA-256: how a moved video is found again) and opened once for its frame
count, rate and size; a video that cannot be decoded still enters the project (without those)
so the batch crop can report it rather than the whole creation failing.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from semioscope.core.csvfile import nonnegative, read_rows
from semioscope.core.hashing import file_sha256
from semioscope.core.outputs import refuse_source_targets
from semioscope.core.project.store import NewVideo, ProjectStore
from semioscope.errors import SemioscopeError, VideoError

VIDEO_EXTENSIONS = (".mkv", ".mp4", ".avi", ".mov", ".m4v", ".webm", ".npy")

#: progress(done, total, path)
CreateProgress = Callable[[int, int, Path], None]


def read_manifest_rows(path: Path) -> list[dict[str, object]]:
    """The manifest's rows, checked: video present and existing, seizure ids unique."""
    rows: list[dict[str, object]] = []
    seen: dict[str, int] = {}
    for line, raw in read_rows(path, ("video",)):
        where = f"{path} line {line}"
        if not raw.get("video"):
            raise SemioscopeError(where, "the video is empty")
        video = Path(raw["video"])
        video = video if video.is_absolute() else path.parent / video
        if not video.exists():
            raise SemioscopeError(where, f"video {raw['video']} does not exist")
        sid = raw.get("seizure_id") or video.stem
        if sid in seen:
            raise SemioscopeError(where, f"seizure_id {sid!r} repeats line {seen[sid]}")
        seen[sid] = line
        onset = nonnegative(raw.get("onset_s", ""), "onset_s", where)
        offset = nonnegative(raw.get("offset_s", ""), "offset_s", where)
        if onset is not None and offset is not None and onset >= offset:
            raise SemioscopeError(where, f"onset_s {onset:g} is not before offset_s {offset:g}")
        rows.append({"video": video, "seizure_id": sid, "patient_id": raw.get("patient_id", ""),
                     "label": raw.get("label", "").upper(), "onset_s": onset, "offset_s": offset})
    if not rows:
        raise SemioscopeError(path, "the manifest lists no videos")
    return rows


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


def create_project(folder: str | Path, *, manifest: str | Path | None = None,
                   scan: str | Path | None = None,
                   progress: CreateProgress | None = None) -> ProjectStore:
    """A new project in ``folder`` from exactly one of ``manifest`` or ``scan``."""
    if (manifest is None) == (scan is None):
        raise SemioscopeError("project create", "give either --manifest CSV or --scan FOLDER")
    rows = read_manifest_rows(Path(manifest)) if manifest is not None else scan_rows(Path(scan or ""))
    refuse_source_targets([folder], [Path(str(row["video"])) for row in rows])
    videos: list[NewVideo] = []
    for done, row in enumerate(rows, start=1):
        video = Path(str(row.pop("video")))
        sid = str(row.pop("seizure_id"))
        videos.append(describe(video, sid, **row))
        if progress is not None:
            progress(done, len(rows), video)
    return ProjectStore.create(folder, videos)
