"""The real MainWindow, offscreen: open, crop, drag, undo, span, timeline, errors, restore."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, Qt

from semioscope.core.crop.editing import NO_WEIGHTS_TEXT
from semioscope.core.geometry import Box
from semioscope.core.hashing import file_sha256
from semioscope.core.video import KINECT, open_video
from semioscope.core.video_state import load_state
from tests.app.conftest import HEIGHT, WIDTH, wait_until, write_video
from tests.app.test_state import results_for


def open_and_crop(qtbot, window, video):
    assert window.open_video(video)
    wait_until(qtbot, lambda: window.session.crop is not None and window.view.roi is not None)
    wait_until(qtbot, lambda: window.view.shown_frame == 0)
    return window.session


def test_open_shows_frame_and_auto_crop_box(qtbot, make_window, video, dialogs):
    window = make_window()
    assert window.analysis.bar.text() == "no video open"
    session = open_and_crop(qtbot, window, video)
    assert window.analysis.bar.text() == "not analysed yet"
    crop = session.crop
    assert crop.source == "auto" and crop.auto_box == crop.box
    assert window.view.roi_box() == crop.box           # the box drawn is the crop stored
    assert window.view.badge.text().startswith("auto crop")
    shown = window.view.image.image
    with open_video(video) as reader:
        assert np.array_equal(shown, KINECT.apply(reader.read(0)))   # 8-bit, mapped once
    assert shown.dtype == np.uint8
    assert load_state(file_sha256(video)).crop["source"] == "auto"
    assert dialogs.errors == []


def test_drag_crop_is_saved_and_undo_restores_it(qtbot, make_window, video):
    window = make_window()
    session = open_and_crop(qtbot, window, video)
    auto = session.crop.box
    roi = window.view.roi
    roi.setPos(QPointF(auto.x + 7, auto.y + 5), finish=True)   # what a mouse drag ends with
    moved = Box(auto.x + 7, auto.y + 5, auto.w, auto.h)
    assert session.crop.box == moved and session.crop.source == "manual"
    assert window.view.badge.text() == "crop corrected by reviewer"
    sha = file_sha256(video)
    assert load_state(sha).crop["box"] == moved.to_dict()
    window.qactions["undo"].trigger()
    assert session.crop.box == auto and session.crop.source == "auto"
    assert window.view.roi_box() == auto
    assert load_state(sha).crop["box"] == auto.to_dict()
    window.qactions["redo"].trigger()
    assert session.crop.box == moved


def test_keyboard_nudges_merge_and_reset(qtbot, make_window, video):
    window = make_window()
    session = open_and_crop(qtbot, window, video)
    auto = session.crop.box
    window.setFocus()
    for _ in range(3):
        qtbot.keyClick(window, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(window, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    assert session.crop.box == Box(auto.x + 3, auto.y, auto.w, auto.h + 1)
    assert window.undo_stack.count() == 1            # nudges merge into one undo step
    window.qactions["reset_crop"].trigger()
    assert session.crop.box == auto
    window.qactions["undo"].trigger()
    assert session.crop.box.x == auto.x + 3


def test_frame_keys_span_and_timeline(qtbot, make_window, video):
    window = make_window()
    session = open_and_crop(qtbot, window, video)
    window.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_Right)
    qtbot.keyClick(window, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    assert session.frame == 31
    wait_until(qtbot, lambda: window.view.shown_frame == 31)
    with open_video(video) as reader:
        assert np.array_equal(window.view.image.image, KINECT.apply(reader.read(31)))
    qtbot.keyClick(window, Qt.Key.Key_I)
    qtbot.keyClick(window, Qt.Key.Key_End)
    qtbot.keyClick(window, Qt.Key.Key_Left)
    qtbot.keyClick(window, Qt.Key.Key_O)
    assert session.frame == 178
    assert session.span == (31 / 30, 179 / 30)
    assert window.timeline.span.getRegion() == (31 / 30, 179 / 30)
    assert window.analysis_control.build_request().span.onset_s == 31 / 30
    window.qactions["undo"].trigger()
    assert session.span == (31 / 30, 6.0)
    assert load_state(file_sha256(video)).span == (31 / 30, 6.0)


def test_timeline_bars_click_seeks_and_hover(qtbot, make_window, video):
    window = make_window()
    session = open_and_crop(qtbot, window, video)
    assert not window.qactions["export_report"].isEnabled()
    bars = window.timeline.bars
    session.set_results(results_for(window.analysis_control.build_request(), [0.1, 0.5, 0.95]))
    assert window.timeline.bar_count == 3
    assert window.timeline.bars is bars                  # updated in place
    assert window.qactions["export_report"].isEnabled()
    assert window.verdict.verdict.text() == "temporal lobe (TLE)"
    assert window.verdict.banner.isVisible()             # untrained backbone
    vb = window.timeline.getPlotItem().vb
    scene = vb.mapViewToScene(QPointF(4.9, 0.8))         # inside the third bar (4-6 s)
    point = window.timeline.mapFromScene(scene)
    qtbot.mouseClick(window.timeline.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert session.frame == 120                          # start of the third window
    wait_until(qtbot, lambda: window.timeline.cursor.value() == 4.0)
    window.timeline._moved(scene)
    assert "P(TLE) 0.95" in window.timeline.hover_text


def test_corrupt_video_shows_error_and_app_stays_usable(qtbot, make_window, video, tmp_path,
                                                        dialogs):
    window = make_window()
    bad = tmp_path / "broken.mkv"
    bad.write_bytes(b"\x1a\x45\xdf\xa3" + bytes(range(256)) * 40)
    assert not window.open_video(bad)
    assert len(dialogs.errors) == 1 and "broken.mkv" in dialogs.errors[0][1]
    assert window.session is None
    open_and_crop(qtbot, window, video)                  # still usable
    assert not window.open_video(tmp_path / "missing.mkv")
    assert window.session is not None and window.video_path == video


def test_no_detector_weights_means_full_frame(qtbot, make_window, video):
    window = make_window(detector=None)
    session = open_and_crop(qtbot, window, video)
    assert session.crop.box == Box(0, 0, WIDTH, HEIGHT)
    assert window.view.badge.text() == NO_WEIGHTS_TEXT
    assert window.analysis_control.build_request().crop_box is None
    assert window.analysis_control.build_request().crop_source == "full-frame"


def test_reopen_restores_crop_span_and_results(qtbot, make_window, video, tmp_path):
    window = make_window()
    session = open_and_crop(qtbot, window, video)
    window.editing.drag_crop(Box(3, 4, 60, 50))
    session.set_span(1.0, 5.0)
    session.set_results(results_for(window.analysis_control.build_request(), [0.3, 0.7]))
    copy = tmp_path / "renamed.mkv"
    copy.write_bytes(video.read_bytes())                 # same content, another name
    other = write_video(tmp_path / "other.mkv", 2.0)
    open_and_crop(qtbot, window, other)
    assert window.session.results is None and window.timeline.bar_count == 0
    assert window.open_video(copy)
    wait_until(qtbot, lambda: window.session.sha256 is not None)
    restored = window.session
    assert restored.crop.box == Box(3, 4, 60, 50) and restored.crop.source == "manual"
    assert restored.span == (1.0, 5.0)
    assert window.timeline.bar_count == 2
    assert window.qactions["export_report"].isEnabled()


def test_shortcut_help_lists_every_action(qtbot, make_window):
    from semioscope.app.actions import specs_for
    from semioscope.app.dialogs import ShortcutsDialog

    window = make_window()
    dialog = ShortcutsDialog(window)
    qtbot.addWidget(dialog)
    texts = [dialog.table.item(r, 1).text() for r in range(dialog.table.rowCount())]
    assert texts == [a.text.replace("&", "").replace("…", "") for a in specs_for("review")]
    assert window.qactions["play"].shortcut().toString() == "Space"
    assert "Research Use Only" in window.disclaimer.text()


def test_verdict_panel_says_which_runtime_and_device_computed_the_scores(qtbot):
    from dataclasses import replace

    from semioscope.app.verdict import VerdictPanel
    from tests.sample_results import synthetic_results

    panel = VerdictPanel()
    qtbot.addWidget(panel)
    results = synthetic_results("/data/v.mkv", n_windows=2)
    for runtime, device, batch, shown in (
            ("openvino 2026.4.1", "cpu", 2, "openvino 2026.4.1 on cpu, batch 2"),
            ("torch 2.14.1+cu130", "cuda:0 (NVIDIA H200)", 8,
             "torch 2.14.1+cu130 on cuda:0 (NVIDIA H200), batch 8")):
        model = replace(results.model, runtime=runtime, device=device, batch_size=batch)
        panel.show_results(replace(results, model=model))
        assert panel.fields["computed"].text() == shown
    panel.show_results(None)
    assert panel.fields["computed"].text() == "—"
