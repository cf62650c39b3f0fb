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
