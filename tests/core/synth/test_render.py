"""Synthetic seizures: determinism, value range, ground-truth boxes, class-specific motion."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from semioscope.core.synth import SceneOptions, Seizure, iter_frames, render_seizure
from semioscope.core.synth.motion import CHANNELS, plan_seizure
from semioscope.core.synth.render import NOISE_FLOOR, NOISE_GAIN
from semioscope.errors import SemioscopeError


def test_same_seed_same_frames_other_seed_other_frames():
    a = list(iter_frames("FLE", seconds=1.0, seed=5))
    b = list(iter_frames("FLE", seconds=1.0, seed=5))
    c = list(iter_frames("FLE", seconds=1.0, seed=6))
    assert len(a) == 30
    assert all(x.dtype == np.uint16 and x.shape == (424, 512) for x in a)
    assert all(np.array_equal(x, y) for x, y in zip(a, b, strict=True))
    assert not np.array_equal(a[-1], c[-1])


def test_values_look_like_kinect_ir():
    frames = np.stack(list(iter_frames("TLE", seconds=1.0, seed=1)))
    assert 3000 < frames.mean() < 8000  # mostly dark
    assert 12000 < np.percentile(frames, 99.9) < 20000  # bright skin and sheets
    corners = frames[:, :40, :40].mean()
    assert corners < frames[:, 180:240, 220:300].mean() * 0.6  # vignetting + dark floor


@pytest.mark.parametrize("label,seed,options", [
    ("FLE", 3, SceneOptions()),
    ("FLE", 4, SceneOptions(rotation_deg=160, scale=0.85, offset_x=-20, body_scale=0.9)),
    ("TLE", 5, SceneOptions(rotation_deg=20, scale=1.05, blanket=True)),
])
def test_person_box_holds_every_changed_pixel(label, seed, options):
    """Pixels that differ from the empty scene beyond 6 noise sigmas lie in the person box."""
    seizure = Seizure(label, seconds=4.0, seed=seed, options=options)
    empty = seizure.scene.background * seizure.scene.vignette
    if seizure.scene.blanket_tex is not None:  # the blanket is part of the scene, not the person
        m = seizure.scene.blanket_mask
        empty = (seizure.scene.background * (1 - m) + seizure.scene.blanket_tex * m) \
            * seizure.scene.vignette
    sigma = NOISE_FLOOR + NOISE_GAIN * empty
    for frame in seizure.frames():
        if frame.index % 20:
            continue
        changed = np.abs(frame.image.astype(np.float32) - empty) > 6 * sigma + 400
        ys, xs = np.nonzero(changed)
        assert len(xs) > 500, "the patient should be visible"
        p = frame.person
        assert p.x <= xs.min() and xs.max() < p.x2 and p.y <= ys.min() and ys.max() < p.y2
        # tight: at most a rim and the blur's reach beyond what is visibly drawn
        assert xs.min() - p.x <= 9 and p.x2 - xs.max() <= 10
        assert ys.min() - p.y <= 9 and p.y2 - ys.max() <= 10
        b = frame.bed
        assert b.x <= p.x + 40 and p.x2 <= b.x2 + 120  # the patient lies in (or reaches out of) bed


def test_nurse_walks_through_and_has_own_box():
    seizure = Seizure("TLE", seconds=6.0, seed=2, options=SceneOptions(nurse=True))
    nurse = [f for f in seizure.frames() if f.nurse is not None and f.nurse.area > 0]
    assert 20 < len(nurse) < seizure.n_frames
    xs = [f.nurse.x + f.nurse.w / 2 for f in nurse]
    assert max(xs) - min(xs) > 150  # she moves across the room


def _pose_speed(label: str, seed: int) -> float:
    """Mean per-frame change of the pose channels in the ictal part (angles ~ 50 px)."""
    pose, _, onset, offset, _ = plan_seizure(label, seed, 30.0, 30.0)
    start = int(onset * 30)
    weights = {c: (1.0 if c.startswith(("trunk_x", "trunk_y", "l_hand", "r_hand")) else 50.0)
               for c in CHANNELS}
    return float(sum(np.abs(np.diff(pose[c][start:])).mean() * w for c, w in weights.items()))


def test_fle_moves_more_than_tle_for_every_seed_but_seeds_differ():
    fle = [_pose_speed("FLE", s) for s in range(12)]
    tle = [_pose_speed("TLE", s) for s in range(12)]
    assert min(fle) > 2 * max(tle)
    assert np.std(fle) > 0.05 * np.mean(fle) and np.std(tle) > 0.05 * np.mean(tle)


def test_fle_motion_energy_above_tle_in_frames():
    def energy(label: str, seed: int) -> float:
        seizure = Seizure(label, seconds=8.0, seed=seed)
        start = int(seizure.onset_s * 30) + 30
        prev, total, n = None, 0.0, 0
        for f in seizure.frames():
            img = f.image[::2, ::2].astype(np.float32)
            if prev is not None and f.index > start:
                total += float(np.abs(img - prev).mean())
                n += 1
            prev = img
        return total / n

    fle, tle = energy("FLE", 1), energy("TLE", 1)
    assert fle > tle * 1.3


def test_render_png_and_mkv_match_iter_frames(tmp_path: Path):
    from semioscope.core.video import open_video

    expected = list(iter_frames("FLE", seconds=1.0, seed=9))
    truth = render_seizure(tmp_path / "a.mkv", "fle", seconds=1.0, seed=9)
    render_seizure(tmp_path / "frames", "FLE", seconds=1.0, seed=9, fmt="png")
    assert truth.label == "FLE" and truth.frames == 30 and len(truth.boxes) == 30
    data = json.loads((tmp_path / "a.truth.json").read_text())
    assert data["frames"] == 30 and data["onset_s"] < data["offset_s"] == pytest.approx(1.0)
    assert {"person", "bed", "frame", "time_s"} <= set(data["boxes"][0])
    assert (tmp_path / "frames.truth.json").exists()
    for path in (tmp_path / "a.mkv", tmp_path / "frames"):
        with open_video(path, fps=30) as video:
            assert video.properties.frames == 30
            for i in (0, 17, 29):
                assert np.array_equal(video.read(i), expected[i])


@pytest.mark.parametrize("kwargs,subject", [
    ({"label": "XLE"}, "--label"),
    ({"label": "FLE", "seconds": 0.5}, "--seconds"),
    ({"label": "FLE", "seconds": float("nan")}, "--seconds"),
    ({"label": "FLE", "fmt": "avi"}, "--format"),
])
def test_bad_requests(tmp_path: Path, kwargs, subject):
    with pytest.raises(SemioscopeError) as info:
        render_seizure(tmp_path / "x.mkv", seed=0, **{"seconds": 2.0, **kwargs})
    assert info.value.subject == subject
    assert not (tmp_path / "x.mkv").exists()


def test_unwritable_folder(tmp_path: Path):
    blocker = tmp_path / "file.txt"
    blocker.write_text("not a folder")
    with pytest.raises(SemioscopeError) as info:
        render_seizure(blocker / "x.mkv", "TLE", seconds=1.0)
    assert "file.txt" in str(info.value)


def test_truth_has_a_box_per_body_part_and_the_parts_make_up_the_person(tmp_path: Path):
    from semioscope.core.synth.body import PARTS

    truth = render_seizure(tmp_path / "a.mkv", "FLE", seconds=1.0, seed=4)
    saved = json.loads((tmp_path / "a.truth.json").read_text())
    assert saved["synth_version"] >= 2 and len(saved["boxes"]) == truth.frames
    for entry in saved["boxes"]:
        parts = entry["parts"]
        assert set(parts) == set(PARTS)
        p = entry["person"]
        x0 = min(b["x"] for b in parts.values())
        y0 = min(b["y"] for b in parts.values())
        x1 = max(b["x"] + b["w"] for b in parts.values())
        y1 = max(b["y"] + b["h"] for b in parts.values())
        assert (x0, y0, x1, y1) == (p["x"], p["y"], p["x"] + p["w"], p["y"] + p["h"])
        assert all(b["w"] > 10 and b["h"] > 10 for b in parts.values())


@pytest.mark.parametrize("limb", ["l_arm", "r_leg"])
def test_a_one_limb_clip_moves_only_that_limb(limb: str):
    """What changes between frames beyond the noise lies in that limb's boxes, and it is a lot."""
    seizure = Seizure("FLE", seconds=2.0, seed=7, limb=limb, options=SceneOptions(scale=1.05))
    frames = list(seizure.frames())
    images = np.stack([f.image for f in frames]).astype(np.float32)
    moved = np.abs(np.diff(images, axis=0)).max(axis=0) > 1000   # noise sd about 100
    ys, xs = np.nonzero(moved)
    assert len(xs) > 1000
    x0 = min(f.parts[limb].x for f in frames) - 3
    y0 = min(f.parts[limb].y for f in frames) - 3
    x1 = max(f.parts[limb].x2 for f in frames) + 3
    y1 = max(f.parts[limb].y2 for f in frames) + 3
    inside = (xs >= x0) & (xs < x1) & (ys >= y0) & (ys < y1)
    assert inside.mean() > 0.95, inside.mean()
    assert seizure.truth().options["only_moving"] == limb
    with pytest.raises(ValueError, match="unknown limb"):
        Seizure("FLE", seconds=1.0, seed=7, limb="tail")


def test_a_parts_box_over_a_window_is_the_union_of_its_frames():
    from semioscope.core.geometry import Box
    from semioscope.core.synth import part_box_during

    def entry(t: float, x: int, y: int) -> dict:
        return {"time_s": t, "parts": {"left_arm": {"x": x, "y": y, "w": 10, "h": 5}}}

    truth = {"boxes": [entry(0.0, 0, 0), entry(1.0, 20, 4), entry(1.5, 30, 2), entry(2.0, 90, 90)]}
    assert part_box_during(truth, "left_arm", 1.0, 2.0) == Box(20, 2, 20, 7)   # [1, 2): not 2.0
    assert part_box_during(truth, "left_arm", 0.0, 1.0) == Box(0, 0, 10, 5)
    with pytest.raises(ValueError, match="no truth boxes"):
        part_box_during(truth, "left_arm", 5.0, 7.0)
