"""Per-video state sidecars: round trip, atomic replacement, keyed by hash, tolerant of damage."""

from __future__ import annotations

import json

import pytest

from semioscope.core.results import results_to_dict
from semioscope.core.video_state import VideoState, load_state, save_state, state_path
from tests.sample_results import synthetic_results

SHA = "ab" * 32


def test_missing_state_is_empty():
    state = load_state(SHA)
    assert state.sha256 == SHA
    assert state.crop is None and state.span is None and state.results is None


def test_round_trip_and_location(tmp_path):
    crop = {"box": {"x": 1, "y": 2, "w": 30, "h": 40}, "source": "manual", "status": "ok",
            "reasons": []}
    results = synthetic_results(n_windows=2)
    path = save_state(VideoState(SHA, crop=crop, span=(1.5, 6.0), results=results))
    assert path == state_path(SHA)
    assert path.parent.name == "videos" and path.name == f"{SHA}.json"
    again = load_state(SHA)
    assert again.crop == crop
    assert again.span == (1.5, 6.0)
    assert again.results == results


def test_save_replaces_previous_and_leaves_no_temp_files():
    save_state(VideoState(SHA, span=(0.0, 1.0)))
    save_state(VideoState(SHA, span=(2.0, 3.0)))
    assert load_state(SHA).span == (2.0, 3.0)
    assert [p.name for p in state_path(SHA).parent.iterdir()] == [f"{SHA}.json"]


def test_corrupt_or_foreign_sidecar_is_ignored():
    path = state_path(SHA)
    path.parent.mkdir(parents=True)
    path.write_text("{not json")
    assert load_state(SHA).span is None
    path.write_text(json.dumps({"sha256": "cd" * 32, "span": {"onset_s": 1, "offset_s": 2}}))
    assert load_state(SHA).span is None


def test_unreadable_saved_results_keep_crop_and_span():
    """Results of a newer format are dropped (Analyse makes new ones); the rest still opens."""
    crop = {"box": {"x": 1, "y": 2, "w": 30, "h": 40}, "source": "manual"}
    save_state(VideoState(SHA, crop=crop, span=(1.0, 2.0), results=synthetic_results()))
    path = state_path(SHA)
    data = json.loads(path.read_text())
    data["results"] = {**results_to_dict(synthetic_results()), "format": "semioscope-results/9"}
    path.write_text(json.dumps(data))
    again = load_state(SHA)
    assert again.results is None and again.crop == crop and again.span == (1.0, 2.0)


def test_rejects_non_hash_keys():
    with pytest.raises(ValueError):
        state_path("../../etc/passwd")
