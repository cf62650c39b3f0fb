"""Results files: validation, and the O(1) frame/time -> window lookup at its boundaries."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from semioscope.core.analysis import confidence_for, label_for, summarise
from semioscope.core.results import WindowIndex, load_results, validate_results
from semioscope.core.video.base import VideoProperties
from semioscope.core.windows import plan_windows
from semioscope.errors import SemioscopeError


def make_results(frames: int = 630, fps: float = 30.0, onset: float | None = None,
                 offset: float | None = None) -> dict[str, Any]:
    props = VideoProperties(path="v.mkv", frames=frames, fps=fps, width=96, height=80,
                            bit_depth=16, duration_s=frames / fps, backend="test")
    plan = plan_windows(props, onset, offset)
    ps = [0.1 + 0.8 * i / max(1, len(plan.windows) - 1) for i in range(len(plan.windows))]
    windows = [{**w.to_dict(), "p_tle": p, "label": label_for(p, 0.5, (0.45, 0.55))}
               for w, p in zip(plan.windows, ps, strict=True)]
    return {
        "software_version": "0", "created": "2026-01-01T00:00:00+00:00",
        "video": {"path": "v.mkv", "sha256": "0" * 64, "frames": frames, "fps": fps,
                  "fps_source": "container", "width": 96, "height": 80, "bit_depth": 16,
                  "duration_s": frames / fps},
        "mapping": {"name": "kinect", "params": {}}, "crop": {}, "span": plan.span_dict(),
        "resampled_to_30fps": plan.resampled, "windows": windows,
        "summary": summarise(ps, 0.5, (0.45, 0.55)),
        "model": {"backbone": "i3d", "backbone_pretrained": False,
                  "preprocessing_version": "x"},
        "warnings": [],
    }


def test_valid_file_round_trips(tmp_path: Path) -> None:
    path = tmp_path / "r.json"
    path.write_text(json.dumps(make_results()))
    assert len(load_results(path)["windows"]) == 11


@pytest.mark.parametrize("breaker", [
    lambda r: r.pop("windows"),
    lambda r: r["windows"][3].update(p_tle=1.5),
    lambda r: r["windows"][3].update(label="maybe"),
    lambda r: r["windows"][3].update(index=7),
    lambda r: r["windows"][3].update(start_s=0.5),
    lambda r: r["video"].pop("fps"),
    lambda r: r.update(resampled_to_30fps="yes"),
])
def test_invalid_structures_are_refused(tmp_path: Path, breaker: Any) -> None:
    results = make_results()
    breaker(results)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(results))
    with pytest.raises(SemioscopeError) as info:
        load_results(path)
    assert "bad.json" in str(info.value)


def test_not_json_and_missing(tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    path.write_text("{not json")
    with pytest.raises(SemioscopeError, match="not a results JSON"):
        load_results(path)
    with pytest.raises(SemioscopeError, match="no such"):
        load_results(tmp_path / "missing.json")


def test_window_index_boundaries_at_30_fps() -> None:
    index = WindowIndex.from_results(make_results())
    assert index.at_frame(0) == 0
    assert index.at_frame(59) == 0 and index.at_frame(60) == 1
    assert index.at_frame(599) == 9 and index.at_frame(600) == 10
    assert index.at_frame(629) == 10
    assert index.at_frame(630) is None and index.at_frame(-1) is None
    assert index.at_time(1.999) == 0 and index.at_time(2.0) == 1
    assert index.at_time(20.99) == 10 and index.at_time(21.0) is None
    assert index.window_at_frame(61)["index"] == 1  # type: ignore[index]


def test_window_index_outside_the_span_and_leftover_dropped() -> None:
    # span 3.0..8.5 s -> windows 3-5, 5-7, 7-8.5; a 5-frame leftover elsewhere would be dropped
    index = WindowIndex.from_results(make_results(900, onset=3.0, offset=8.5))
    assert index.at_frame(89) is None and index.at_frame(90) == 0
    assert index.at_frame(254) == 2 and index.at_frame(255) is None
    dropped = WindowIndex.from_results(make_results(65))  # 60 + 5: the 5 are dropped
    assert dropped.at_frame(59) == 0 and dropped.at_frame(60) is None


def test_window_index_at_25_fps_uses_times() -> None:
    index = WindowIndex.from_results(make_results(125, fps=25.0))
    assert index.at_frame(49) == 0 and index.at_frame(50) == 1  # frame 50 shows t = 2.0 s
    assert index.at_frame(99) == 1 and index.at_frame(100) == 2 and index.at_frame(124) == 2
    assert index.at_time(3.99) == 1


def test_window_index_matches_a_linear_scan() -> None:
    results = make_results(1000, fps=29.97, onset=1.3, offset=30.1)
    validate_results(copy.deepcopy(results))
    index = WindowIndex.from_results(results)
    for frame in range(1000):
        t = frame / 29.97
        expected = next((w["index"] for w in results["windows"]
                         if w["start_s"] - 1e-6 <= t < w["end_s"] - 1e-6), None)
        assert index.at_frame(frame) == expected, frame


def test_labels_and_confidence() -> None:
    assert label_for(0.2, 0.5, (0.4, 0.6)) == "FLE"
    assert label_for(0.4, 0.5, (0.4, 0.6)) == "uncertain"
    assert label_for(0.61, 0.5, (0.4, 0.6)) == "TLE"
    assert label_for(0.5, 0.5, (0.5, 0.5)) == "uncertain"
    assert label_for(0.5, 0.5, (0.6, 0.6)) == "TLE"
    assert confidence_for(1.0, 0.5) == 1.0 and confidence_for(0.0, 0.3) == 1.0
    assert confidence_for(0.65, 0.3) == pytest.approx(0.5)
    summary = summarise([0.9, 0.8, 0.1], 0.5, (0.45, 0.55))
    assert summary["label"] == "TLE" and summary["p_tle_mean"] == pytest.approx(0.6)
    assert (summary["n_tle"], summary["n_fle"], summary["n_uncertain"]) == (2, 1, 0)
    assert "mean" in summary["aggregation"]
