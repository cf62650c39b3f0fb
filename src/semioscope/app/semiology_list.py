"""The sequence list beside the verdict: the signs in the order they happened.

Columns: time from the clinical onset, term, side, body part, who marked it. A click (or Enter)
asks to seek to the event; Delete asks to delete the selected one. It mirrors the session's events.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from semioscope.app.semiology_lane import tooltip
from semioscope.core.semiology.events import (
    SemiologyEvent,
    chronological,
    format_since,
    since_onset,
)

HEADERS = ("Onset", "Sign", "Side", "Part", "By")
#: the headers' full meaning (their tooltips)
HEADER_TIPS = ("time from the clinical onset", "the HED-SCORE term", "laterality",
               "body part", "who marked it")


WIDE_PX = 340     # the width asked for, when the window has room
ROWS_SHOWN = 6    # the most rows it asks for (one per sign; it scrolls beyond)
MIN_ROWS = 2


class SemiologyList(QTableWidget):
    seekRequested = Signal(float)
    deleteRequested = Signal(str)
    signSelected = Signal(str)   # event id (not Qt's selectionChanged slot of the view)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, len(HEADERS), parent)
        self.setHorizontalHeaderLabels(HEADERS)
        for col, tip in enumerate(HEADER_TIPS):
            header_item = self.horizontalHeaderItem(col)
            if header_item is not None:
                header_item.setToolTip(tip)
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(self.fontMetrics().horizontalAdvance("Side") + 12)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setWordWrap(False)
        self.events: tuple[SemiologyEvent, ...] = ()
        self.cellClicked.connect(lambda row, _col: self._seek(row))
        self.itemSelectionChanged.connect(self._selected)
        self._syncing = False

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        """Wide enough for the usual terms when there is room; it takes less (never more than
        the verdict's width: the column beside the video would be cut) when there is not."""
        row = self.verticalHeader().defaultSectionSize()
        rows = max(MIN_ROWS, min(len(self.events), ROWS_SHOWN))
        return QSize(WIDE_PX, self.horizontalHeader().sizeHint().height() + rows * row + 4)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt API
        row = self.verticalHeader().defaultSectionSize()
        return QSize(0, self.horizontalHeader().sizeHint().height() + MIN_ROWS * row + 4)

    def set_events(self, events: tuple[SemiologyEvent, ...], clinical_onset_s: float | None,
                   selected: str | None = None) -> None:
        self._syncing = True
        self.events = chronological(events)
        self.setRowCount(len(self.events))
        for row, e in enumerate(self.events):
            when = format_since(since_onset(e, clinical_onset_s))   # duration: the lane
            cells = (when, e.term.replace("-", " "), e.laterality, e.body_part, e.reviewer)
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(tooltip(e))
                self.setItem(row, col, item)
        self.select(selected)
        self._syncing = False
        self.updateGeometry()     # the rows it asks for follow the number of signs

    def select(self, event_id: str | None) -> None:
        rows = [i for i, e in enumerate(self.events) if e.id == event_id]
        if rows:
            self.selectRow(rows[0])
            self.scrollTo(self.model().index(rows[0], 0))   # a few rows show: the selected one does
        else:
            self.clearSelection()

    @property
    def selected_id(self) -> str | None:
        rows = {i.row() for i in self.selectedIndexes()}
        return self.events[min(rows)].id if rows else None

    def rows_text(self) -> list[tuple[str, ...]]:
        def text(r: int, c: int) -> str:
            item = self.item(r, c)
            return "" if item is None else item.text()

        return [tuple(text(r, c) for c in range(self.columnCount())) for r in range(self.rowCount())]

    def _seek(self, row: int) -> None:
        if 0 <= row < len(self.events):
            self.seekRequested.emit(self.events[row].onset_s)

    def _selected(self) -> None:
        if not self._syncing and self.selected_id is not None:
            self.signSelected.emit(self.selected_id)

    def keyPressEvent(self, ev: QKeyEvent) -> None:  # noqa: N802 - Qt API
        if ev.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and self.selected_id:
            self.deleteRequested.emit(self.selected_id)
            return
        if ev.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._seek(self.currentRow())
            return
        super().keyPressEvent(ev)
