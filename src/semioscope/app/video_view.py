"""The video with its crop box: mirrors the session's frame and crop, reports the user's edits.

Frames arrive as 8-bit images (already mapped); the display window (black/white points) is a
levels setting on that 8-bit image and never changes the data the engine sees.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from semioscope.core.crop.editing import STATUS_COLOURS, clamp
from semioscope.core.geometry import Box

pg.setConfigOptions(imageAxisOrder="row-major", antialias=False)
HEAT_OPAQUE_FROM = 0.5   # evidence at or above this share of the map's peak is drawn opaque


def badge_style(status: str) -> str:
    """The badge's style for a crop status (one palette: ``core/crop/editing.py``)."""
    return f"background:{STATUS_COLOURS[status]};color:white;padding:3px 8px;border-radius:3px;"


def heat_lut() -> np.ndarray:
    """Inferno with an alpha that rises with the evidence: where it is low the patient shows
    through, even at full opacity (inferno's low end is opaque black)."""
    lut = pg.colormap.get("inferno").getLookupTable(0.0, 1.0, 256, alpha=True)
    ramp = np.clip(np.linspace(0.0, 1.0, 256) / HEAT_OPAQUE_FROM, 0.0, 1.0)
    lut[:, 3] = np.round(255 * ramp).astype(lut.dtype)
    return lut


class VideoView(QWidget):
    """Image + draggable crop ROI + crop badge; emits ``cropEdited(Box)`` when a drag ends."""

    cropEdited = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.badge = QLabel("no video — File › Open or drop a video here")
        self.badge.setStyleSheet(badge_style("not_cropped"))
        self.badge.setWordWrap(True)
        self.graphics = pg.GraphicsLayoutWidget()
        self.graphics.setBackground("#111")
        self.graphics.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.viewbox = self.graphics.addViewBox(lockAspect=True, invertY=True, enableMenu=False)
        self.viewbox.setMouseEnabled(False, False)
        self.image = pg.ImageItem(axisOrder="row-major")
        self.viewbox.addItem(self.image)
        # the evidence heat map (core/explain), placed on the crop box it covers
        self.heat = pg.ImageItem(axisOrder="row-major")
        self.heat.setLookupTable(heat_lut())
        self.heat.setZValue(5)
        self.heat.hide()
        self.viewbox.addItem(self.heat)
        self.heat_box: Box | None = None
        self.roi: pg.RectROI | None = None
        self._size: tuple[int, int] | None = None   # the video's (width, height), once known
        self.levels = (0, 255)
        self.shown_frame: int | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.badge)
        layout.addWidget(self.graphics, 1)

    def set_geometry(self, width: int, height: int) -> None:
        """Prepare for a video of this size (removes any previous crop box)."""
        if self.roi is not None:
            self.viewbox.removeItem(self.roi)
            self.roi = None
        self.image.clear()
        self.shown_frame = None
        self._size = (width, height)
        self.viewbox.setRange(QRectF(0, 0, width, height), padding=0.01)

    def show_frame(self, index: int, frame: np.ndarray) -> None:
        self.image.setImage(frame, autoLevels=False, levels=self.levels)
        self.shown_frame = index

    def set_heatmap(self, placed: object | None, opacity: float = 0.55) -> None:
        """Show a :class:`~semioscope.core.explain.PlacedMap` over its box, or hide it."""
        if placed is None:
            self.heat.hide()
            self.heat_box = None
            return
        values, box = placed.values, placed.box  # type: ignore[attr-defined]
        self.heat.setImage(values, autoLevels=False, levels=(0.0, 1.0))
        self.heat.setRect(QRectF(box.x, box.y, box.w, box.h))
        self.heat.setOpacity(float(opacity))
        self.heat.show()
        self.heat_box = box

    def set_levels(self, black: int, white: int) -> None:
        self.levels = (int(black), max(int(white), int(black) + 1))
        self.image.setLevels(self.levels)

    # -- crop ----------------------------------------------------------------------------------
    def set_crop(self, box: Box | None, badge: tuple[str, str] | None) -> None:
        """Mirror the crop without echoing it back as an edit; ``badge`` = (text, crop status)."""
        if badge is not None:
            text, status = badge
            self.badge.setText(text)
            self.badge.setStyleSheet(badge_style(status))
        if box is None or self._size is None:   # no box, or no frame to draw it on yet
            if self.roi is not None:
                self.roi.hide()
            return
        if self.roi is None:
            self._make_roi(box)
        assert self.roi is not None
        self.roi.show()
        self.roi.setPos(QPointF(box.x, box.y), update=False, finish=False)
        self.roi.setSize(QPointF(box.w, box.h), update=True, finish=False)

    def _make_roi(self, box: Box) -> None:
        assert self._size is not None
        width, height = self._size
        roi = pg.RectROI([box.x, box.y], [box.w, box.h], pen=pg.mkPen("#00e5ff", width=2),
                         hoverPen=pg.mkPen("#ffffff", width=2),
                         maxBounds=QRectF(0, 0, width, height), snapSize=1.0,
                         translateSnap=True, scaleSnap=True, removable=False)
        for pos, centre in (([0, 0], [1, 1]), ([1, 0], [0, 1]), ([0, 1], [1, 0]),
                            ([0.5, 0], [0.5, 1]), ([0.5, 1], [0.5, 0]),
                            ([0, 0.5], [1, 0.5]), ([1, 0.5], [0, 0.5])):
            roi.addScaleHandle(pos, centre)
        roi.sigRegionChangeFinished.connect(self._roi_finished)
        self.viewbox.addItem(roi)
        self.roi = roi

    def roi_box(self) -> Box | None:
        if self.roi is None:
            return None
        pos, size = self.roi.pos(), self.roi.size()
        box = Box(*(int(round(v)) for v in (pos.x(), pos.y(), size.x(), size.y())))
        return clamp(box, self._size)

    def _roi_finished(self, *_: object) -> None:
        box = self.roi_box()
        if box is not None:
            self.cropEdited.emit(box)
