"""The project write lock: a second process is kept out; the Windows path locks one fixed byte."""

from __future__ import annotations

import os
import subprocess
import sys
import types
from pathlib import Path

import pytest

from semioscope.core.project import lock as lock_module
from semioscope.core.project.lock import LOCK_OFFSET, ProjectLock

HOLDER = """
import sys
from semioscope.core.project.lock import ProjectLock
lock = ProjectLock(sys.argv[1])
print("held" if lock.acquire() else "refused", flush=True)
sys.stdin.readline()          # hold it until the test says so
lock.release()
"""


def _holder(folder: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    return subprocess.Popen([sys.executable, "-c", HOLDER, str(folder)], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True, env=env)


def test_a_second_process_is_refused_until_the_first_releases(tmp_path: Path) -> None:
    child = _holder(tmp_path)
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "held"
        mine = ProjectLock(tmp_path)
        assert not mine.acquire()
        assert mine.holder.get("pid") == child.pid          # the message can say who has it
        assert f"process {child.pid}" in mine.describe_holder()
        assert not mine.acquire()                           # asking again changes nothing
    finally:
        assert child.stdin is not None
        child.stdin.write("\n")
        child.stdin.flush()
        child.wait(timeout=30)
    assert mine.acquire() and mine.held
    other = _holder(tmp_path)                              # and now the roles are swapped
    try:
        assert other.stdout is not None and other.stdout.readline().strip() == "refused"
    finally:
        other.communicate("\n", timeout=30)
        mine.release()


def test_a_killed_holder_leaves_no_stale_lock(tmp_path: Path) -> None:
    child = _holder(tmp_path)
    assert child.stdout is not None and child.stdout.readline().strip() == "held"
    child.kill()
    child.wait(timeout=30)
    mine = ProjectLock(tmp_path)
    assert mine.acquire()
    mine.release()


class FakeMsvcrt(types.ModuleType):
    """Windows byte-range locks: a locked byte offset refuses a second locker."""

    LK_NBLCK, LK_UNLCK = 2, 0

    def __init__(self) -> None:
        super().__init__("msvcrt")
        self.locked: set[int] = set()
        self.calls: list[tuple[int, int]] = []

    def locking(self, fd: int, mode: int, nbytes: int) -> None:
        offset = os.lseek(fd, 0, os.SEEK_CUR)
        self.calls.append((mode, offset))
        if mode == self.LK_UNLCK:
            self.locked.discard(offset)
        elif offset in self.locked:
            raise OSError("locked")
        else:
            self.locked.add(offset)


def test_the_windows_path_locks_the_same_byte_whatever_the_file_holds(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """0.1 locked the byte at the end of an appended file: a second instance got in."""
    fake = FakeMsvcrt()
    monkeypatch.setitem(sys.modules, "msvcrt", fake)
    monkeypatch.setattr(lock_module, "WINDOWS", True)
    first, second = ProjectLock(tmp_path), ProjectLock(tmp_path)
    assert first.acquire()
    assert (tmp_path / "project.lock").stat().st_size > 0      # the holder text is written
    assert not second.acquire()
    assert second.holder.get("pid") == os.getpid()             # and readable meanwhile
    assert {offset for _, offset in fake.calls} == {LOCK_OFFSET}
    first.release()
    assert second.acquire()
    second.release()
    assert fake.locked == set()


def test_a_clean_release_removes_the_lock_file(tmp_path: Path) -> None:
    """Issue #27: an empty ``project.lock`` stayed in the folder after every clean exit."""
    lock = ProjectLock(tmp_path)
    assert lock.acquire() and (tmp_path / "project.lock").is_file()
    lock.release()
    assert not (tmp_path / "project.lock").exists()
    again = ProjectLock(tmp_path)                  # and the next one takes it as usual
    assert again.acquire()
    assert not ProjectLock(tmp_path).acquire()     # same process, but flock is per open file
    again.release()


def test_a_lock_file_removed_under_a_waiting_locker_is_not_trusted(tmp_path: Path) -> None:
    """The last holder removes the file as it releases: one who locked the removed file must
    lock the new one, or two writers would each hold "the" lock."""
    first = ProjectLock(tmp_path)
    assert first.acquire()
    stale = open(tmp_path / "project.lock", "r+b")  # noqa: SIM115 - opened before the removal
    first.release()
    second = ProjectLock(tmp_path)
    assert second.acquire()
    assert not second._still_the_file(stale)
    stale.close()
    assert not ProjectLock(tmp_path).acquire()
    second.release()


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait(timeout=30)
    return child.pid


def test_without_os_locks_a_dead_holders_file_is_stale(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A share that answers ENOLCK to flock: the PID in the file decides, so a crashed
    holder's file does not keep the project read-only forever."""
    import errno
    import fcntl
    import json
    import socket

    def no_locks(fd: int, op: int) -> None:
        raise OSError(errno.ENOLCK, "No locks available")

    monkeypatch.setattr(fcntl, "flock", no_locks)
    path = tmp_path / "project.lock"
    path.write_text(json.dumps({"user": "x", "host": socket.gethostname(), "pid": _dead_pid()}))
    mine = ProjectLock(tmp_path)
    assert mine.acquire()
    assert json.loads(path.read_text())["pid"] == os.getpid()
    mine.release()
    child = subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.read()"],
                             stdin=subprocess.PIPE)
    try:                                          # a live holder keeps it
        path.write_text(json.dumps({"user": "x", "host": socket.gethostname(), "pid": child.pid}))
        refused = ProjectLock(tmp_path)
        assert not refused.acquire()
        assert f"process {child.pid}" in refused.describe_holder()
    finally:
        child.communicate(b"", timeout=30)
    path.write_text(json.dumps({"user": "x", "host": "elsewhere", "pid": 1}))
    assert not ProjectLock(tmp_path).acquire()    # another host's process cannot be asked
