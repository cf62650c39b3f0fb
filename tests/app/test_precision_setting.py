"""The review window's Compute precision setting reaches the analysis request and the warm-up."""

from __future__ import annotations

import json
from pathlib import Path

from semioscope.app.dialogs import SettingsDialog
from semioscope.app.settings import AppSettings


def test_the_dialog_edits_and_the_file_keeps_the_precision(qtbot) -> None:
    dialog = SettingsDialog(AppSettings())
    qtbot.addWidget(dialog)
    assert dialog.precision.currentText() == "auto"
    dialog.precision.setCurrentText("bf16")
    settings = dialog.result_settings()
    assert settings.precision == "bf16"
    settings.save()
    assert json.loads(AppSettings.path().read_text())["precision"] == "bf16"
    assert AppSettings.load().precision == "bf16"
    AppSettings.path().write_text(json.dumps({"precision": "fp8"}))
    assert AppSettings.load().precision == "auto"      # an unknown value is not kept


def test_the_request_carries_it(tmp_path: Path) -> None:
    from semioscope.app.staleness import review_request
    from semioscope.app.state import VideoSession
    from semioscope.core.video import KINECT
    from tests.app.test_state import props

    video = tmp_path / "v.mkv"
    session = VideoSession(props(), KINECT)
    request = review_request(video, session, AppSettings(precision="bf16", persist=False))
    assert request.options.precision == "bf16"


def test_another_precision_makes_the_results_stale(qtbot, make_window, video,
                                                   monkeypatch) -> None:
    from tests.app.test_analysis_gui import _analysed

    window, _ = _analysed(qtbot, make_window, video, monkeypatch)   # auto: f32 (no check)
    window.settings.precision = "bf16"       # the one settings object every part reads
    window.analysis_control.refresh_trust()
    assert window.timeline.stale_text == "made with an earlier precision \u2014 Analyse again"
    window.settings.precision = "f32"        # what auto resolved to: the same numbers
    window.analysis_control.refresh_trust()
    assert not window.timeline.stale_text and not window.verdict.is_stale
