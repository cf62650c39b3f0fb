"""The first frame of the selected video with its crop box, decoded off the GUI thread.

Only the latest request is served: moving quickly through the table never queues decodes.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

import numpy as np
from PySide6.QtCore import QRect, QThread, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPen, QPixmap

from semioscope.core.geometry import Box

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


def render(gray: np.ndarray, box: Box | None, width: int, height: int) -> QPixmap:
    """The frame scaled to fit ``width`` x ``height`` with the box drawn in green."""
    h, w = gray.shape
    image = QImage(gray.data, w, h, gray.strides[0], QImage.Format.Format_Grayscale8).copy()
    pixmap = QPixmap.fromImage(image.convertToFormat(QImage.Format.Format_RGB32))
    if box is not None:
        painter = QPainter(pixmap)
        painter.setPen(QPen(QColor(0, 220, 0), max(1, w // 160)))
        painter.drawRect(QRect(box.x, box.y, max(1, box.w - 1), max(1, box.h - 1)))
        painter.end()
    return pixmap.scaled(max(1, width), max(1, height), aspectMode=_keep())


def _keep():  # type: ignore[no-untyped-def]
    from PySide6.QtCore import Qt

    return Qt.AspectRatioMode.KeepAspectRatio
