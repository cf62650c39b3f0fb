"""The first frame of the selected video, decoded off the GUI thread (the view draws the box).

Only the latest request is served (``app/latest.py``): moving quickly through the table never
queues decodes.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

import numpy as np
from PySide6.QtCore import Signal

from semioscope.app.latest import LatestRequestWorker

CACHE_SIZE = 64


class ThumbnailLoader(LatestRequestWorker):
    """Decodes frame 0 of a video to 8-bit gray; emits ``loaded(video_id, array or message)``.

    The cache is filled on the worker thread and read on the GUI thread, always under a lock.
    """

    loaded = Signal(int, object)

    def __init__(self) -> None:
        super().__init__()
        self._cache_lock = threading.Lock()
        self._cache: OrderedDict[int, np.ndarray] = OrderedDict()

    def request(self, video_id: int, path: str) -> None:
        with self._cache_lock:
            cached = self._cache.get(video_id)
        if cached is not None:
            self.loaded.emit(video_id, cached)
            return
        self.submit((video_id, path))

    def run(self) -> None:
        while (wanted := self.take()) is not None:
            video_id, path = wanted
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
        with self._cache_lock:
            self._cache[video_id] = gray
            while len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)
        return gray
