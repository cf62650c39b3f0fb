"""Reading a video off the GUI thread: the window keeps painting while a slow file is read."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QProgressDialog, QWidget

from semioscope.app import video_facts as opening
from semioscope.core.video import VideoError


def test_reads_the_facts_of_a_video(qtbot, video: Path) -> None:
    facts = opening.read_video_facts_responsively(video, None)
    assert facts.properties.frames == 180
    assert len(facts.times) == 180


def test_the_gui_thread_keeps_running_while_a_slow_file_is_read(qtbot, video, monkeypatch) -> None:
    """The slow part (indexing a long B-frame AVI) stands in as a read that takes 1.5 s."""
    real = opening.read_video_facts
    reading_thread: list[threading.Thread] = []

    def slow(path: Path, cancel=None) -> opening.VideoFacts:
        reading_thread.append(threading.current_thread())
        time.sleep(1.5)
        return real(path, cancel)

    monkeypatch.setattr(opening, "read_video_facts", slow)
    parent = QWidget()
    qtbot.addWidget(parent)
    ticks: list[float] = []
    dialogs: list[str] = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(time.monotonic()))
    timer.timeout.connect(lambda: dialogs.extend(
        d.labelText() for d in parent.findChildren(QProgressDialog) if d.isVisible()))
    timer.start(20)
    facts = opening.read_video_facts_responsively(video, parent, dialog_delay_ms=100)
    timer.stop()
    assert facts.properties.frames == 180
    assert reading_thread[0] is not threading.main_thread()
    assert len(ticks) >= 10        # a blocked GUI thread would tick once, after the read
    assert dialogs and video.name in dialogs[0]
    assert not any(d.isVisible() for d in parent.findChildren(QProgressDialog))


def test_an_unreadable_file_raises_on_the_gui_thread(qtbot, tmp_path: Path) -> None:
    bad = tmp_path / "broken.mp4"
    bad.write_bytes(b"not a video at all" * 100)
    with pytest.raises(VideoError, match="broken.mp4"):
        opening.read_video_facts_responsively(bad, None)
