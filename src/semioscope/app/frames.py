"""Decoding off the GUI thread: a small cache, read-ahead, and only the latest request served.

Decoding costs ~20 ms a frame and a seek ~130 ms, so scrubbing must never queue requests: the GUI
overwrites one "wanted" slot and the worker always takes the newest. While idle the worker decodes
ahead of the last frame it served, so playback reads from the cache. Each frame is converted to
8 bits once, through the video's intensity mapping; the cache holds only 8-bit frames.
"""

from __future__ import annotations

from collections import OrderedDict
from pathlib import Path

import numpy as np
from PySide6.QtCore import Signal

from semioscope.app.latest import LatestRequestWorker
from semioscope.core.video import IntensityMapping, open_video
from semioscope.errors import SemioscopeError


class FrameServer(LatestRequestWorker):
    """``request(i)`` from the GUI; ``frameReady(i, uint8 HxW)`` comes back on the GUI thread."""

    frameReady = Signal(int, object)
    failed = Signal(str)

    def __init__(self, path: str | Path, mapping: IntensityMapping, n_frames: int,
                 cache_frames: int = 150, read_ahead: int = 45) -> None:
        super().__init__()
        self._path = Path(path)
        self._mapping = mapping
        self._n = n_frames
        self._cache: OrderedDict[int, np.ndarray] = OrderedDict()
        self._cache_frames = cache_frames
        self._read_ahead = read_ahead
        self.decoded = 0  # frames actually decoded (tests, bench)
        self.hits = 0     # requests served from the cache

    def request(self, index: int) -> None:
        """Ask for frame ``index``; replaces any request not yet started."""
        self.submit(int(index))

    # -- worker side -------------------------------------------------------------------------
    def _get(self, reader: object, index: int) -> np.ndarray:
        frame = self._cache.get(index)
        if frame is not None:
            self._cache.move_to_end(index)
            return frame
        frame = self._mapping.apply(reader.read(index))  # type: ignore[attr-defined]
        self.decoded += 1
        self._cache[index] = frame
        while len(self._cache) > self._cache_frames:
            self._cache.popitem(last=False)
        return frame

    def run(self) -> None:
        try:
            reader = open_video(self._path, allow_truncated=True)  # the window warned
        except SemioscopeError as exc:
            self.failed.emit(str(exc))
            return
        try:
            while (index := self.take()) is not None:
                if not 0 <= index < self._n:
                    continue
                if index in self._cache:
                    self.hits += 1
                self.frameReady.emit(index, self._get(reader, index))
                ahead = index + 1
                while ahead < min(index + self._read_ahead, self._n) and not self.pending():
                    self._get(reader, ahead)
                    ahead += 1
        except SemioscopeError as exc:
            self.failed.emit(str(exc))
        except Exception as exc:  # a decoder bug must not kill the GUI silently
            self.failed.emit(f"cannot decode {self._path.name}: {type(exc).__name__}: {exc}")
        finally:
            reader.close()
