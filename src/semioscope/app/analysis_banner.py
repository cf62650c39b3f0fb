"""The review window's lasting line on whether Analyse can run, with a button to the setting
that changes it (the text is :mod:`semioscope.app.readiness`'s)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from semioscope.app.readiness import Readiness
from semioscope.app.styles import BLOCKER_STYLE, WARNING_STYLE


class AnalysisBanner(QFrame):
    """Hidden while there is nothing to say; emits ``fix(setting)`` from its button."""

    fix = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.readiness = Readiness()
        self.label = QLabel("")
        self.label.setWordWrap(True)
        self.button = QPushButton("Open Settings…")
        self.button.setToolTip("File ▸ Settings, at the field that changes this")
        self.button.clicked.connect(lambda: self.fix.emit(self.readiness.setting))
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.label, 1)
        row.addWidget(self.button)
        self.show_readiness(self.readiness)

    def show_readiness(self, readiness: Readiness) -> None:
        self.readiness = readiness
        self.label.setText(readiness.text)
        self.label.setStyleSheet(BLOCKER_STYLE if readiness.blocker else WARNING_STYLE)
        self.setVisible(bool(readiness.text))
