"""Only regular files are opened as inputs: a pipe, device or socket gets one line, never a wait.

Opening a FIFO blocks until someone writes to it, and ``/dev/zero`` never ends, so every reader
(videos, manifests, configs, results, crop records, caches, classifiers) checks what a path names
here first. The file is opened non-blocking and checked again on the open descriptor, so a path
swapped between the check and the open is caught too.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from semioscope.errors import SemioscopeError

PathLike = str | os.PathLike[str]


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def check_regular(path: PathLike, what: str, *, folder_ok: bool = False) -> Path:
    """``path`` if it names (after links) a regular file, or a folder when ``folder_ok``;
    otherwise :class:`SemioscopeError` naming it (missing, dangling link, folder, pipe...)."""
    path = Path(path)
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        if os.path.islink(path):
            raise SemioscopeError(path, f"is a dangling symlink (the {what} it named is "
                                  "gone)") from None
        raise SemioscopeError(path, f"no such {what} file") from None
    except (OSError, ValueError) as exc:
        raise SemioscopeError(path, f"cannot read the {what} ({exc})") from None
    if stat.S_ISDIR(mode):
        if folder_ok:
            return path
        raise SemioscopeError(path, f"is a folder; give the {what} file")
    if not stat.S_ISREG(mode):
        raise SemioscopeError(path, f"is {_kind(mode)}, not a {what} file; refusing to read it "
                              "(it could wait forever)")
    return path


def read_bytes(path: PathLike, what: str, *, limit: int | None = None) -> bytes:
    """The bytes of a regular file (at most ``limit``: more is refused as not a ``what``)."""
    path = check_regular(path, what)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise SemioscopeError(path, f"cannot read the {what} file ({exc.strerror or exc})") \
            from None
    with os.fdopen(fd, "rb") as fh:
        mode = os.fstat(fh.fileno()).st_mode
        if not stat.S_ISREG(mode):
            raise SemioscopeError(path, f"is {_kind(mode)}, not a {what} file")
        try:
            data = fh.read() if limit is None else fh.read(limit + 1)
        except OSError as exc:
            raise SemioscopeError(path, f"cannot read the {what} file ({exc.strerror or exc})") \
                from None
    if limit is not None and len(data) > limit:
        raise SemioscopeError(path, f"is larger than {limit // 2**20} MiB; not a {what} file")
    return data


def read_text(path: PathLike, what: str, *, encoding: str = "utf-8",
              limit: int | None = 256 * 2**20) -> str:
    """Text of a regular file; undecodable bytes are refused naming the file."""
    data = read_bytes(path, what, limit=limit)
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise SemioscopeError(path, f"not a {what} (not {encoding} text: byte {exc.start})") \
            from None
