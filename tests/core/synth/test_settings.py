"""Synthetic data settings (v2, v1, hard): the hard setting is deterministic, its nurse tends the
patient at the bedside in every frame, and its classes' motion overlaps where v2's did not."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from semioscope.core.synth import SceneOptions, Seizure, render_seizure
from semioscope.core.synth.dataset import _plan, make_dataset
from semioscope.core.synth.motion import CHANNELS, plan_seizure
from semioscope.errors import SemioscopeError


def _speed(label: str, seed: int, setting: str) -> float:
    """Mean per-frame pose change in the ictal part (angles weighted ~ 50 body px)."""
    pose, _, onset, _, _ = plan_seizure(label, seed, 30.0, 30.0, setting=setting)
    start = int(onset * 30)
    weights = {c: (1.0 if c.startswith(("trunk_x", "trunk_y", "l_hand", "r_hand")) else 50.0)
               for c in CHANNELS}
    return float(sum(np.abs(np.diff(pose[c][start:])).mean() * w for c, w in weights.items()))


def test_hard_setting_same_seed_same_frames_and_its_truth_says_so(tmp_path: Path) -> None:
    options = replace(SceneOptions(), nurse=True)
    a = [f.image for f in Seizure("FLE", seconds=1.0, seed=5, options=options,
                                  setting="hard").frames()]
    b = [f.image for f in Seizure("FLE", seconds=1.0, seed=5, options=options,
                                  setting="hard").frames()]
    c = [f.image for f in Seizure("FLE", seconds=1.0, seed=6, options=options,
                                  setting="hard").frames()]
    v2 = [f.image for f in Seizure("FLE", seconds=1.0, seed=5, options=options).frames()]
    assert all(np.array_equal(x, y) for x, y in zip(a, b, strict=True))
    assert not np.array_equal(a[-1], c[-1]) and not np.array_equal(a[-1], v2[-1])
    truth = render_seizure(tmp_path / "h.mkv", "TLE", seconds=1.0, seed=1, setting="hard")
    assert truth.options["setting"] == "hard"
    assert "setting" not in render_seizure(tmp_path / "v.mkv", "TLE", seconds=1.0,
                                           seed=1).options
    with pytest.raises(ValueError, match="v3"):
        Seizure("FLE", seconds=1.0, seed=1, setting="v3")


def test_the_hard_settings_nurse_works_at_the_bedside_the_whole_time() -> None:
    seizure = Seizure("TLE", seconds=3.0, seed=2, options=replace(SceneOptions(), nurse=True),
                      setting="hard")
    frames = list(seizure.frames())
    assert all(f.nurse is not None and f.nurse.area > 0 for f in frames)
    for f in frames:                       # she overlaps the bed's edge
        bed, nurse = f.bed, f.nurse
        assert nurse.x < bed.x2 and bed.x < nurse.x2 and nurse.y < bed.y2 and bed.y < nurse.y2
    xs = [f.nurse.x + f.nurse.w / 2 for f in frames]
    assert max(xs) - min(xs) < 100          # she stays, not walks through
    still = Seizure("TLE", seconds=3.0, seed=2, setting="hard")
    first = next(still.frames())
    box = frames[0].nurse
    diff = np.abs(frames[0].image.astype(np.int32) - first.image.astype(np.int32))
    assert diff[box.y:box.y2, box.x:box.x2].mean() > 500   # she is drawn there
    moved = np.abs(frames[15].image.astype(np.int32) - frames[0].image.astype(np.int32))
    assert moved[box.y:box.y2, box.x:box.x2].mean() > 3 * moved.mean()   # and she moves


def test_settings_order_the_fle_vigour_and_hard_classes_overlap() -> None:
    seeds = range(16)
    fle = {s: [_speed("FLE", k, s) for k in seeds] for s in ("v2", "v1", "hard")}
    tle = {s: [_speed("TLE", k, s) for k in seeds] for s in ("v2", "hard")}
    assert np.mean(fle["v2"]) > np.mean(fle["v1"]) > 1.3 * np.mean(fle["hard"])
    assert np.mean(tle["hard"]) > 1.3 * np.mean(tle["v2"])
    assert min(fle["v2"]) > 2 * max(tle["v2"])           # v2: far apart
    assert min(fle["hard"]) < 2 * max(tle["hard"])       # hard: no such margin


def test_a_hard_dataset_puts_the_nurse_in_both_classes_and_bad_settings_are_refused(
        tmp_path: Path) -> None:
    videos = _plan(40, 1, 8.0, 0, "mkv", "hard")
    assert {v.setting for v in videos} == {"hard"}
    for label in ("FLE", "TLE"):
        share = np.mean([v.options.nurse for v in videos if v.label == label])
        assert 0.2 < share < 0.8, label
    assert np.mean([v.options.nurse for v in _plan(40, 1, 8.0, 0, "mkv")]) < 0.4
    with pytest.raises(SemioscopeError, match="--setting"):
        make_dataset(tmp_path / "d", 2, 1, max_seconds=1.0, setting="v9")
