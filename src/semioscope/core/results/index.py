"""Finding the window of a frame or a time in O(1), so moving the cursor never scans the list."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from semioscope.core.results.model import WindowResult


class WindowIndex:
    """Frame or time -> window index in O(1), from a per-frame lookup table built once.

    A frame belongs to the window whose ``[start_s, end_s)`` holds the frame's presentation
    time: ``times[i]`` when given (a variable-rate video, whose frames are not ``1 / fps``
    apart), else ``i / fps`` (for 30-fps videos exactly the window's frame range). Frames outside
    every window map to None.
    """

    def __init__(self, windows: Sequence[WindowResult], fps: float, frames: int,
                 times: np.ndarray | None = None) -> None:
        if fps <= 0 or frames < 0:
            raise ValueError(f"need fps > 0 and frames >= 0, got {fps}, {frames}")
        if times is not None and len(times) != frames:
            raise ValueError(f"{len(times)} frame times for {frames} frames")
        self.fps = float(fps)
        self.frames = int(frames)
        self.windows = tuple(windows)
        self.p_tle = np.array([w.p_tle for w in self.windows], dtype=np.float64)
        self.starts = np.array([w.start_s for w in self.windows], dtype=np.float64)
        self.ends = np.array([w.end_s for w in self.windows], dtype=np.float64)
        frame_times = (np.arange(self.frames, dtype=np.float64) / self.fps if times is None
                       else np.asarray(times, dtype=np.float64))
        eps = 1e-6 / self.fps          # a frame "at" a boundary belongs to the later window
        self._first = np.searchsorted(frame_times, self.starts - eps, side="left")
        stops = np.searchsorted(frame_times, self.ends - eps, side="left")
        self._table = np.full(self.frames, -1, dtype=np.int32)
        for i, (first, stop) in enumerate(zip(self._first, stops, strict=True)):
            self._table[first:stop] = i

    def __len__(self) -> int:
        return len(self.windows)

    def first_frame(self, pos: int) -> int:
        """The first source frame shown in window ``pos`` (where a click on its bar seeks to)."""
        return int(min(self._first[pos], max(self.frames - 1, 0)))

    def at_frame(self, frame: int) -> int | None:
        """Index of the window holding source frame ``frame``, or None."""
        if not 0 <= frame < self.frames:
            return None
        index = int(self._table[frame])
        return None if index < 0 else index

    def at_time(self, seconds: float) -> int | None:
        """Index of the window whose ``[start_s, end_s)`` holds ``seconds``, or None."""
        if not math.isfinite(seconds) or seconds < 0:
            return None
        pos = int(np.searchsorted(self.starts, seconds + 1e-9, side="right")) - 1
        return pos if pos >= 0 and seconds < self.ends[pos] - 1e-9 else None
