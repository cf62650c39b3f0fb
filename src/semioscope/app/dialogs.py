"""Small dialogs: settings, about, keyboard shortcuts, and the one way errors are shown."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from semioscope import DISCLAIMER, __version__
from semioscope.app.actions import ActionSpec, shortcut_rows, specs_for
from semioscope.app.settings import BACKBONES, DEVICES, PRECISIONS, AppSettings

#: where a part of a window sends an error for the person: (title, message)
ErrorSink = Callable[[str, str], None]


def show_error(parent: QWidget | None, title: str, message: str) -> None:
    """Every error the user should see goes through here (tests patch QMessageBox.critical)."""
    QMessageBox.critical(parent, title, message)


def confirm(parent: QWidget | None, title: str, message: str) -> bool:
    """A yes/no question, No by default (tests patch QMessageBox.question)."""
    answer = QMessageBox.question(parent, title, message,
                                  QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                                  QMessageBox.StandardButton.No)
    return answer == QMessageBox.StandardButton.Yes


def _path_row(edit: QLineEdit, caption: str, filters: str) -> QWidget:
    row = QWidget()
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    button = QPushButton("Browse…")

    def browse() -> None:
        name, _ = QFileDialog.getOpenFileName(row, caption, edit.text(), filters)
        if name:
            edit.setText(name)

    button.clicked.connect(browse)
    layout.addWidget(edit, 1)
    layout.addWidget(button)
    return row


class SettingsDialog(QDialog):
    """Edit a copy of the settings; ``result_settings()`` returns it after OK."""

    def __init__(self, settings: AppSettings, parent: QWidget | None = None,
                 focus: str = "") -> None:
        """``focus``: the field to start in (an attribute name: ``backbone_weights``, ...)."""
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self._settings = settings
        self.classifier = QLineEdit(settings.classifier_path)
        self.classifier.setPlaceholderText("installed default classifier")
        self.backbone = QComboBox()
        self.backbone.addItems(BACKBONES)
        self.backbone.setCurrentText(settings.backbone)
        self.backbone_weights = QLineEdit(settings.backbone_weights)
        self.backbone_weights.setPlaceholderText("fetched weights (semioscope models fetch)")
        self.detector_weights = QLineEdit(settings.detector_weights)
        self.detector_weights.setPlaceholderText("fetched Mask R-CNN weights")
        self.threads = QSpinBox()
        self.threads.setRange(0, 256)
        self.threads.setSpecialValueText("automatic")
        self.threads.setValue(settings.threads)
        self.device = QComboBox()
        self.device.addItems(DEVICES)
        self.device.setCurrentText(settings.device)
        self.device.setToolTip("auto runs the backbone on an NVIDIA GPU when there is one")
        self.precision = QComboBox()
        self.precision.addItems(PRECISIONS)
        self.precision.setCurrentText(settings.precision)
        self.precision.setToolTip("auto = f32 unless the model pack carries a passed agreement "
                                  "check for bf16/int8 and this CPU runs it natively; a "
                                  "precision the CPU would only emulate is refused")
        self.allow_untrained = QCheckBox("allow untrained models (demonstration only, not for "
                                         "clinical use)")
        self.allow_untrained.setChecked(settings.allow_untrained)
        self._layout()
        field = getattr(self, focus, None) if focus else None
        if isinstance(field, QWidget):
            field.setFocus()
            self.focused = focus
        else:
            self.focused = ""

    def _layout(self) -> None:
        form = QFormLayout()
        weights = "Weights (*.pt *.pth *.safetensors);;All files (*)"
        # a model pack folder (`semioscope models export`) works too: OpenVINO, no torch
        classifiers = ("Classifier or model pack (*.semio *.pt manifest.json);;"
                       "All files (*)")
        form.addRow("Classifier file or pack:",
                    _path_row(self.classifier, "Classifier", classifiers))
        form.addRow("Backbone:", self.backbone)
        form.addRow("Backbone weights:", _path_row(self.backbone_weights, "Backbone", weights))
        form.addRow("Detector weights:", _path_row(self.detector_weights, "Detector", weights))
        form.addRow("CPU threads:", self.threads)
        form.addRow("Compute device:", self.device)
        form.addRow("Compute precision:", self.precision)
        form.addRow("", self.allow_untrained)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def result_settings(self) -> AppSettings:
        s = replace(self._settings)
        s.classifier_path = self.classifier.text().strip()
        s.backbone = self.backbone.currentText()
        s.backbone_weights = self.backbone_weights.text().strip()
        s.detector_weights = self.detector_weights.text().strip()
        s.threads = self.threads.value()
        s.device = self.device.currentText()
        s.precision = self.precision.currentText()
        s.allow_untrained = self.allow_untrained.isChecked()
        return s


def about_text() -> str:
    return (f"<h3>semioscope {__version__}</h3>"
            "<p>Review infrared seizure videos and score frontal-lobe (FLE) against temporal-lobe "
            "(TLE) epilepsy per 2-second window.</p>"
            f"<p><b>{DISCLAIMER}</b></p>")


def show_about(parent: QWidget | None) -> None:
    QMessageBox.about(parent, "About semioscope", about_text())


class ShortcutsDialog(QDialog):
    """Generated from the same table that builds the menus (``specs``: the window's rows)."""

    def __init__(self, parent: QWidget | None = None,
                 specs: tuple[ActionSpec, ...] | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        rows = shortcut_rows(specs if specs is not None else specs_for("review"))
        self.table = QTableWidget(len(rows), 3)
        self.table.setHorizontalHeaderLabels(["Keys", "Action", "What it does"])
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                self.table.setItem(r, c, QTableWidgetItem(text))
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.resize(640, 560)
