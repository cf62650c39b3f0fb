"""One writer per project: the second app instance opens the project read-only and says why.

The writer holds an operating-system lock on ``project.lock`` (``flock`` on POSIX, ``msvcrt``
on Windows) and writes its user, host, PID and start time into the file for the message. The OS
drops the lock when the process dies, even under ``kill -9``, so a lock can never go stale on
the machine that took it: a ``project.lock`` left behind by a dead process is simply taken over.
A clean exit removes the file (issue #27: a lock file left in the folder looked like a project
still open). Where the file system refuses OS locks altogether (some network shares answer
``ENOLCK``), the recorded PID decides: a holder on this host whose process is gone is stale.
(SQLite's own locking would let two writers interleave safely, but then one reviewer's keyboard
edits would silently change under the other's eyes; one writer at a time is clearer.)
"""

from __future__ import annotations

import contextlib
import errno
import getpass
import json
import os
import socket
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

LOCK_NAME = "project.lock"


def current_user() -> str:
    """The OS user recorded with every edit."""
    try:
        return getpass.getuser() or "unknown"
    except Exception:  # no login name (some containers, services)
        return "unknown"


#: Windows locks byte ranges, not files: every instance must lock the SAME byte, whatever the
#: file's length (0.1 locked "one byte at the current position" of a file opened for appending,
#: i.e. at its end, so a second instance locked another byte and got in). A byte far past the
#: holder text keeps the text readable for the second instance's message (Windows locks are
#: mandatory: a locked byte cannot even be read).
LOCK_OFFSET = 1 << 30
WINDOWS = os.name == "nt"   # read at each call (tests run the Windows path with a fake msvcrt)


#: what ``flock`` answers when another process holds the lock; any other error means this file
#: system cannot lock at all
HELD_ERRNOS = {errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES}


class LockingUnsupported(OSError):
    """The file system takes no OS locks: the PID in the file is all there is to go on."""


def pid_alive(pid: int) -> bool:
    """True while a process ``pid`` exists on this machine (signal 0 checks, sends nothing)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:      # it exists, under another user
        return True
    except OSError:              # Windows: no such process, or no way to ask
        return False
    return True


def _try_lock(fh: IO[bytes]) -> bool:
    """Take the OS lock without waiting: ``msvcrt`` on byte ``LOCK_OFFSET`` on Windows,
    ``flock`` on the whole file on POSIX (dropped by the OS when the process dies).
    Raises :class:`LockingUnsupported` where the file system cannot lock."""
    if WINDOWS:
        import msvcrt

        fh.seek(LOCK_OFFSET)
        try:
            msvcrt.locking(fh.fileno(), msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]
        except OSError:
            return False
        finally:
            fh.seek(0)
        return True
    import fcntl

    try:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as exc:
        if exc.errno in HELD_ERRNOS:
            return False
        raise LockingUnsupported(exc.errno, exc.strerror) from exc
    return True


def _unlock(fh: IO[bytes]) -> None:
    if WINDOWS:
        import msvcrt

        fh.seek(LOCK_OFFSET)
        with contextlib.suppress(OSError):
            msvcrt.locking(fh.fileno(), msvcrt.LK_UNLCK, 1)  # type: ignore[attr-defined]
        fh.seek(0)


class ProjectLock:
    """The write lock of one project folder; ``holder`` describes who has it when we did not."""

    def __init__(self, folder: Path) -> None:
        self.path = Path(folder) / LOCK_NAME
        self._fh: IO[bytes] | None = None
        self.holder: dict[str, Any] = {}

    @property
    def held(self) -> bool:
        return self._fh is not None

    def acquire(self) -> bool:
        """Take the lock without waiting; False (and ``holder`` filled in) when another has it."""
        if self._fh is not None:
            return True
        for _ in range(20):   # a holder removing the file as we lock it: lock the new one
            fh = self._open()
            try:
                locked = _try_lock(fh)
            except LockingUnsupported:
                locked = not self._held_by_a_live_process()
            if not locked:
                fh.close()
                self.holder = self.read_holder()
                return False
            if self._still_the_file(fh):
                break
            fh.close()
        else:
            return False
        info = {"user": current_user(), "host": socket.gethostname(), "pid": os.getpid(),
                "since": datetime.now(UTC).isoformat(timespec="seconds")}
        fh.seek(0)
        fh.truncate()
        fh.write((json.dumps(info) + "\n").encode())
        fh.flush()
        self._fh = fh
        return True

    def _open(self) -> IO[bytes]:
        # "r+b" after creating: no append mode, whose writes would always go to the end
        with contextlib.suppress(FileExistsError):
            self.path.open("xb").close()
        try:
            return open(self.path, "r+b")  # noqa: SIM115 - kept open while the lock is held
        except FileNotFoundError:           # removed between the two: make it again
            return self._open()

    def _still_the_file(self, fh: IO[bytes]) -> bool:
        """The locked file is the one at ``path`` (the last holder may have removed it while we
        waited on it; a lock on a removed file keeps no one out)."""
        if WINDOWS:
            return True    # an open file cannot be removed there
        try:
            return os.fstat(fh.fileno()).st_ino == os.stat(self.path).st_ino
        except OSError:
            return False

    def _held_by_a_live_process(self) -> bool:
        """Without OS locks: held while the recorded holder's process runs (another host's
        process cannot be asked, so it counts as running)."""
        holder = self.read_holder()
        if not holder:
            return False
        if holder.get("host") != socket.gethostname():
            return True
        pid = holder.get("pid")
        return isinstance(pid, int) and pid != os.getpid() and pid_alive(pid)

    def read_holder(self) -> dict[str, Any]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8") or "{}")
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def describe_holder(self) -> str:
        h = self.holder
        if not h:
            return "another semioscope has this project open for editing"
        return (f"{h.get('user', '?')} has this project open for editing on {h.get('host', '?')} "
                f"(process {h.get('pid', '?')}, since {h.get('since', '?')})")

    def release(self) -> None:
        """Remove the file, then drop the lock: a clean exit leaves no ``project.lock``."""
        if self._fh is None:
            return
        fh, self._fh = self._fh, None
        if not WINDOWS:   # removed while still locked, so no one can lock the old file after
            with contextlib.suppress(OSError):
                self.path.unlink()
        try:
            fh.seek(0)
            fh.truncate()
        except OSError:
            pass
        _unlock(fh)
        fh.close()  # closing drops the OS lock (flock); Windows was unlocked just above
        if WINDOWS:       # an open file cannot be removed there; one another opened stays
            with contextlib.suppress(OSError):
                self.path.unlink()
