"""The dataset table: a flat model over the project's rows, and a filter/search proxy.

The model holds plain :class:`VideoRow` values and answers ``data()`` from them (no SQL in the
view), so 500+ rows sort and filter instantly; an edit replaces one row and signals one line.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QColor

from semioscope.app.dataset import agreement
from semioscope.core.crop.editing import STATUS_COLOURS
from semioscope.core.project import VideoRow

Index = QModelIndex | QPersistentModelIndex
#: the key columns first (they always show, see ``columns.py``), then those the details under the
#: video repeat, which a narrow window hides
COLUMNS = ("Seizure", "Video", "Patient", "Label", "Crop status", "Agreement", "Reasons",
           "Last edit", "Box")
STATUS_COLUMN = COLUMNS.index("Crop status")
VIDEO_COLUMN = COLUMNS.index("Video")
AGREEMENT_COLUMN = COLUMNS.index("Agreement")   # two reviewers' semiology of the seizure
#: filter name -> statuses shown (None: all)
FILTERS: dict[str, tuple[str, ...] | None] = {
    "All videos": None,
    "Needs review": ("needs_review",),
    "Corrected": ("corrected",),
    "Not cropped": ("not_cropped",),
    "Unusable": ("unusable",),
    "OK (automatic)": ("ok",),
}


def _cells(row: VideoRow, agreed: agreement.Found | None = None) -> tuple[str, ...]:
    reasons = ", ".join(row.reasons)
    if row.status == "unusable":
        reasons = f"unusable: {row.unusable_reason}" + (f" ({reasons})" if reasons else "")
    # an automatic crop was made by the detector, not by whoever's login ran it
    who = row.user if row.status in ("corrected", "unusable") else "automatic"
    edit = f"{row.updated[:19].replace('T', ' ')} {who}" if row.updated else ""
    return (row.seizure_id, row.name, row.patient_id, row.label, row.status.replace("_", " "),
            agreement.cell(agreed), reasons, edit, str(row.box) if row.box else "")


class DatasetModel(QAbstractTableModel):
    """Every video of the project, one per line."""

    def __init__(self, rows: list[VideoRow] | None = None,
                 agreements: dict[int, agreement.Found] | None = None) -> None:
        """``agreements``: video id -> two reviewers' agreement on its semiology."""
        super().__init__()
        self.agreements = dict(agreements or {})
        self._rows: list[VideoRow] = []
        self._cells: list[tuple[str, ...]] = []
        self._by_id: dict[int, int] = {}
        self.set_rows(rows or [])

    def set_rows(self, rows: list[VideoRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._cells = [_cells(r, self.agreements.get(r.id)) for r in self._rows]
        self._by_id = {r.id: i for i, r in enumerate(self._rows)}
        self.endResetModel()

    def update_row(self, row: VideoRow) -> None:
        """Replace one video's line after an edit (one dataChanged, no reset)."""
        i = self._by_id.get(row.id)
        if i is None:
            return
        self._rows[i] = row
        self._cells[i] = _cells(row, self.agreements.get(row.id))
        self.dataChanged.emit(self.index(i, 0), self.index(i, len(COLUMNS) - 1))

    def video(self, i: int) -> VideoRow:
        return self._rows[i]

    def position(self, video_id: int) -> int | None:
        return self._by_id.get(video_id)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802 - Qt API
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802 - Qt API
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == AGREEMENT_COLUMN:
            return agreement.tooltip(self.agreements.get(self._rows[index.row()].id))
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == VIDEO_COLUMN:
            return self._rows[index.row()].path   # the whole file, whatever the cell shows
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self._cells[index.row()][index.column()]
        if role == Qt.ItemDataRole.ForegroundRole and index.column() == STATUS_COLUMN:
            colour = STATUS_COLOURS.get(self._rows[index.row()].status)
            return QColor(colour) if colour else None
        if role == Qt.ItemDataRole.UserRole:
            return self._rows[index.row()].id
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802 - Qt API
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None


class DatasetFilter(QSortFilterProxyModel):
    """Status filter plus a case-insensitive search over every column."""

    def __init__(self, model: DatasetModel) -> None:
        super().__init__()
        self._model = model
        self._statuses: tuple[str, ...] | None = None
        self._search = ""
        self.setSourceModel(model)
        self.setSortCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)

    def _refilter(self, change: Callable[[], None]) -> None:
        if hasattr(self, "beginFilterChange"):   # Qt >= 6.9
            self.beginFilterChange()
            change()
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:  # pragma: no cover - older Qt
            change()
            self.invalidateFilter()

    def set_filter(self, name: str) -> None:
        self._refilter(lambda: setattr(self, "_statuses", FILTERS[name]))

    def set_search(self, text: str) -> None:
        self._refilter(lambda: setattr(self, "_search", text.strip().lower()))

    def filterAcceptsRow(self, source_row: int, parent: Index) -> bool:  # noqa: N802 - Qt API
        row = self._model.video(source_row)
        if self._statuses is not None and row.status not in self._statuses:
            return False
        if not self._search:
            return True
        return any(self._search in cell.lower() for cell in self._model._cells[source_row])
