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
    out.parent.mkdir()   # a missing folder is refused, as by the CLI (the test below)
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


def test_the_video_itself_as_the_report_target_is_refused_naming_it(
        qtbot, results: Results, tmp_path: Path, dialogs) -> None:
    """The CLI's output rule in the dialog: the video (here even named like a PDF, so the
    report's own ``.pdf`` check would let it through), a file the window reads, or a folder is
    refused in a dialog naming the file; nothing is made or written, the last report and the
    fields are kept."""
    import os
    import shutil

    from semioscope.app.report_dialog import ReportDialog

    video = Path(results.video.path)
    disguised = tmp_path / "recording.pdf"   # a hard link: the same file as the video
    os.link(video, disguised)
    classifier = tmp_path / "model.pdf"
    shutil.copy(video, classifier)
    dialog = ReportDialog(results, reads=[("classifier or model pack", classifier)])
    qtbot.addWidget(dialog)
    dialog.patient.setText("Pat Example")
    good = tmp_path / "case.pdf"
    dialog.out.setText(str(good))
    with qtbot.waitSignal(dialog.exported, timeout=60_000):
        dialog.export_button.click()
    qtbot.waitUntil(lambda: dialog.worker is None, timeout=5000)
    last_report, video_bytes = good.read_bytes(), video.read_bytes()
    for target, words in ((video, "is the source video"), (disguised, "is the source video"),
                          (classifier, "is the classifier or model pack"),
                          (tmp_path, "is an existing folder"),
                          (tmp_path / "new" / "case.pdf", "does not exist")):
        dialogs.errors.clear()
        dialog.out.setText(str(target))
        dialog.export_button.click()
        assert dialog.worker is None                       # refused before any work
        assert len(dialogs.errors) == 1
        title, message = dialogs.errors[0]
        assert title == "Report not saved" and message.startswith(f"{target}: ")
        assert words in message
        assert dialog.status.text() == f"Not saved: {message}"
        assert dialog.export_button.isEnabled() and dialog.patient.text() == "Pat Example"
    assert video.read_bytes() == video_bytes and classifier.read_bytes() == video_bytes
    assert good.read_bytes() == last_report
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [video.name, disguised.name, classifier.name, good.name])   # no temporary file left
