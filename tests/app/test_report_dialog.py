"""The Export report dialog: fields in, the same report function, a PDF out."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from semioscope.core.results import Results


def _texts(pdf: bytes) -> str:
    from pypdf import PdfReader

    return "".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(pdf)).pages)


@pytest.fixture
def results(tmp_path: Path) -> Results:
    from tests.sample_results import synthetic_results, write_synthetic_video

    video = write_synthetic_video(tmp_path / "P555_clip.mkv", 2.5, width=96, height=80,
                                  onset_s=0.2, offset_s=2.2)
    return synthetic_results(video, n_windows=1, onset_s=0.2)


def test_dialog_exports_a_report_with_the_fields(qtbot, results: Results, tmp_path: Path,
                                                 dialogs) -> None:
    from semioscope.app.report_dialog import ReportDialog

    dialog = ReportDialog(results)
    qtbot.addWidget(dialog)
    assert not dialog.keep_frames.isEnabled()
    dialog.patient.setText("Pat Example")
    dialog.seizure.setText("SZ-2")
    dialog.recording_date.setText("2023-11-02")
    dialog.reviewer.setText("Dr. Grace Hopper")
    dialog.comment.setPlainText("Hypermotor onset.")
    dialog.paper.setCurrentIndex(dialog.paper.findData("letter"))
    out = tmp_path / "reports" / "case.pdf"
    dialog.out.setText(str(out))
    with qtbot.waitSignal(dialog.exported, timeout=60_000) as signal:
        dialog.export_button.click()
    assert signal.args == [str(out)]
    assert out.exists()
    text = _texts(out.read_bytes()).replace("\n", " ")
    assert "Dr. Grace Hopper" in text and "Pat Example" in text and "Hypermotor" in text
    assert "Saved" in dialog.status.text()
    assert not dialogs.errors
    qtbot.waitUntil(lambda: dialog.worker is None, timeout=5000)


def test_dialog_deidentifies_and_reports_errors(qtbot, results: Results, tmp_path: Path,
                                                dialogs) -> None:
    from semioscope.app.report_dialog import ReportDialog

    dialog = ReportDialog(results)
    qtbot.addWidget(dialog)
    dialog.patient.setText("Pat Example")
    dialog.deidentify.setChecked(True)
    assert dialog.keep_frames.isEnabled()
    case = dialog.case()
    assert case.deidentify and not case.keep_frames
    dialog.out.setText(str(tmp_path / "case.txt"))       # wrong extension: an error dialog
    dialog.export_button.click()
    qtbot.waitUntil(lambda: bool(dialogs.errors), timeout=30_000)
    assert "must end in .pdf" in dialogs.errors[0][1]
    qtbot.waitUntil(lambda: dialog.worker is None, timeout=5000)
    out = tmp_path / "deid.pdf"
    dialog.out.setText(str(out))
    with qtbot.waitSignal(dialog.exported, timeout=60_000):
        dialog.export_button.click()
    assert "Pat Example" not in _texts(out.read_bytes())
    qtbot.waitUntil(lambda: dialog.worker is None, timeout=5000)
