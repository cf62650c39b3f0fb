"""Finding the window of a frame or a time in O(1), so moving the cursor never scans the list."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from semioscope.core.results.model import WindowResult


class WindowIndex:
    """Frame or time -> window index in O(1), from a per-frame lookup table built once.

    A frame belongs to the window whose ``[start_s, end_s)`` holds the frame's time ``i / fps``
    (for 30-fps videos exactly the window's frame range). Frames outside every window map to None.
    """

    def __init__(self, windows: Sequence[WindowResult], fps: float, frames: int) -> None:
        if fps <= 0 or frames < 0:
            raise ValueError(f"need fps > 0 and frames >= 0, got {fps}, {frames}")
        self.fps = float(fps)
        self.frames = int(frames)
        self.windows = tuple(windows)
        self.p_tle = np.array([w.p_tle for w in self.windows], dtype=np.float64)
        self.starts = np.array([w.start_s for w in self.windows], dtype=np.float64)
        self.ends = np.array([w.end_s for w in self.windows], dtype=np.float64)
        self._table = np.full(self.frames, -1, dtype=np.int32)
        for i, (start, end) in enumerate(zip(self.starts, self.ends, strict=True)):
            first = max(0, math.ceil(start * self.fps - 1e-6))
            stop = min(self.frames, math.ceil(end * self.fps - 1e-6))
            self._table[first:stop] = i

    def __len__(self) -> int:
        return len(self.windows)

    def at_frame(self, frame: int) -> int | None:
        """Index of the window holding source frame ``frame``, or None."""
        if not 0 <= frame < self.frames:
            return None
        index = int(self._table[frame])
        return None if index < 0 else index

    def at_time(self, seconds: float) -> int | None:
        """Index of the window holding the frame shown at ``seconds``, or None."""
        if not math.isfinite(seconds) or seconds < 0:
            return None
        return self.at_frame(int(math.floor(seconds * self.fps + 1e-6)))
