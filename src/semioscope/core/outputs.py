"""One guard for every file a command writes: never over (or into) a source video.

An atomic save replaces its target, so ``analyze v.mp4 --out v.mp4`` would swap the recording
for JSON. Every writing command (and the GUI's save dialogs) calls :func:`refuse_source_targets`
with its output paths and the videos it reads (the input video, or every video of the manifest
or project) before it writes anything. A target is refused when it *is* such a video by file
identity (device and inode, so a symlink or a hard link to the video is caught too), or lies
inside an image-folder video.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Collection, Iterable, Mapping
from pathlib import Path
from types import MappingProxyType

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


def check_outputs(
    targets: Mapping[str, PathLike | None], *,
    reads: Iterable[tuple[str, PathLike | None]] = (),
    videos: Iterable[PathLike] = (),
    folders: Collection[str] = (),
    writes: Mapping[str, str] = MappingProxyType({}),
) -> None:
    """The one output rule, checked before any work starts (raises :class:`SemioscopeError`).

    ``targets`` maps each output option (``"--out"``) to its path (None: not asked for);
    options named in ``folders`` are folders the command writes into, the rest files.
    ``reads`` are ``(what, path)`` of every other file or folder the command reads (classifier,
    crop record, manifest, config, cache, project database, results); ``videos`` the source
    videos. ``writes`` marks a file option whose target may be a previous file of the same kind
    (``{"--out": "manifest"}`` for ``project export``). A target is refused when it is anything
    the command reads, another of its outputs, an existing folder (for a file) or plain file
    (for a folder), an existing recording, or an existing manifest it does not write; or when
    its folder is missing or not writable (tried with a temporary file, removed at once).
    """
    given = [(flag, Path(path)) for flag, path in targets.items() if path is not None]
    refuse_source_targets([path for _, path in given], videos)
    read_ids: dict[tuple[int, int], tuple[str, PathLike]] = {}
    for what, path in reads:
        ident = None if path is None else _identity(path)
        if ident is not None and path is not None:
            read_ids.setdefault(ident, (what, path))
    seen: dict[Path, str] = {}
    seen_ids: dict[tuple[int, int], str] = {}
    for flag, path in given:
        ident = _identity(path)
        if ident is not None and ident in read_ids:
            what, source = read_ids[ident]
            raise SemioscopeError(path, f"is the {what} {source} that this command reads; "
                                  f"refusing to write over it, choose another {flag} path")
        key = _resolved(path)
        other = seen.get(key) or (seen_ids.get(ident) if ident is not None else None)
        if other is not None:
            raise SemioscopeError(path, f"is given both as {other} and as {flag}; each output "
                                  "needs its own path")
        seen[key] = flag
        if ident is not None:
            seen_ids[ident] = flag
        if flag in folders:
            _check_folder_target(path)
        else:
            _check_file_target(path, flag, writes.get(flag))


def _check_file_target(path: Path, flag: str, kind: str | None) -> None:
    if path.is_dir():
        raise SemioscopeError(path, f"is an existing folder; {flag} names a file to write")
    if path.exists() or path.is_symlink():
        if not path.exists():
            raise SemioscopeError(path, "is a dangling symlink; choose another output path")
        if not path.is_file():
            raise SemioscopeError(path, "is not a regular file (a device, pipe or socket); "
                                  "choose another output path")
        refuse_unknown_video(path)
        if kind != "manifest" and _looks_like_manifest(path):
            raise SemioscopeError(path, "is an existing dataset manifest; refusing to write "
                                  "over it, choose another output path")
    parent = _resolved(path).parent
    if not parent.is_dir():
        blocker = _nearest_existing(parent)
        if blocker is not None and not blocker.is_dir():
            raise SemioscopeError(path, f"cannot be written: {blocker} is a file, not a folder")
        raise SemioscopeError(path, f"cannot be written: the folder {parent} does not exist")
    _probe(parent, path)


def _check_folder_target(path: Path) -> None:
    if path.exists() and not path.is_dir():
        raise SemioscopeError(path, "exists and is not a folder; choose a folder path")
    where = _nearest_existing(_resolved(path))
    if where is None or not where.is_dir():
        raise SemioscopeError(path, f"cannot be created: {where} is a file, not a folder")
    _probe(where, path)


def _nearest_existing(path: Path) -> Path | None:
    for candidate in (path, *path.parents):
        if candidate.exists():
            return candidate
    return None


def _probe(folder: Path, target: Path) -> None:
    """Create and remove a temporary file in ``folder``: a run of minutes never ends in
    "cannot write" (and root's permission bypass does not hide a read-only file system)."""
    try:
        fd, name = tempfile.mkstemp(prefix=f".{target.name[:40]}.", suffix=".probe",
                                    dir=folder)
    except OSError as exc:
        raise SemioscopeError(target, f"cannot be written: {folder} is not writable "
                              f"({exc.strerror or exc})") from None
    os.close(fd)
    with contextlib.suppress(OSError):
        os.unlink(name)
    if not os.access(folder, os.W_OK):
        raise SemioscopeError(target, f"cannot be written: {folder} is not writable")


def _looks_like_manifest(path: Path) -> bool:
    """A CSV whose header has a ``video`` column: a dataset someone keeps."""
    if path.suffix.lower() != ".csv":
        return False
    try:
        with open(path, "rb") as fh:
            head = fh.readline(4096).decode("utf-8-sig", "replace")
    except OSError:
        return False
    return "video" in [cell.strip().strip('"').lower() for cell in head.split(",")]
