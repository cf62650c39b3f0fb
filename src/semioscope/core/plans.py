"""Plans that make no sense are refused before work starts, in one line.

A frame rate of 0.001 fps turns 12 frames into 6000 windows that run silently; ``--threads
100000`` crashes the thread pool; ``--seconds inf`` overflows a frame count. Every command that
takes such a number checks it here.
"""

from __future__ import annotations

import math
import os

from semioscope.errors import SemioscopeError

MIN_FPS, MAX_FPS = 1.0, 1000.0
#: 24 hours of 2-s windows: more is not a seizure recording
MAX_WINDOWS = 43_200


def machine_threads() -> int:
    """Logical CPUs of this machine (the most threads a command may ask for)."""
    return max(1, os.cpu_count() or 1)


def check_threads(threads: int | None, flag: str = "--threads") -> None:
    if threads is None:
        return
    if threads < 1:
        raise SemioscopeError(flag, f"must be at least 1, got {threads}")
    if threads > machine_threads():
        raise SemioscopeError(flag, f"{threads} threads, but this machine has "
                              f"{machine_threads()} CPUs; give at most {machine_threads()}")


def check_fps(fps: float | None, subject: object = "--fps") -> None:
    """A frame rate from 1 to 1000 fps (given, or stated by a file)."""
    if fps is None:
        return
    if not (math.isfinite(fps) and MIN_FPS <= fps <= MAX_FPS):
        raise SemioscopeError(str(subject), f"frame rate {fps:g} fps is not usable; give "
                              f"{MIN_FPS:g} to {MAX_FPS:g} fps")


def check_seconds(seconds: float | None, flag: str = "--seconds") -> None:
    if seconds is None:
        return
    if not (math.isfinite(seconds) and seconds > 0):
        raise SemioscopeError(flag, f"need a positive, finite number of seconds, got {seconds:g}")


def check_window_count(n: int, subject: object) -> None:
    if n > MAX_WINDOWS:
        raise SemioscopeError(str(subject), f"{n} windows planned (more than 24 hours); check "
                              "the frame rate (--fps) and the span")
