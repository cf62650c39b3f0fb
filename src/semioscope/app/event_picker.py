"""The semiology picker: type a few letters, pick the term, set side and body part by keys.

Keyboard first: the filter box has focus and matches any part of a term (most used first);
Up/Down move in the list; Alt+L / Alt+R / Alt+B / Alt+X / Alt+G set the side (left, right,
bilateral, axial, generalised; again clears it); Tab goes to the body part and the note, each with
type-ahead. Enter marks a point event at the playhead, Shift+Enter starts an interval that the
next press of the marking key ends. Escape cancels.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from semioscope.core.semiology.vocabulary import Term, Vocabulary

#: Alt+key -> laterality
SIDE_KEYS = {"L": "left", "R": "right", "B": "bilateral", "X": "axial", "G": "generalised"}


def _rank(name: str, needle: str) -> int:
    """The whole name typed, then its start, then the start of one of its words, then any part."""
    if name == needle:
        return 0
    if name.startswith(needle):
        return 1
    return 2 if any(w.startswith(needle) for w in name.split("-")) else 3


@dataclass(frozen=True)
class Picked:
    term: str
    laterality: str = ""
    body_part: str = ""
    note: str = ""
    interval: bool = False      # Shift+Enter: an interval, ended by the next marking key


class EventPicker(QDialog):
    """Modal picker; ``picked`` is set when the reviewer accepts."""

    def __init__(self, vocabulary: Vocabulary, usage: dict[str, int], at_text: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Mark a sign")
        self.vocabulary = vocabulary
        self._terms: list[Term] = vocabulary.ordered(usage)
        self.picked: Picked | None = None
        self.filter = QLineEdit()
        self.filter.setPlaceholderText("type a sign: clonic, versive, automatisms…")
        self.list = QListWidget()
        self.list.setMinimumHeight(220)
        self.list.setFocusPolicy(Qt.FocusPolicy.NoFocus)   # Up/Down from the filter; Tab skips it
        self.side = QComboBox()
        self.side.addItems(["", *vocabulary.laterality])
        self.part = QComboBox()
        self.part.setEditable(True)
        self.part.addItems(["", *vocabulary.body_parts])
        self.note = QLineEdit()
        self.note.setPlaceholderText("optional note")
        self.hint = QLabel(f"at {at_text} · Enter: point · Shift+Enter: start an interval · "
                           "Alt+L/R/B/X/G: side")
        self.hint.setStyleSheet("color: #888;")
        form = QFormLayout()
        form.addRow("Side", self.side)
        form.addRow("Body part", self.part)
        form.addRow("Note", self.note)
        layout = QVBoxLayout(self)
        for widget in (self.filter, self.list):
            layout.addWidget(widget)
        layout.addLayout(form)
        layout.addWidget(self.hint)
        self.filter.textChanged.connect(self._refill)
        self.list.itemDoubleClicked.connect(lambda _item: self._accept(False))
        for box in (self.filter, self.note, self.side, self.part, self.list):
            box.installEventFilter(self)       # Enter, Shift+Enter, Alt+side from any field
        self._refill("")
        for first, second in ((self.filter, self.side), (self.side, self.part),
                              (self.part, self.note)):
            self.setTabOrder(first, second)
        self.filter.setFocus()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent) and \
                self._key(event):
            return True
        return super().eventFilter(watched, event)

    def _key(self, event: QKeyEvent) -> bool:
        """The picker's own keys, wherever the focus is; True when handled."""
        key, mods = event.key(), event.modifiers()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._accept(bool(mods & Qt.KeyboardModifier.ShiftModifier))
            return True
        side = SIDE_KEYS.get(QKeySequence(key).toString()) \
            if mods & Qt.KeyboardModifier.AltModifier else None
        if side is not None:
            self.toggle_side(side)
            return True
        return False

    def _refill(self, text: str) -> None:
        needle = text.strip().lower().replace(" ", "-")
        self.list.clear()
        for term in sorted((t for t in self._terms
                            if needle in t.name or needle in t.tag.lower()),
                           key=lambda t: _rank(t.name, needle)):  # stable: most used first
                item = QListWidgetItem(term.name.replace("-", " ")
                                       + ("  (site term)" if term.custom else ""))
                item.setData(Qt.ItemDataRole.UserRole, term.name)
                item.setToolTip(f"{term.tag}\n{term.description}")
                self.list.addItem(item)
        self.list.setCurrentRow(0)

    def toggle_side(self, side: str) -> None:
        self.side.setCurrentText("" if self.side.currentText() == side else side)

    @property
    def current_term(self) -> str | None:
        item = self.list.currentItem()
        return None if item is None else str(item.data(Qt.ItemDataRole.UserRole))

    def _accept(self, interval: bool) -> None:
        term = self.current_term
        if term is None:
            return
        part = self.part.currentText().strip().lower()
        if part and part not in self.vocabulary.body_parts:
            self.hint.setText(f"unknown body part {part!r}")
            return
        self.picked = Picked(term, self.side.currentText(), part, self.note.text().strip(),
                             interval)
        self.accept()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt API
        key = event.key()
        if self._key(event):
            return
        if key in (Qt.Key.Key_Up, Qt.Key.Key_Down) and self.filter.hasFocus():
            step = -1 if key == Qt.Key.Key_Up else 1
            row = max(0, min(self.list.count() - 1, self.list.currentRow() + step))
            self.list.setCurrentRow(row)
            return
        super().keyPressEvent(event)
