"""File > Export report: the case fields, then the same report function as `semioscope report`.

Making a report reads keyframes from the video and lays out a few pages (a second or more), so it
runs in a QThread; the dialog stays responsive and the PDF is written atomically by the worker.
The file chosen goes through the CLI's output rule (``core.outputs.check_outputs``) first: the
video, the results' heat-map file, the model files or the review state are refused in a dialog
naming the file, before anything is made or written.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QLocale, QThread, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from semioscope import DISCLAIMER
from semioscope.core.results import Inputs, Results
from semioscope.report.case import CaseInfo

PAPERS = (("A4", "a4"), ("Letter", "letter"))


def default_paper() -> str:
    """Letter where it is the norm (US, Canada, Mexico, Philippines...), A4 elsewhere."""
    country = QLocale().territory()
    letter = {QLocale.Country.UnitedStates, QLocale.Country.Canada, QLocale.Country.Mexico,
              QLocale.Country.Philippines, QLocale.Country.Chile, QLocale.Country.Colombia}
    return "letter" if country in letter else "a4"


class ReportWorker(QThread):
    """Makes and writes one report; reports through signals only."""

    done = Signal(str, int, list)    # path, pages, warnings
    failed = Signal(str)

    def __init__(self, results: Results, out: Path, case: CaseInfo,
                 current: Inputs | None = None) -> None:
        super().__init__()
        self.results, self.out, self.case, self.current = results, out, case, current

    def run(self) -> None:
        from semioscope.errors import SemioscopeError
        from semioscope.report import write_report
        from semioscope.report.semiology import saved_events

        try:
            report = write_report(self.results, self.out, self.case, current=self.current,
                                  events=saved_events(self.results))
        except SemioscopeError as exc:
            self.failed.emit(str(exc))
        except Exception as exc:  # noqa: BLE001 - shown to the user, never crashes the GUI
            self.failed.emit(f"internal error: {type(exc).__name__}: {exc} (please report it)")
        else:
            self.done.emit(str(self.out), report.pages, list(report.warnings))


class ReportDialog(QDialog):
    """Case fields, de-identification and paper; Export writes the PDF (signal ``exported``)."""

    exported = Signal(str)

    def __init__(self, results: Results, parent: QWidget | None = None,
                 current: Inputs | None = None,
                 reads: Sequence[tuple[str, str | Path | None]] = ()) -> None:
        """``current``: the inputs the window shows now; stale results are refused on export.
        ``reads``: ``(what, path)`` of the files the window reads besides the video and the
        results' heat maps (model files, review state), never to be written over."""
        super().__init__(parent)
        self.setWindowTitle("Export case report")
        self.results, self.current = results, current
        saliency = results.saliency
        self.reads = [*reads, ("heat-map file", None if saliency is None else saliency.file)]
        self.worker: ReportWorker | None = None
        self.patient, self.seizure = QLineEdit(), QLineEdit()
        self.patient.setPlaceholderText("pseudonym or ID")
        self.recording_date = QLineEdit()
        self.recording_date.setPlaceholderText("YYYY-MM-DD")
        self.reviewer = QLineEdit()
        self.comment = QPlainTextEdit()
        self.comment.setFixedHeight(70)
        self.deidentify = QCheckBox("De-identify (random case code, no names, paths or full "
                                    "dates; keyframes pixelated)")
        self.keep_frames = QCheckBox("Keep keyframes unpixelated")
        self.keep_frames.setEnabled(False)
        self.deidentify.toggled.connect(self.keep_frames.setEnabled)
        self.paper = QComboBox()
        for text, value in PAPERS:
            self.paper.addItem(text, value)
        self.paper.setCurrentIndex(1 if default_paper() == "letter" else 0)
        self.out = QLineEdit(str(Path.home() / "case-report.pdf"))
        self.status = QLabel(DISCLAIMER)
        self.status.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.export_button = self.buttons.addButton(
            "Export", QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.export)
        self.buttons.rejected.connect(self.reject)
        self._layout()

    def _layout(self) -> None:
        form = QFormLayout()
        form.addRow("Patient", self.patient)
        form.addRow("Seizure", self.seizure)
        form.addRow("Recording date", self.recording_date)
        form.addRow("Reviewer", self.reviewer)
        form.addRow("Comment", self.comment)
        form.addRow("", self.deidentify)
        form.addRow("", self.keep_frames)
        form.addRow("Paper", self.paper)
        row = QWidget()
        line = QHBoxLayout(row)
        line.setContentsMargins(0, 0, 0, 0)
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        line.addWidget(self.out, 1)
        line.addWidget(browse)
        form.addRow("Save as", row)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)

    def _browse(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self, "Save report", self.out.text(),
                                              "PDF (*.pdf)")
        if name:
            self.out.setText(name if name.lower().endswith(".pdf") else name + ".pdf")

    def case(self) -> CaseInfo:
        """The case fields as typed."""
        return CaseInfo(
            patient=self.patient.text().strip(), seizure=self.seizure.text().strip(),
            recording_date=self.recording_date.text().strip(),
            reviewer=self.reviewer.text().strip(), comment=self.comment.toPlainText(),
            deidentify=self.deidentify.isChecked(),
            keep_frames=self.deidentify.isChecked() and self.keep_frames.isChecked(),
            paper=str(self.paper.currentData()))

    def export(self) -> None:
        """Start writing the report in the background (Export disabled meanwhile)."""
        if self.worker is not None:
            return
        text = self.out.text().strip()
        if not text:
            self._failed("choose where to save the report")
            return
        target = Path(text).expanduser()
        from semioscope.core.outputs import check_outputs
        from semioscope.errors import SemioscopeError

        try:   # the CLI's rule, before any work: nothing made, nothing written
            check_outputs({"the report": target}, reads=self.reads,
                          videos=[self.results.video.path])
        except SemioscopeError as exc:
            self._failed(str(exc))
            return
        self.export_button.setEnabled(False)
        self.status.setText("Making the report…")
        self.worker = ReportWorker(self.results, target, self.case(), self.current)
        self.worker.done.connect(self._done)
        self.worker.failed.connect(self._failed)
        self.worker.finished.connect(self._finished)
        self.worker.start()

    def _finished(self) -> None:
        if self.worker is not None:
            self.worker.wait()     # finished() comes just before the thread exits
        self.worker = None
        self.export_button.setEnabled(True)

    def _done(self, path: str, pages: int, warnings: list[str]) -> None:
        text = f"Saved {pages} pages to {path}."
        if warnings:
            text += " Note: " + "; ".join(warnings) + "."
        self.status.setText(text)
        close = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        if close is not None:
            close.setText("Close")
        self.exported.emit(path)

    def _failed(self, message: str) -> None:
        from semioscope.app.dialogs import show_error

        self.status.setText(f"Not saved: {message}")
        show_error(self, "Report not saved", message)

    def done(self, result: int) -> None:  # noqa: D401 - QDialog override
        """Wait for a running export before closing, so no thread outlives the dialog."""
        if self.worker is not None:
            self.worker.wait()
        super().done(result)
