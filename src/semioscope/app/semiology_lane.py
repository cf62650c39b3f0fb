"""The event lane above the score bars: each sign where it happened, its term abbreviated.

Intervals are bars, point events triangles; the tooltip gives the full term, side, body part,
note and who marked it. A click selects the event and asks to seek to it; a drag moves it (asked
for on release, so the move is one undoable step); Delete asks to delete the selected event. The
lane mirrors the session's events and never edits them itself.
"""

from __future__ import annotations

from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent, QMouseEvent
from PySide6.QtWidgets import QWidget

from semioscope.core.semiology.events import SemiologyEvent, chronological

SIDE_MARK = {"left": "L", "right": "R", "bilateral": "B", "axial": "ax", "generalised": "gen"}
COLOUR = "#ffb74d"
SELECTED = "#ffffff"
GRAB_PX = 6   # how near (pixels) a click must be to an event's start to grab it
ROW_Y = (0.6, 0.12)    # two rows: an event overlapping the one before goes to the other row
LABEL_S = 1.6          # seconds a label needs (at the usual zoom) before the next may start


def rows(events: tuple[SemiologyEvent, ...]) -> dict[str, int]:
    """Each event's row: the first row free at its onset (labels counted as taking room)."""
    free_at = [float("-inf")] * len(ROW_Y)
    out: dict[str, int] = {}
    for e in chronological(events):
        row = next((r for r, t in enumerate(free_at) if t <= e.onset_s),
                   min(range(len(ROW_Y)), key=lambda r: free_at[r]))
        free_at[row] = max(e.end_s, e.onset_s + LABEL_S)
        out[e.id] = row
    return out


def abbreviate(term: str, width: int = 9) -> str:
    return term if len(term) <= width else term[: width - 1] + "…"


def label(event: SemiologyEvent) -> str:
    side = SIDE_MARK.get(event.laterality, "")
    return abbreviate(event.term) + (f" {side}" if side else "")


def tooltip(event: SemiologyEvent) -> str:
    when = (f"{event.onset_s:.1f} s" if event.is_point else
            f"{event.onset_s:.1f}–{event.end_s:.1f} s")
    parts = [event.term.replace("-", " "), when]
    extra = ", ".join(x for x in (event.laterality, event.body_part) if x)
    if extra:
        parts.append(extra)
    if event.note:
        parts.append(event.note)
    if event.reviewer:
        parts.append(f"marked by {event.reviewer}")
    return "\n".join(parts)


class SemiologyLane(pg.PlotWidget):
    seekRequested = Signal(float)          # seconds
    moveRequested = Signal(str, float)     # event id, new onset (s)
    deleteRequested = Signal(str)
    signSelected = Signal(str)   # event id

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, background="#1b1b1b")
        self.setFixedHeight(58)
        self.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        plot = self.getPlotItem()
        plot.setMenuEnabled(False)
        plot.hideButtons()
        plot.setMouseEnabled(x=False, y=False)
        plot.hideAxis("bottom")
        plot.getAxis("left").setWidth(60)
        plot.getAxis("left").setTicks([[(0.5, "signs")]])
        plot.setYRange(0.0, 1.0, padding=0.0)
        self.bars = pg.BarGraphItem(x0=[], x1=[], y0=[], y1=[], brush=COLOUR,
                                    pen=pg.mkPen("#1b1b1b", width=2))  # abutting bars apart
        self.points = pg.ScatterPlotItem(symbol="t", size=10, brush=COLOUR, pen=None)
        for item in (self.bars, self.points):
            plot.addItem(item)
        self._texts: list[pg.TextItem] = []
        self.events: tuple[SemiologyEvent, ...] = ()
        self.selected: str | None = None
        self._drag: tuple[str, float] | None = None   # event id, x where the drag began
        self.hover_text = ""
        self.viewport().setMouseTracking(True)   # hover tooltips without a button down

    def link_to(self, timeline: pg.PlotWidget) -> None:
        """Share the timeline's time axis (and its left axis width, so times line up)."""
        self.getPlotItem().setXLink(timeline.getPlotItem())

    def set_events(self, events: tuple[SemiologyEvent, ...]) -> None:
        self.events = chronological(events)
        if self.selected not in {e.id for e in self.events}:
            self.selected = None
        self._redraw()

    def _redraw(self) -> None:
        plot = self.getPlotItem()
        row = rows(self.events)
        spans = [e for e in self.events if not e.is_point]
        self.bars.setOpts(x0=[e.onset_s for e in spans], x1=[e.end_s for e in spans],
                          y0=[ROW_Y[row[e.id]] - 0.07 for e in spans],
                          y1=[ROW_Y[row[e.id]] + 0.07 for e in spans],
                          brushes=[pg.mkBrush(SELECTED if e.id == self.selected else COLOUR)
                                   for e in spans])
        points = [e for e in self.events if e.is_point]
        self.points.setData(x=[e.onset_s for e in points], y=[ROW_Y[row[e.id]] for e in points],
                            brush=[pg.mkBrush(SELECTED if e.id == self.selected else COLOUR)
                                   for e in points])
        for text in self._texts[len(self.events):]:
            plot.removeItem(text)
        del self._texts[len(self.events):]
        while len(self._texts) < len(self.events):
            text = pg.TextItem("", color="#ffe0b2", anchor=(0, 0.5))
            plot.addItem(text)
            self._texts.append(text)
        for text, event in zip(self._texts, self.events, strict=True):
            text.setText(label(event))
            text.setPos(event.onset_s, ROW_Y[row[event.id]] + 0.22)

    @property
    def labels(self) -> list[str]:
        return [t.toPlainText() for t in self._texts]

    # -- mouse and keys ------------------------------------------------------------------------
    def _x(self, pos: Any) -> float:
        return float(self.getPlotItem().vb.mapSceneToView(self.mapToScene(pos.toPoint())).x())

    def event_at(self, x: float) -> SemiologyEvent | None:
        """The event under ``x`` seconds: inside an interval, or within a few pixels of a start."""
        vb = self.getPlotItem().vb
        span = vb.viewRange()[0]
        slack = GRAB_PX * (span[1] - span[0]) / max(1.0, vb.width())
        hits = [e for e in self.events if e.onset_s - slack <= x <= e.end_s + slack]
        return min(hits, key=lambda e: abs(e.onset_s - x)) if hits else None

    def select(self, event_id: str | None) -> None:
        self.selected = event_id
        self._redraw()
        if event_id is not None:
            self.signSelected.emit(event_id)

    def mousePressEvent(self, ev: QMouseEvent) -> None:  # noqa: N802 - Qt API
        if ev.button() != Qt.MouseButton.LeftButton:
            return
        x = self._x(ev.position())
        hit = self.event_at(x)
        if hit is None:
            return
        self.select(hit.id)
        self._drag = (hit.id, x)
        self.setFocus()

    def mouseMoveEvent(self, ev: QMouseEvent) -> None:  # noqa: N802 - Qt API
        hit = self.event_at(self._x(ev.position()))
        self.hover_text = "" if hit is None else tooltip(hit)
        self.setToolTip(self.hover_text)

    def mouseReleaseEvent(self, ev: QMouseEvent) -> None:  # noqa: N802 - Qt API
        if self._drag is None:
            return
        event_id, start = self._drag
        self._drag = None
        dx = self._x(ev.position()) - start
        event = next(e for e in self.events if e.id == event_id)
        vb = self.getPlotItem().vb
        span = vb.viewRange()[0]
        if abs(dx) * max(1.0, vb.width()) / (span[1] - span[0]) < 3:   # a click, not a drag
            self.seekRequested.emit(event.onset_s)
        else:
            self.moveRequested.emit(event_id, max(0.0, event.onset_s + dx))

    def keyPressEvent(self, ev: QKeyEvent) -> None:  # noqa: N802 - Qt API
        if ev.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and self.selected:
            self.deleteRequested.emit(self.selected)
            return
        super().keyPressEvent(ev)
