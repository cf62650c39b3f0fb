"""The first frame of the selected video, decoded off the GUI thread (the view draws the box).

Only the latest request is served: moving quickly through the table never queues decodes.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

import numpy as np
from PySide6.QtCore import QThread, Signal

CACHE_SIZE = 64


class ThumbnailLoader(QThread):
    """Decodes frame 0 of a video to 8-bit gray; emits ``loaded(video_id, array or message)``."""

    loaded = Signal(int, object)

    def __init__(self) -> None:
        super().__init__()
        self._wake = threading.Condition()
        self._wanted: tuple[int, str] | None = None
        self._stop = False
        self._cache: OrderedDict[int, np.ndarray] = OrderedDict()

    def request(self, video_id: int, path: str) -> None:
        if video_id in self._cache:
            self.loaded.emit(video_id, self._cache[video_id])
            return
        with self._wake:
            self._wanted = (video_id, path)
            self._wake.notify()

    def stop(self) -> None:
        with self._wake:
            self._stop = True
            self._wake.notify()
        self.wait(5000)

    def run(self) -> None:
        while True:
            with self._wake:
                while self._wanted is None and not self._stop:
                    self._wake.wait()
                if self._stop:
                    return
                assert self._wanted is not None
                video_id, path = self._wanted
                self._wanted = None
            self.loaded.emit(video_id, self._decode(video_id, path))

    def _decode(self, video_id: int, path: str) -> np.ndarray | str:
        from semioscope.core.video import mapping_for, open_video
        from semioscope.errors import SemioscopeError

        try:
            with open_video(path) as reader:
                gray = mapping_for(reader, "kinect").apply(reader.read(0))
        except SemioscopeError as exc:
            return str(exc)
        gray = np.ascontiguousarray(gray, dtype=np.uint8)
        self._cache[video_id] = gray
        while len(self._cache) > CACHE_SIZE:
            self._cache.popitem(last=False)
        return gray

