"""How wide each column of the project table is, and which show: the key ones always fit.

Issue #27: with every column sized to its contents the table needed ~800 px, so at 1024x700 only
four columns showed behind a horizontal scroll bar, and even at 1600x1000 the Video column was
cut. Here the key columns (seizure, video, patient, label, crop status, agreement) always show;
the ones the details under the video repeat (reasons, last edit, box) show only while they fit,
and a too-long seizure or file name is elided in the middle (its tooltip has the whole text).
Widths are set by hand on every resize, so their sum never exceeds the table's width.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QHeaderView, QStyle, QTableView

from semioscope.app.dataset.table import COLUMNS

#: always shown, in this order (the model's first columns)
KEY = ("Seizure", "Video", "Patient", "Label", "Crop status", "Agreement")
#: shown while they fit, the first first; the details under the video say the same
OPTIONAL = ("Last edit", "Reasons", "Box")
#: these give up width (elided) when the key columns do not fit, the first first
ELASTIC = ("Video", "Seizure")
#: no column wider than this, however long its text (the tooltip has the rest)
MAX_PX = 320
#: an elided column keeps at least this many average characters
MIN_CHARS = 8


class ColumnFitter(QObject):
    """Fits ``table``'s columns to its width on every resize and model change."""

    def __init__(self, table: QTableView) -> None:
        super().__init__(table)
        self.table = table
        table.setTextElideMode(Qt.TextElideMode.ElideMiddle)   # keeps a file's extension
        table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        table.viewport().installEventFilter(self)
        header.sortIndicatorChanged.connect(self.fit)   # the arrow moves: so does its room
        model = table.model()
        for signal in (model.modelReset, model.layoutChanged, model.rowsInserted,
                       model.dataChanged):
            signal.connect(self.fit)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.Resize:
            self.fit()
        return False

    def header_width(self, column: int) -> int:
        """The header's title in bold, plus the sort arrow only where it is drawn (Qt's own
        size hint keeps room for an arrow in every section: ~25 px each, 150 px in all)."""
        header = self.table.horizontalHeader()
        style = header.style()
        font = QFont(header.font())
        font.setBold(True)
        margin = style.pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, None, header)
        width = QFontMetrics(font).horizontalAdvance(COLUMNS[column]) + 4 * margin
        if header.isSortIndicatorShown() and header.sortIndicatorSection() == column:
            width += style.pixelMetric(QStyle.PixelMetric.PM_HeaderMarkSize, None, header) + margin
        return width

    def wanted(self, column: int) -> int:
        """The width ``column``'s header and visible cells need, at most ``MAX_PX``."""
        return min(max(self.header_width(column), self.table.sizeHintForColumn(column)), MAX_PX)

    def fit(self, *_: object) -> None:
        """Show the key columns, then each optional one that still fits; shrink the elastic
        ones when even the key columns do not; hand what is left to the Video column."""
        table = self.table
        room = table.viewport().width()
        widths = {name: self.wanted(COLUMNS.index(name)) for name in COLUMNS}
        shown = list(KEY)
        used = sum(widths[n] for n in shown)
        for name in OPTIONAL:
            if used + widths[name] <= room:
                shown.append(name)
                used += widths[name]
        floor = MIN_CHARS * table.fontMetrics().averageCharWidth()
        for name in ELASTIC:   # too narrow even for the key columns: elide the long names
            if used > room:
                give = min(used - room, max(0, widths[name] - floor))
                widths[name] -= give
                used -= give
        if used < room:
            widths["Video"] += room - used
        for column, name in enumerate(COLUMNS):
            table.setColumnHidden(column, name not in shown)
            if name in shown:
                table.setColumnWidth(column, widths[name])
