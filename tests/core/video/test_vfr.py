"""Variable frame rate: a 30-fps clock with every 5th frame missing, as an EMU recorder drops them.

Each frame shows its *clock instant* (its timestamp in 1/30 s), so a test can see which moment a
window really used.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from semioscope.cli import main
from semioscope.core.video import open_video
from semioscope.core.windows import WINDOW_FRAMES, plan_windows
from tests.indexed_clips import read_index, write_clip

SLOTS = [k for k in range(300) if k % 5 != 4]      # 10 s on the clock, 240 frames


@pytest.fixture(scope="module", params=["h264-mkv", "h264-mp4", "mjpeg-avi"])
def vfr(request, tmp_path_factory) -> Path:
    from tests.indexed_clips import CLIP_SPECS

    path = tmp_path_factory.mktemp("vfr") / f"vfr{CLIP_SPECS[request.param].suffix}"
    return write_clip(path, request.param, indices=SLOTS, pts=SLOTS, fps=30)


def test_a_valid_variable_rate_file_opens_and_says_so(vfr: Path):
    with open_video(vfr) as video:
        p = video.properties
        assert p.frames == 240 and not p.truncated
        assert p.variable_rate and p.nominal_fps == pytest.approx(30.0)
        assert p.missing_frames == 59      # the last instant (299) is missing too: not seen
        assert p.duration_s == pytest.approx(299 / 30, abs=2e-3)
        mean, low, high = p.interval_s
        assert low == pytest.approx(1 / 30, abs=1e-3) and high == pytest.approx(2 / 30, abs=1e-3)
        assert mean == pytest.approx((298 / 30) / 239, abs=1e-4)
        times = video.frame_times()
        np.testing.assert_allclose(times, np.array(SLOTS) / 30, atol=1e-3)
        assert [read_index(video.read(i)) for i in (0, 3, 4, 100, 239)] == \
            [SLOTS[i] for i in (0, 3, 4, 100, 239)]


def test_windows_take_the_frame_nearest_each_30fps_instant(vfr: Path):
    with open_video(vfr) as video:
        plan = plan_windows(video.properties, 1.0, 9.0, times=video.frame_times())
        assert plan.variable_rate and "variable frame rate" in plan.warnings[0]
        assert [w.start_s for w in plan.windows] == [1.0, 3.0, 5.0, 7.0]
        assert all(w.n_frames == WINDOW_FRAMES for w in plan.windows)
        for window in plan.windows:
            instants = np.rint(window.start_s * 30).astype(int) + np.arange(window.n_frames)
            shown = np.array([read_index(video.read(int(i)))
                              for i in plan.source_indices(window)])
            present = instants % 5 != 4
            assert np.array_equal(shown[present], instants[present])
            # a missing instant is exactly between its neighbours (up to 1-ms Matroska ticks)
            assert np.all(np.abs(shown[~present] - instants[~present]) == 1)
            assert window.start_frame == SLOTS.index(int(instants[0]))


def test_info_reports_the_variable_rate(vfr: Path, capsys):
    assert main(["info", str(vfr)]) == 0
    text = capsys.readouterr().out
    assert "variable frame rate" in text and "59 frames missing against the 30 fps clock" in text
    assert main(["info", str(vfr), "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["variable_rate"] is True and info["missing_frames"] == 59
    assert info["frame_interval_ms"]["max"] == pytest.approx(66.7, abs=0.5)


def test_constant_rate_files_are_not_called_variable(tmp_path: Path):
    for name in ("h264-mkv", "mjpeg-avi"):   # 1-ms Matroska ticks: 33/34 ms intervals
        suffix = ".mkv" if name.endswith("mkv") else ".avi"
        with open_video(write_clip(tmp_path / f"c{suffix}", name, frames=90)) as video:
            assert not video.properties.variable_rate
            assert video.properties.missing_frames == 0


def test_analyze_windows_follow_the_timestamps(tmp_path: Path, capsys):
    slots = [k for k in range(80) if k % 5 != 4]            # 2.67 s on the clock, 64 frames
    video = write_clip(tmp_path / "v.mkv", "h264-mkv", indices=slots, pts=slots)
    out = tmp_path / "r.json"
    assert main(["analyze", str(video), "--allow-untrained", "--offset", "2.4",
                 "--out", str(out)]) == 0, capsys.readouterr().err
    results = json.loads(out.read_text())
    assert results["video"]["variable_rate"] is True
    assert results["video"]["missing_frames"] == 15 and results["video"]["nominal_fps"] == 30
    assert any("variable frame rate" in w for w in results["warnings"])
    windows = results["windows"]
    assert [(w["start_s"], w["end_s"], w["n_frames"]) for w in windows] == \
        [(0.0, 2.0, 60), (2.0, 2.4, 12)]
    # window 1 starts at clock instant 60, which is frame 48 (12 of every 60 are missing)
    assert [w["start_frame"] for w in windows] == [0, 48]
    # instant 59 is missing: its nearest frames show instants 58 (frame 47) and 60 (frame 48)
    assert windows[0]["end_frame"] in (48, 49)
