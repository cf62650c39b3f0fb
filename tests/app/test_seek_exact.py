"""The review window shows exactly the frame it was scrubbed to, for H.264 with B-frames in MP4
and MPEG-4 Part 2 in AVI (where a keyframe seek alone lands on a neighbour); a truncated
recording opens under a warning and is analysed only after the user agrees."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from tests.app.conftest import wait_until
from tests.indexed_clips import read_index, write_clip

ORDER = [95, 22, 60, 0, 59, 58, 99, 23, 57]


@pytest.mark.parametrize("name, suffix", [("h264-mp4", ".mp4"), ("mpeg4-avi", ".avi")])
def test_scrubbing_shows_frame_k(qtbot, make_window, dialogs, tmp_path: Path, name: str,
                                 suffix: str):
    video = write_clip(tmp_path / f"clip{suffix}", name, frames=100)
    window = make_window(detector=None)
    assert window.open_video(video)
    wait_until(qtbot, lambda: window.view.shown_frame == 0)
    for k in ORDER:
        window.transport.slider.setValue(k)
        assert window.session.frame == k
        wait_until(qtbot, lambda k=k: window.view.shown_frame == k)
        assert read_index(window.view.image.image) == k
    assert dialogs.errors == []


def test_truncated_recording_opens_with_a_warning_and_asks_before_analysing(
        qtbot, make_window, dialogs, tmp_path: Path, monkeypatch):
    good = write_clip(tmp_path / "full.mkv", "ffv1-8", frames=90)
    bad = tmp_path / "cut.mkv"
    bad.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    window = make_window(detector=None)
    assert window.open_video(bad)
    assert window.video_warning.isVisible()
    assert "TRUNCATED RECORDING" in window.video_warning.text()
    assert "of the 3.00 s its header declares are present" in window.video_warning.text()
    wait_until(qtbot, lambda: window.view.shown_frame == 0)
    asked: list[str] = []

    def answer_no(parent, title, text, *args, **kwargs):
        asked.append(text)
        return QMessageBox.StandardButton.No

    monkeypatch.setattr(QMessageBox, "question", staticmethod(answer_no))
    # Analyse pressed before the (full-frame) crop is there would wait for it instead of asking
    wait_until(qtbot, lambda: window.session.crop is not None)
    window.analysis_control.act_analyse()
    assert asked and "Analyse only the present part" in asked[0]
    assert not window.analysis.running
    assert window.analysis_control.build_request().allow_truncated
    assert dialogs.errors == []
    window.open_video(good)
    assert not window.video_warning.isVisible()


def test_variable_rate_video_is_timed_by_its_timestamps(qtbot, make_window, tmp_path: Path):
    slots = [k for k in range(90) if k % 5 != 4]       # every 5th frame of a 30-fps clock missing
    video = write_clip(tmp_path / "vfr.mkv", "h264-mkv", indices=slots, pts=slots)
    window = make_window(detector=None)
    assert window.open_video(video)
    assert "Variable frame rate: 17 frames missing" in window.video_warning.text()
    session = window.session
    assert session.time_of(48) == pytest.approx(2.0, abs=2e-3)     # frame 48 is instant 60
    assert session.frame_of(2.0) == 48
    window.transport.slider.setValue(48)
    wait_until(qtbot, lambda: window.view.shown_frame == 48)
    assert read_index(window.view.image.image) == 60


def test_variable_rate_windows_seek_and_show_by_timestamps(qtbot, make_window, tmp_path: Path):
    """A full first second, then every other frame missing: the mean rate (20 fps) puts 2.0 s
    at frame 41, the timestamps at frame 45. Windows, seeks and the clock follow the stamps."""
    from tests.app.test_state import fake_results

    slots = list(range(30)) + list(range(30, 90, 2))
    video = write_clip(tmp_path / "vfr.mkv", "h264-mkv", indices=slots, pts=slots)
    window = make_window(detector=None)
    assert window.open_video(video)
    session = window.session
    session.set_results(fake_results([0.2, 0.8]))          # windows 0-2 s and 2-4 s
    lookup = session.lookup
    assert lookup.at_frame(44) == 0 and lookup.at_frame(45) == 1
    assert lookup.first_frame(1) == 45
    with qtbot.waitSignal(window.timeline.seekRequested) as seek:
        window.timeline.seekRequested.emit(lookup.first_frame(1))   # what a click on bar 1 sends
    assert seek.args == [45]
    wait_until(qtbot, lambda: window.view.shown_frame == 45)
    assert read_index(window.view.image.image) == 60
    assert window.transport.time_label.text().startswith("00:02.00 / 00:02.93")
