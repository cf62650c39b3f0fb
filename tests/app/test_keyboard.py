"""The review window from the keyboard alone (open, crop, span, analyse, evidence, export, the
focus ring on what Tab reaches), and the README's table of keys made from the code's one
action table."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

import semioscope.core.analysis as engine
from semioscope.app.actions import shortcuts_markdown
from tests.app.conftest import wait_until
from tests.app.test_analysis_gui import FakeEngine
from tests.app.test_main_window import open_and_crop

KEY, MOD = Qt.Key, Qt.KeyboardModifier
README = Path(__file__).resolve().parents[2] / "README.md"


def test_the_readmes_key_table_is_the_codes() -> None:
    text = README.read_text(encoding="utf-8")
    start = text.index("<!-- shortcuts:")
    body = text[text.index("\n", start) + 1:text.index("<!-- /shortcuts -->")].strip()
    assert body == shortcuts_markdown()


def test_crop_span_analyse_evidence_and_export_without_a_mouse(qtbot, make_window, video,
                                                               monkeypatch) -> None:
    from semioscope.app import report_dialog

    monkeypatch.setattr(engine, "analyze", FakeEngine([0.2, 0.8, 0.9]))
    exported: list[object] = []
    monkeypatch.setattr(report_dialog.ReportDialog, "exec",
                        lambda self: exported.append(self) or 0)
    from semioscope.app import opening
    from semioscope.app.focus_ring import install_focus_ring

    monkeypatch.setattr(opening.QFileDialog, "getOpenFileName",
                        lambda *a, **k: (str(video), ""))   # the file chooser, answered
    window = make_window()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)

    def press(key, mod=MOD.NoModifier) -> None:
        QTest.keyClick(window, key, mod)

    press(KEY.Key_O, MOD.ControlModifier)                # Open video
    wait_until(qtbot, lambda: window.session is not None and window.session.crop is not None
               and window.view.shown_frame == 0)
    session = window.session
    QTest.keyClick(QApplication.focusWidget() or window, KEY.Key_Tab)   # the focus is seen
    focused = QApplication.focusWidget()
    ring = install_focus_ring()
    assert focused is not None and ring.target is focused and ring.isVisible()
    window.setFocus()

    box = session.crop.box
    press(KEY.Key_Right, MOD.ControlModifier)            # crop: 1 px right, then accepted
    press(KEY.Key_Return)
    assert session.crop.box.x == box.x + 1 and session.crop.status == "corrected"
    for _ in range(30):
        press(KEY.Key_Right)                             # a second on, frame by frame
    press(KEY.Key_I)                                     # onset here
    press(KEY.Key_End)
    press(KEY.Key_O)                                     # offset at the last frame
    assert session.span[0] == session.time_of(30)
    press(KEY.Key_Return, MOD.ControlModifier)           # Analyse
    wait_until(qtbot, lambda: session.results is not None and not window.analysis.running)
    press(KEY.Key_H)                                     # evidence: no maps in these results
    assert not window.evidence.toggle.isChecked() and "no heat map" in window.evidence.note.text()
    press(KEY.Key_E, MOD.ControlModifier)                # Export report
    assert len(exported) == 1


def test_the_evidence_key_turns_the_heat_map_on_and_off(qtbot, tmp_path) -> None:
    from semioscope.app.results_view import ResultsView
    from semioscope.app.video_view import VideoView
    from tests.app.test_evidence import results_with_saliency
    from tests.sample_results import window_index

    view = VideoView()
    qtbot.addWidget(view)
    view.set_geometry(120, 96)
    part = ResultsView(view)
    results = results_with_saliency(tmp_path)
    part.evidence.set_results(results, window_index(results))
    part.act_evidence()
    assert part.evidence.toggle.isChecked() and view.heat.isVisible()
    part.act_evidence()
    assert not view.heat.isVisible()


def test_enter_on_a_box_already_accepted_says_so(qtbot, make_window, video) -> None:
    window = make_window()
    session = open_and_crop(qtbot, window, video)
    window.editing.act_accept_crop()
    assert session.crop.status == "corrected"
    window.editing.act_accept_crop()
    assert "nothing to change" in window.statusBar().currentMessage()
