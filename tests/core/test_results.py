"""Results files: the typed model, its versioned reader/writer, migration, and the O(1) lookup."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from semioscope import UNTRAINED_WARNING
from semioscope.core.analysis import confidence_for, label_for, seizure_verdict
from semioscope.core.geometry import Box
from semioscope.core.results import (
    RESULTS_FORMAT,
    Results,
    WindowIndex,
    WindowResult,
    load_results,
    results_from_dict,
    results_to_dict,
    save_results,
    validate_results,
)
from semioscope.core.trust import UNTRAINED_CLASSIFIER_WARNING, assess
from semioscope.core.video.base import VideoProperties
from semioscope.core.windows import plan_windows
from semioscope.errors import SemioscopeError
from tests.sample_results import window_index

V1_FILE = Path(__file__).parent / "data" / "results-v1.json"


def make_v1(frames: int = 630, fps: float = 30.0, onset: float | None = None,
            offset: float | None = None) -> dict[str, Any]:
    """A results object as semioscope 0.1.0 wrote it (no ``format`` key)."""
    props = VideoProperties(path="v.mkv", frames=frames, fps=fps, width=96, height=80,
                            bit_depth=16, duration_s=frames / fps, backend="test")
    plan = plan_windows(props, onset, offset)
    ps = [0.1 + 0.8 * i / max(1, len(plan.windows) - 1) for i in range(len(plan.windows))]
    windows = [{**w.to_dict(), "p_tle": p, "label": label_for(p, 0.5, (0.45, 0.55))}
               for w, p in zip(plan.windows, ps, strict=True)]
    summary = seizure_verdict(ps, 0.5, (0.45, 0.55))
    return {
        "software_version": "0.1.0", "created": "2026-01-01T00:00:00+00:00",
        "video": {"path": "v.mkv", "sha256": "0" * 64, "frames": frames, "fps": fps,
                  "fps_source": "container", "width": 96, "height": 80, "bit_depth": 16,
                  "duration_s": frames / fps},
        "mapping": {"name": "kinect", "params": {"scene_average": 0.08}},
        "crop": {"x": 0, "y": 0, "w": 96, "h": 80, "source": "full-frame", "status": "ok",
                 "reasons": []},
        "span": {"onset_s": plan.onset_s, "offset_s": plan.offset_s,
                 "start_frame": plan.start_frame, "end_frame": plan.end_frame},
        "resampled_to_30fps": plan.resampled, "windows": windows,
        "summary": {**summary.__dict__, "uncertain_band": list(summary.uncertain_band)},
        "model": {"backbone": "i3d", "backbone_pretrained": False, "weights_sha256": None,
                  "classifier_path": None, "classifier_sha256": None,
                  "classifier_trained": False, "preprocessing_version": "x",
                  "classifier_metadata": {"backbone": "i3d", "trained": False}},
        "warnings": [UNTRAINED_WARNING, UNTRAINED_CLASSIFIER_WARNING,
                     "the video states no frame rate: 30 fps was assumed"],
    }


def make_results(*args: Any, **kwargs: Any) -> Results:
    return results_from_dict(make_v1(*args, **kwargs))


def test_current_format_round_trips_exactly(tmp_path: Path) -> None:
    results = make_results()
    path = tmp_path / "r.json"
    save_results(path, results)
    data = json.loads(path.read_text())
    assert data["format"] == RESULTS_FORMAT
    assert data["trust"]["clinical"] is False
    assert "untrained_backbone" in [r["code"] for r in data["trust"]["reasons"]]
    again = load_results(path)
    assert again == results
    assert results_to_dict(again) == data


def test_a_version_1_file_is_migrated(tmp_path: Path) -> None:
    path = tmp_path / "old.json"
    path.write_text(json.dumps(make_v1()))
    results = load_results(path)
    assert len(results.windows) == 11 and results.windows[3].index == 3
    assert results.model.weights_status == "random"
    assert results.model.classifier_backbone_sha256 is None
    # the trust texts 0.1 wrote into warnings now come from the trust rule, once
    assert results.warnings == ("the video states no frame rate: 30 fps was assumed",)
    assert assess(results).codes == ("untrained_backbone", "untrained_classifier")


def test_the_real_0_1_file_is_migrated_and_round_trips(tmp_path: Path) -> None:
    """A file written by semioscope 0.1.0's own `analyze` (tests/core/data)."""
    results = load_results(V1_FILE)
    assert results.summary.n_windows == len(results.windows) > 0
    assert results.crop.box == Box(10, 10, 100, 80) and results.crop.source == "given"
    assert results.model.weights_status == "random"
    assert not assess(results).clinical
    save_results(tmp_path / "new.json", results)
    assert load_results(tmp_path / "new.json") == results


def test_a_newer_format_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    path = tmp_path / "future.json"
    path.write_text(json.dumps({**results_to_dict(make_results()),
                                "format": "semioscope-results/9"}))
    with pytest.raises(SemioscopeError, match="newer semioscope") as info:
        load_results(path)
    assert "future.json" in str(info.value)


def test_an_added_optional_field_needs_no_reader_change() -> None:
    """The documented way to extend the model: a field with a default, nothing else."""
    from dataclasses import dataclass, field

    from semioscope.core.results.io import from_json, to_json

    @dataclass(frozen=True)
    class Extended(WindowResult):
        saliency: tuple[float, ...] = ()
        device: str | None = None
        extra: dict[str, Any] = field(default_factory=dict)

    w = Extended(0, 0.0, 2.0, 60, 0.7, "TLE", saliency=(0.1, 0.9), device="cpu")
    assert from_json(Extended, to_json(w)) == w
    assert from_json(Extended, to_json(WindowResult(0, 0.0, 2.0, 60, 0.7, "TLE"))).device is None


@pytest.mark.parametrize("breaker", [
    lambda r: r.pop("windows"),
    lambda r: r["windows"][3].update(p_tle=1.5),
    lambda r: r["windows"][3].update(label="maybe"),
    lambda r: r["windows"][3].update(index=7),
    lambda r: r["windows"][3].update(start_s=0.5),
    lambda r: r["video"].pop("fps"),
    lambda r: r["video"].update(fps=0),
    lambda r: r.update(resampled_to_30fps="yes"),
    lambda r: r["summary"].update(uncertain_band=[0.4]),
    lambda r: r["crop"].update(source="guessed"),
])
def test_invalid_structures_are_refused(tmp_path: Path, breaker: Any) -> None:
    results = make_v1()
    breaker(results)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(results))
    with pytest.raises(SemioscopeError) as info:
        load_results(path)
    assert "bad.json" in str(info.value) and "not a valid results file" in str(info.value)


def test_not_json_and_missing(tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    path.write_text("{not json")
    with pytest.raises(SemioscopeError, match="not a results JSON"):
        load_results(path)
    with pytest.raises(SemioscopeError, match="no such"):
        load_results(tmp_path / "missing.json")


def test_window_index_boundaries_at_30_fps() -> None:
    index = window_index(make_results())
    assert index.at_frame(0) == 0
    assert index.at_frame(59) == 0 and index.at_frame(60) == 1
    assert index.at_frame(599) == 9 and index.at_frame(600) == 10
    assert index.at_frame(629) == 10
    assert index.at_frame(630) is None and index.at_frame(-1) is None
    assert index.at_time(1.999) == 0 and index.at_time(2.0) == 1
    assert index.at_time(20.99) == 10 and index.at_time(21.0) is None


def test_window_index_outside_the_span_and_leftover_dropped() -> None:
    # span 3.0..8.5 s -> windows 3-5, 5-7, 7-8.5; a 5-frame leftover elsewhere would be dropped
    index = window_index(make_results(900, onset=3.0, offset=8.5))
    assert index.at_frame(89) is None and index.at_frame(90) == 0
    assert index.at_frame(254) == 2 and index.at_frame(255) is None
    dropped = window_index(make_results(65))  # 60 + 5: the 5 are dropped
    assert dropped.at_frame(59) == 0 and dropped.at_frame(60) is None


def test_window_index_at_25_fps_uses_times() -> None:
    index = window_index(make_results(125, fps=25.0))
    assert index.at_frame(49) == 0 and index.at_frame(50) == 1  # frame 50 shows t = 2.0 s
    assert index.at_frame(99) == 1 and index.at_frame(100) == 2 and index.at_frame(124) == 2
    assert index.at_time(3.99) == 1


def test_window_index_matches_a_linear_scan() -> None:
    data = make_v1(1000, fps=29.97, onset=1.3, offset=30.1)
    validate_results(data)
    results = results_from_dict(data)
    index = window_index(results)
    for frame in range(1000):
        t = frame / 29.97
        expected = next((w.index for w in results.windows
                         if w.start_s - 1e-6 <= t < w.end_s - 1e-6), None)
        assert index.at_frame(frame) == expected, frame


def test_labels_and_confidence() -> None:
    assert label_for(0.2, 0.5, (0.4, 0.6)) == "FLE"
    assert label_for(0.4, 0.5, (0.4, 0.6)) == "uncertain"
    assert label_for(0.61, 0.5, (0.4, 0.6)) == "TLE"
    assert label_for(0.5, 0.5, (0.5, 0.5)) == "TLE"     # a zero-width band is no band
    assert label_for(0.5, 0.5, (0.6, 0.6)) == "TLE"
    assert confidence_for(1.0, 0.5) == 1.0 and confidence_for(0.0, 0.3) == 1.0
    assert confidence_for(0.65, 0.3) == pytest.approx(0.5)
    summary = seizure_verdict([0.9, 0.8, 0.1], 0.5, (0.45, 0.55))
    assert summary.label == "TLE" and summary.p_tle_mean == pytest.approx(0.6)
    assert (summary.n_tle, summary.n_fle, summary.n_uncertain) == (2, 1, 0)
    assert "mean" in summary.aggregation


def test_window_index_of_a_variable_rate_video_uses_its_frame_times() -> None:
    """Frames are not 1/fps apart: 40 frames in the first 2 s, 55 in each of the next two."""
    times = np.concatenate([np.arange(40) * 0.05, 2 + np.arange(55) * 2 / 55,
                            4 + np.arange(55) * 2 / 55])
    windows = [WindowResult(index=i, start_s=2.0 * i, end_s=2.0 * i + 2, n_frames=60, p_tle=0.5,
                            label="uncertain") for i in range(3)]
    index = WindowIndex(windows, fps=25.0, frames=150, times=times)   # 25 fps: the mean only
    assert index.at_frame(39) == 0 and index.at_frame(40) == 1    # 40/25 = 1.6 s by the mean
    assert index.at_frame(94) == 1 and index.at_frame(95) == 2 and index.at_frame(149) == 2
    assert [index.first_frame(i) for i in range(3)] == [0, 40, 95]
    assert index.at_time(1.99) == 0 and index.at_time(2.0) == 1 and index.at_time(6.0) is None
    by_mean = WindowIndex(windows, fps=25.0, frames=150)
    assert by_mean.at_frame(40) == 0 and by_mean.first_frame(1) == 50
