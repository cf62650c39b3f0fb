"""One guard for every file a command writes: never over (or into) a source video.

An atomic save replaces its target, so ``analyze v.mp4 --out v.mp4`` would swap the recording
for JSON. Every writing command (and the GUI's save dialogs) calls :func:`refuse_source_targets`
with its output paths and the videos it reads (the input video, or every video of the manifest
or project) before it writes anything. A target is refused when it *is* such a video by file
identity (device and inode, so a symlink or a hard link to the video is caught too), or lies
inside an image-folder video.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from semioscope.errors import SemioscopeError

PathLike = str | os.PathLike[str]

#: suffixes of files that are videos even when no command read them (synth, demo outputs)
VIDEO_SUFFIXES = {".mkv", ".mp4", ".mov", ".avi", ".m4v", ".mpg", ".mpeg", ".ts", ".mts",
                  ".wmv", ".webm", ".npy"}


def _identity(path: PathLike) -> tuple[int, int] | None:
    """``(st_dev, st_ino)`` of what ``path`` names after following symlinks, or None."""
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return None
    return st.st_dev, st.st_ino


def _resolved(path: PathLike) -> Path:
    try:
        return Path(path).resolve()
    except (OSError, RuntimeError):
        return Path(os.path.abspath(path))


def refuse_source_targets(
    targets: Iterable[PathLike | None], videos: Iterable[PathLike], *,
    what: str = "source video",
) -> None:
    """Raise :class:`SemioscopeError` naming the first target that is (or is inside) a video.

    ``targets`` may contain None (an output not asked for) and folders (a cache or report
    folder); nothing is created or changed here.
    """
    by_identity: dict[tuple[int, int], Path] = {}
    folders: list[tuple[Path, Path]] = []
    for video in videos:
        ident = _identity(video)
        if ident is None:
            continue
        by_identity.setdefault(ident, Path(video))
        if Path(video).is_dir():
            folders.append((_resolved(video), Path(video)))
    for target in targets:
        if target is None:
            continue
        ident = _identity(target)
        if ident is not None and ident in by_identity:
            raise SemioscopeError(target, f"is the {what} {by_identity[ident]} (the same file"
                                  f"{_how(target, by_identity[ident])}); refusing to write over"
                                  " it, choose another output path")
        where = _resolved(target)
        for folder, shown in folders:
            if folder in where.parents:
                raise SemioscopeError(target, f"is inside the image-folder {what} {shown}; "
                                      "refusing to write into it, choose another output path")


def refuse_unknown_video(target: PathLike | None, *, own_marker: str | None = None) -> None:
    """Refuse to replace an existing video file that a command did not make itself.

    For commands that read no video but write one (``synth``) or may be pointed at one
    (``demo --report``): ``own_marker`` is a sibling file that marks the video as ours
    (synth's ``<stem>.truth.json``).
    """
    if target is None:
        return
    path = Path(target)
    if not path.exists() or path.is_dir():
        return
    if own_marker is not None and path.with_name(own_marker).exists():
        return
    if path.suffix.lower() in VIDEO_SUFFIXES or _looks_like_video(path):
        raise SemioscopeError(target, "is an existing video; refusing to write over it, "
                              "choose another output path")


def _looks_like_video(path: Path) -> bool:
    """A cheap sniff of the first bytes: Matroska/WebM, MP4/MOV, AVI, MPEG-PS."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(12)
    except OSError:
        return False
    return (head.startswith(b"\x1a\x45\xdf\xa3") or head[4:8] in (b"ftyp", b"moov", b"mdat")
            or (head.startswith(b"RIFF") and head[8:12] == b"AVI ")
            or head.startswith(b"\x00\x00\x01\xba"))


def _how(target: PathLike, video: Path) -> str:
    if os.path.islink(target):
        return ", through a symlink"
    if _resolved(target) != _resolved(video):
        return ", through a hard link"
    return ""
