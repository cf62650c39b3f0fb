"""Opening a slow video in the review window (issue #27 item 11, left by #13): the first open of
a long B-frame AVI decodes it once to index its frames. The window keeps running, a busy dialog
names the file with a Cancel button, and only that dialog takes input meanwhile."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QProgressDialog, QPushButton

from semioscope.app import video_facts
from tests.app.test_main_window import open_and_crop
from tests.indexed_clips import encode_clip


@pytest.fixture(scope="module")
def bframe_avi(tmp_path_factory) -> Path:
    """600 frames of MPEG-4 Part 2 with B-frames in AVI (no presentation stamps): its first
    open decodes every frame to learn their order."""
    rng = np.random.default_rng(0)
    base = rng.integers(0, 255, (240, 320), dtype=np.uint8)
    path = tmp_path_factory.mktemp("avi") / "long_bframes.avi"
    return encode_clip(path, "mpeg4-avi", (np.roll(base, 3 * k, axis=1) for k in range(600)),
                       count=600)


def _ticking() -> tuple[QTimer, list[float]]:
    ticks: list[float] = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(time.monotonic()))
    timer.start(5)
    return timer, ticks


def test_a_b_frame_avi_opens_while_the_event_loop_runs(qtbot, make_window, bframe_avi) -> None:
    from semioscope.core.video.frame_index import content_key, load_cached

    assert load_cached(content_key(bframe_avi), 600) is None     # a first open: it decodes
    window = make_window()
    timer, ticks = _ticking()
    started = time.monotonic()
    assert window.open_video(bframe_avi)
    took = time.monotonic() - started
    timer.stop()
    assert window.session is not None and window.session.n_frames == 600
    assert window.windowTitle().endswith("long_bframes.avi")
    # a GUI thread busy decoding would tick once, after the open
    assert len([t for t in ticks if started < t < started + took]) >= min(5, took / 0.02)
    assert took > 0.05, took                 # the open really was slow enough to tell
    assert load_cached(content_key(bframe_avi), 600) is not None   # indexed: next open quick


def _slow_reads(monkeypatch, seconds: float) -> None:
    """The index of a long AVI being built: ``seconds`` of work that polls the cancel token
    between steps, as the real index build does between packets (tests/core/video)."""
    real = video_facts.read_video_facts

    def slow(path: Path, cancel=None) -> video_facts.VideoFacts:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            if cancel is not None:
                cancel.raise_if_cancelled()
            time.sleep(0.01)
        return real(path, cancel)

    monkeypatch.setattr(video_facts, "read_video_facts", slow)


def _cancel_button(window) -> QPushButton | None:
    for dialog in window.findChildren(QProgressDialog):
        if dialog.isVisible():
            return dialog.findChild(QPushButton)
    return None


@pytest.mark.parametrize("how", ["click", "escape"])
def test_cancel_keeps_the_previous_video_and_returns_at_once(qtbot, make_window, video,
                                                             bframe_avi, monkeypatch, how) -> None:
    """Cancel by a click on the button, or by Escape sent as the keyboard sends it: to the
    dialog's native window (an input filter judging only widgets must let it through)."""
    window = make_window()
    before = open_and_crop(qtbot, window, video)
    _slow_reads(monkeypatch, 60.0)      # a reading Cancel did not stop would outlast the test
    seen: list[str] = []

    def press_cancel() -> None:
        button = _cancel_button(window)
        if button is None:
            QTimer.singleShot(20, press_cancel)
            return
        dialog = button.parent()
        seen.append(dialog.labelText())
        if how == "click":
            QTest.mouseClick(button, Qt.MouseButton.LeftButton)
        else:
            dialog.activateWindow()
            QTest.keyClick(dialog.windowHandle(), Qt.Key.Key_Escape)

    QTimer.singleShot(50, press_cancel)
    started = time.monotonic()
    assert not window.open_video(bframe_avi)
    assert time.monotonic() - started < 10                        # not the 60-s read
    assert seen and "long_bframes.avi" in seen[0]
    assert window.session is before and window.video_path == video
    assert "Opening long_bframes.avi cancelled" in window.statusBar().currentMessage()
    # the reading itself stops (its token was set), well before its 60 s
    qtbot.waitUntil(lambda: not any(isinstance(w, video_facts._Reader)
                                    for w in window.workers.running), timeout=10000)
    assert window.open_video(video)                               # and opening works again


def test_only_the_busy_dialog_takes_input_while_a_video_is_read(qtbot, make_window, video,
                                                                monkeypatch) -> None:
    """A key for the window during the read is dropped (it would step the old video, or start a
    second open half-way through the first); the same key after the open steps a frame."""
    window = make_window()
    session = open_and_crop(qtbot, window, video)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)
    _slow_reads(monkeypatch, 0.6)
    during: list[int] = []
    second: list[bool] = []

    def meddle() -> None:
        QTest.keyClick(window, Qt.Key.Key_Right)                 # next frame, on the old video
        during.append(session.frame)
        second.append(window.open_video(video))                  # a second open meanwhile

    QTimer.singleShot(150, meddle)
    assert window.open_video(video)
    assert during == [0] and second == [False]
    now = window.session
    window.activateWindow()
    qtbot.waitUntil(lambda: window.view.shown_frame == 0, timeout=5000)
    QTest.keyClick(window, Qt.Key.Key_Right)
    assert now.frame == 1                                        # the key works otherwise


def test_an_unreadable_file_still_ends_in_a_dialog_naming_it(qtbot, make_window, dialogs,
                                                             tmp_path: Path) -> None:
    bad = tmp_path / "broken.avi"
    bad.write_bytes(b"RIFF" + b"\0" * 4000)
    window = make_window()
    assert not window.open_video(bad)
    assert dialogs.errors and dialogs.errors[0][0] == "Cannot open video"
    assert "broken.avi" in dialogs.errors[0][1]
    assert window.session is None
