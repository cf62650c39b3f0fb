"""Timeline of per-window results: bars from the threshold toward TLE (up) or FLE (down).

One item per kind (bars, uncertainty band, span, cursor) is created once and updated in
place; clicking a window asks to seek to its start, hovering shows its values. Stale results
(made with other inputs than the ones shown) are drawn grey under a title that says why. The
threshold line's label carries its value, the time axis's label the band's words
(core.results.band_text): an empty uncertain band is not drawn, and the label says so.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt, Signal
from PySide6.QtGui import QCursor
from PySide6.QtWidgets import QToolTip, QWidget

from semioscope.core.palette import label_colour
from semioscope.core.results import (
    PartialResults,
    Results,
    WindowIndex,
    band_text,
    has_band,
    prob_text,
    window_number,
)

STALE_COLOUR = "#4a4a4a"
OUTSIDE_COLOUR = "#e91e63"   # evidence mostly outside the patient/bed box
CAP_HALF = 0.012  # half the height of a value cap, in P(TLE) units
TIME_LABEL = "time (s)"


def time_axis_label(band: tuple[float, float] | None) -> str:
    """The time axis's label, with the uncertain band's words once there are results."""
    if band is None:
        return TIME_LABEL
    return f"{TIME_LABEL}  \u00b7  " + (f"grey: {band_text(band)}" if has_band(band)
                                         else band_text(band))


class Timeline(pg.PlotWidget):
    """Mirrors results, span and current time; emits ``seekRequested(frame)``."""

    seekRequested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, background="#1b1b1b")
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setMinimumHeight(200)
        plot = self.getPlotItem()
        plot.setMenuEnabled(False)
        plot.hideButtons()
        plot.setMouseEnabled(x=False, y=False)
        plot.setYRange(0.0, 1.0, padding=0.08)
        plot.setLabel("bottom", TIME_LABEL)   # plain seconds: no "ks" on an hour-long video
        plot.setLabel("left", "P(TLE)  ↑ TLE / ↓ FLE")
        plot.getAxis("left").setTicks([[(0.0, "FLE 0"), (0.5, "0.5"), (1.0, "TLE 1")]])
        plot.showGrid(x=True, y=False, alpha=0.2)
        self.span = pg.LinearRegionItem((0, 1), movable=False,
                                        brush=pg.mkBrush(255, 255, 255, 28),
                                        pen=pg.mkPen(255, 255, 255, 110, width=1))
        self.band = pg.LinearRegionItem((0.4, 0.6), orientation="horizontal", movable=False,
                                        brush=pg.mkBrush(158, 158, 158, 70),
                                        pen=pg.mkPen(200, 200, 200, 150, width=1,
                                                     style=Qt.PenStyle.DashLine))
        # labelled at its left end, where the time before the clinical onset has no bars (at
        # the right end it covered the last windows); its value is also the axis tick
        self.threshold = pg.InfiniteLine(0.5, angle=0, pen=pg.mkPen("#bbbbbb", width=1),
                                         label="threshold",
                                         labelOpts={"position": 0.01, "color": "#dddddd",
                                                    "fill": (27, 27, 27, 220),
                                                    "anchors": [(0, 1), (0, 1)]})
        self.threshold.setZValue(15)   # over the bars: its label was hidden behind them
        self.bars = pg.BarGraphItem(x0=[], x1=[], y0=[], y1=[], brushes=[], pen=None)
        # a light cap at each window's value: visible even when P(TLE) sits on the threshold
        self.caps = pg.BarGraphItem(x0=[], x1=[], y0=[], y1=[], brush="#f5f5f5", pen=None)
        self.cursor = pg.InfiniteLine(0.0, angle=90, pen=pg.mkPen("#ffeb3b", width=2))
        # windows whose evidence lies mostly outside the patient/bed box (core/explain)
        self.outside = pg.BarGraphItem(x0=[], x1=[], y0=[], y1=[], brush=OUTSIDE_COLOUR, pen=None)
        self._outside: set[int] = set()
        for item in (self.span, self.band, self.threshold, self.bars, self.caps, self.cursor,
                     self.outside):
            plot.addItem(item)
        self.stale_text = ""
        self.has_band = False
        self.span.setZValue(-20)
        self.band.setZValue(-10)
        self.cursor.setZValue(20)
        self._lookup: WindowIndex | None = None
        self._fps = 30.0
        self._n_frames = 1
        self.hover_text = ""
        self.scene().sigMouseClicked.connect(self._clicked)
        self.scene().sigMouseMoved.connect(self._moved)

    def set_video(self, duration_s: float, fps: float, n_frames: int) -> None:
        self._fps, self._n_frames = fps, n_frames
        self.getPlotItem().setXRange(0.0, max(duration_s, 1e-3), padding=0.01)
        self.set_results(None, None)

    def set_span(self, onset_s: float, offset_s: float) -> None:
        self.span.setRegion((onset_s, offset_s))

    def set_time(self, seconds: float) -> None:
        self.cursor.setValue(seconds)

    def set_results(self, results: Results | PartialResults | None, lookup: WindowIndex | None,
                    stale: str = "") -> None:
        """Update the bars and band in place (no items are created or removed).

        ``stale`` (what changed, e.g. "made with an earlier crop — Analyse again") greys every
        bar and shows the text over the plot.
        """
        self._lookup = lookup
        windows = () if results is None else results.windows
        p = np.array([w.p_tle for w in windows], dtype=float)
        x0 = np.array([w.start_s for w in windows], dtype=float)
        x1 = np.array([w.end_s for w in windows], dtype=float)
        gap = np.minimum(0.04, (x1 - x0) * 0.05) if len(windows) else x0
        self.stale_text = stale if results is not None else ""
        brushes = [pg.mkBrush(STALE_COLOUR if self.stale_text else label_colour(w.label))
                   for w in windows]
        # above the plot, not over it: drawn inside, it covered the first bar
        self.getPlotItem().setTitle(self.stale_text or None, color="#ffcc80", size="10pt")
        threshold, band = 0.5, (0.5, 0.5)
        if results is not None:
            rule = results.summary if isinstance(results, Results) else results
            threshold, band = rule.threshold, rule.uncertain_band
            self.band.setRegion(band)
        # a band no window can fall in is not drawn, and the threshold's label says so
        self.has_band = results is not None and has_band(band)
        self.band.setVisible(self.has_band)
        self.threshold.setValue(threshold)
        self.threshold.label.setFormat(f"threshold {prob_text(threshold)}")
        # the band's words under the plot, where no bar can be: over it they covered the first
        # (or, at the right end, the last) windows' bars
        self.getPlotItem().setLabel("bottom", time_axis_label(None if results is None else band))
        self.getPlotItem().getAxis("left").setTicks(
            [[(0.0, "FLE 0"), (threshold, prob_text(threshold)), (1.0, "TLE 1")]])
        self.bars.setOpts(x0=x0 + gap, x1=x1 - gap, y0=np.full(len(p), threshold), y1=p,
                          brushes=brushes)
        self.caps.setOpts(x0=x0 + gap, x1=x1 - gap, y0=p - CAP_HALF, y1=p + CAP_HALF)
        section = results.saliency if isinstance(results, Results) else None
        self._outside = set() if section is None else set(section.outside_subject)
        marked = np.array([w.index in self._outside for w in windows], dtype=bool)
        self.outside.setOpts(brush=STALE_COLOUR if self.stale_text else OUTSIDE_COLOUR)
        self.outside.setOpts(x0=(x0 + gap)[marked], x1=(x1 - gap)[marked],
                             y0=np.full(int(marked.sum()), 1.02), y1=np.full(int(marked.sum()),
                                                                              1.07))

    @property
    def outside_count(self) -> int:
        """How many windows are marked as looking mostly outside the patient/bed box."""
        x0 = self.outside.opts.get("x0")
        return 0 if x0 is None else len(x0)

    @property
    def bar_count(self) -> int:
        x0 = self.bars.opts.get("x0")
        return 0 if x0 is None else len(x0)

    def window_at(self, scene_pos: QPointF) -> int | None:
        if self._lookup is None:
            return None
        x = self.getPlotItem().vb.mapSceneToView(scene_pos).x()
        return self._lookup.at_time(x)

    def _clicked(self, event: Any) -> None:
        pos = self.window_at(event.scenePos())
        if pos is not None and self._lookup is not None:
            event.accept()
            self.seekRequested.emit(self._lookup.first_frame(pos))

    def _moved(self, scene_pos: QPointF) -> None:
        pos = self.window_at(scene_pos)
        if pos is None or self._lookup is None:
            self.hover_text = ""
            self.setToolTip("")
            return
        w = self._lookup.windows[pos]
        self.hover_text = (f"window {window_number(w.index)}: {w.start_s:.1f}–{w.end_s:.1f} s\n"
                           f"P(TLE) {w.p_tle:.2f}, P(FLE) {1 - w.p_tle:.2f} → {w.label}"
                           + (f"\n({self.stale_text})" if self.stale_text else ""))
        if w.index in self._outside:
            self.hover_text += "\nevidence mostly OUTSIDE the patient/bed box (check the video)"
        self.setToolTip(self.hover_text)
        QToolTip.showText(QCursor.pos(), self.hover_text, self)
