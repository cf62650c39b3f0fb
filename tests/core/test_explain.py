"""Saliency (core/explain): the map explains the score shown, and passes the sanity checks of
Adebayo et al. 2018 that can be run without a learned backbone (parameter randomisation, input
dependence), plus finiteness, normalisation and placement inside the crop."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from semioscope.core.explain import (
    LAYERS,
    SaliencySet,
    feature_maps,
    grad_cam,
    grad_cam_at,
    layer_maps,
    load_saliency,
    place,
    pool_maps,
    save_saliency,
    subject_box,
)
from semioscope.core.geometry import Box
from semioscope.core.models.backbone import load_backbone
from semioscope.core.models.classifier import (
    ClassifierConfig,
    build_classifier,
    pad_features,
    random_classifier,
)
from semioscope.errors import SemioscopeError

SIDE, FRAMES = 112, 16          # 4x4 maps over 2 steps: small enough for seconds per test


@pytest.fixture(scope="module")
def i3d():
    return load_backbone("i3d", allow_untrained=True, threads=2, seed=0)


def scene(moving: bool, frames: int = FRAMES, seed: int = 0) -> torch.Tensor:
    """(1, 3, T, S, S) in [-1, 1]: a warm body on a bed; with ``moving`` one 'arm' (a bar in
    the upper-left quarter) swings from frame to frame, everything else is still."""
    rng = np.random.default_rng(seed)
    clip = np.full((frames, SIDE, SIDE), -0.6, np.float32)
    clip[:, 30:90, 40:72] = 0.3                                  # trunk
    for t in range(frames):
        dx = int(round(14 * np.sin(2 * np.pi * t / 6))) if moving else 0
        clip[t, 12:22, 8 + dx:40 + dx] = 0.5                     # the arm
    clip += rng.normal(0, 0.02, clip.shape).astype(np.float32)
    return torch.from_numpy(np.repeat(clip[None, None], 3, axis=1).clip(-1, 1))


def test_pooled_maps_are_exactly_the_features_the_analysis_scores(i3d) -> None:
    x = scene(True)
    maps = feature_maps(i3d, x)
    assert maps.shape[:2] == (1, 1024)
    torch.testing.assert_close(pool_maps(maps), i3d.features(x), rtol=1e-5, atol=1e-6)
    s3d = load_backbone("s3d", allow_untrained=True, threads=2, seed=0)
    torch.testing.assert_close(pool_maps(feature_maps(s3d, x)), s3d.features(x),
                               rtol=1e-5, atol=1e-6)


def test_the_map_explains_the_score_shown_and_is_finite_normalised_non_negative(i3d) -> None:
    model, _ = random_classifier(3, "i3d")
    x = scene(True)
    cam = grad_cam(model, feature_maps(i3d, x)[0])
    with torch.no_grad():
        shown = float(model(pad_features(i3d.features(x)[0], model.config.steps)[None])[0])
    assert cam.p_tle == pytest.approx(shown, abs=1e-6)
    assert cam.target == ("TLE" if shown >= 0.5 else "FLE")
    assert np.isfinite(cam.cam).all() and (cam.cam >= 0).all()
    assert cam.peak > 0 and cam.cam.max() == pytest.approx(1.0)


def test_parameter_randomisation_changes_the_maps(i3d) -> None:
    """Adebayo et al.'s model-parameter randomisation test, on the classifier's weights."""
    maps = feature_maps(i3d, scene(True))[0]
    base, _ = random_classifier(1, "i3d")
    same = grad_cam(base, maps).cam
    again = grad_cam(base, maps).cam
    np.testing.assert_array_equal(same, again)                   # deterministic
    for seed in (2, 3, 4):
        other, _ = random_classifier(seed, "i3d")
        changed = grad_cam(other, maps).cam
        assert np.abs(changed - same).mean() > 0.05, seed


def test_a_still_window_and_a_moving_limb_window_give_different_maps(i3d) -> None:
    model, _ = random_classifier(5, "i3d")
    still = grad_cam(model, feature_maps(i3d, scene(False))[0])
    moving = grad_cam(model, feature_maps(i3d, scene(True))[0])
    assert np.abs(still.cam - moving.cam).mean() > 0.1
    assert still.p_tle != moving.p_tle


def standardised_classifier(i3d, seed: int = 0):
    """A random classifier that standardises its inputs, as the demo's does (its mean and std
    from a few windows' features)."""
    torch.manual_seed(seed)
    model = build_classifier(ClassifierConfig.for_backbone("i3d", standardise=True))
    windows = [i3d.features(scene(m, frames=40, seed=k))[0] for m in (False, True)
               for k in range(2)]
    model.fit_standardisation(torch.stack([pad_features(f, model.config.steps) for f in windows]))
    model.feature_std.clamp_(min=0.05)   # four windows leave some features constant (std 1e-6)
    return model.eval()


def test_the_map_splits_the_first_order_score_change_from_the_reference_among_cells(i3d) -> None:
    """Summed over cells, the unrectified map is the gradient of the score shown times the
    pooled features' difference from the classifier's reference (its standardisation mean),
    computed here on the features, not on the map: it fails when the weights are averaged
    over time (the gradient differs between steps) or the reference is left out."""
    model = standardised_classifier(i3d)
    x = scene(True, frames=40, seed=5)                       # 5 time slices, 4 steps
    cam = grad_cam(model, feature_maps(i3d, x)[0])
    feats = i3d.features(x)[0].clone().requires_grad_(True)
    p = model(pad_features(feats, model.config.steps)[None])[0]
    score = p if cam.target == "TLE" else 1 - p
    (g,) = torch.autograd.grad(score, feats)
    first_order = float((g * (feats.detach() - model.feature_mean)).sum())
    assert cam.net == pytest.approx(first_order, rel=1e-4, abs=1e-7)
    assert abs(first_order) > 1e-4
    assert np.isfinite(cam.cam).all() and (cam.cam >= 0).all() and cam.cam.max() == 1.0


def test_a_feature_offset_the_classifier_standardises_away_leaves_the_map_unchanged(i3d) -> None:
    """Adding a constant to every feature and to the classifier's mean changes no score, so it
    must change no map (Grad-CAM's zero reference fails this: its map moves with the offset)."""
    model = standardised_classifier(i3d, seed=1)
    maps = feature_maps(i3d, scene(True, frames=40, seed=6))[0]
    base = grad_cam(model, maps)
    offset = torch.linspace(0.5, 2.0, maps.shape[0])
    model.feature_mean += offset
    shifted = grad_cam(model, maps + offset[:, None, None, None])
    assert shifted.p_tle == pytest.approx(base.p_tle, abs=1e-5)
    np.testing.assert_allclose(shifted.cam, base.cam, atol=1e-3)
    assert base.peak > 0


def test_placement_covers_exactly_the_crop_of_the_source_frame() -> None:
    cam = np.zeros((7, 7), np.float32)
    cam[1, 1] = 1.0                                          # evidence at the top left
    crop = Box(40, 100, 400, 200)                            # wide: padded top and bottom
    placed = place(cam, crop)
    assert placed.box == crop and placed.values.shape == (16, 32)
    assert np.isfinite(placed.values).all() and placed.values.min() >= 0
    assert placed.values.max() == pytest.approx(1.0)
    frame = placed.to_frame(512, 424)
    assert frame[:crop.y].sum() == 0 and frame[:, :crop.x].sum() == 0
    assert frame[crop.y2:].sum() == 0 and frame[:, crop.x2:].sum() == 0
    ys, xs = np.nonzero(frame > 0.5)
    assert xs.mean() < crop.x + crop.w / 3 and ys.mean() < crop.y + crop.h / 2
    assert placed.fraction_inside(Box(crop.x, crop.y, crop.w // 2, crop.h)) > 0.9
    assert placed.fraction_inside(Box(crop.x + crop.w // 2, crop.y, crop.w // 2, crop.h)) < 0.1


def test_subject_box_is_the_union_of_the_best_person_and_bed() -> None:
    record = {"frames": [
        {"detections": [{"label": "person", "score": 0.4, "box": {"x": 0, "y": 0, "w": 5, "h": 5}}]},
        {"detections": [
            {"label": "person", "score": 0.9, "box": {"x": 50, "y": 60, "w": 40, "h": 80}},
            {"label": "person", "score": 0.5, "box": {"x": 0, "y": 0, "w": 10, "h": 10}},
            {"label": "bed", "score": 0.8, "box": {"x": 30, "y": 90, "w": 200, "h": 100}}]}]}
    assert subject_box(record) == Box(30, 60, 200, 130)
    assert subject_box({"frames": []}) is None


def test_sidecar_round_trip_and_a_foreign_file_is_refused(tmp_path) -> None:
    crop = Box(10, 20, 300, 150)
    saliency = SaliencySet(crop, "Mixed_5c", "i3d", subject=Box(20, 30, 100, 100))
    rng = np.random.default_rng(0)
    for index in range(3):
        saliency.add(index, place(rng.random((7, 7)).astype(np.float32), crop), "TLE", 0.5)
    path = tmp_path / "r.saliency.npz"
    digest = save_saliency(path, saliency)
    back = load_saliency(path)
    assert back.box == crop and back.subject == saliency.subject and back.indices == [0, 1, 2]
    np.testing.assert_allclose(back.maps[2], saliency.maps[2], atol=1 / 255)
    section = saliency.section(path.name, digest)
    assert [w.index for w in section.windows] == [0, 1, 2]
    assert all(w.on_subject is not None and 0 <= w.on_subject <= 1 for w in section.windows)
    assert path.stat().st_size < 3 * 1000 + 2000           # compact: no frames inside
    (tmp_path / "x.npz").write_bytes(b"not a saliency file")
    with pytest.raises(SemioscopeError, match="x.npz: not a semioscope saliency file"):
        load_saliency(tmp_path / "x.npz")


def test_evidence_on_the_padding_counts_as_off_the_crop_and_off_the_patient(tmp_path) -> None:
    """A wide crop is padded top and bottom to 224x224: a map there is not on the patient."""
    crop = Box(0, 80, 512, 260)                              # 224x114 on the canvas
    cam = np.zeros((7, 7), np.float32)
    cam[0, :] = 1.0                                          # the top padding only
    placed = place(cam, crop)
    assert placed.in_crop < 0.2
    saliency = SaliencySet(crop, "Mixed_5c", "i3d", subject=crop)
    saliency.add(0, placed, "TLE", 1.0)
    section = saliency.section("r.saliency.npz", "0" * 64)
    first = section.windows[0]
    assert first.outside_subject and first.on_subject is not None and first.on_subject < 0.2
    assert section.outside_subject == section.on_padding == {0}
    save_saliency(tmp_path / "r.saliency.npz", saliency)
    assert load_saliency(tmp_path / "r.saliency.npz").in_crop[0] == pytest.approx(placed.in_crop)
    assert saliency.on_padding(0) == pytest.approx(1 - placed.in_crop)
    assert saliency.note(0) == (f"window 1: only {saliency.on_subject(0):.0%} of the evidence on "
                                f"the patient/bed, {1 - placed.in_crop:.0%} on the black padding "
                                "around the crop")
    saliency.subject = None                                  # no patient/bed box known
    assert saliency.note(0).startswith("window 1: most of the evidence off the crop, ")
    centre = np.zeros((7, 7), np.float32)
    centre[3, 3] = 1.0                                       # on the crop, and the subject
    inside = SaliencySet(crop, "Mixed_5c", "i3d", subject=crop)
    inside.add(0, place(centre, crop), "TLE", 1.0)
    assert inside.on_padding(0) == pytest.approx(0.0) and inside.note(0) == ""
    assert inside.note(1) == ""                              # no such window


def test_layer_maps_are_the_trunk_end_points_and_mixed_5c_is_the_analysed_map(i3d) -> None:
    x = scene(True)
    maps = layer_maps(i3d, x)
    assert tuple(maps) == LAYERS
    torch.testing.assert_close(maps["Mixed_5c"], feature_maps(i3d, x), rtol=1e-5, atol=1e-6)
    assert maps["Mixed_4f"].shape == (1, 832, FRAMES // 4, SIDE // 16, SIDE // 16)
    assert maps["Mixed_5b"].shape == maps["Mixed_5c"].shape[:1] + (832,) + maps["Mixed_5c"].shape[2:]
    with pytest.raises(ValueError, match="Mixed_9z"):
        layer_maps(i3d, x, ("Mixed_9z",))


def test_grad_cam_at_mixed_5c_with_the_classifiers_reference_is_grad_cam(i3d) -> None:
    model = standardised_classifier(i3d, seed=2)
    maps = feature_maps(i3d, scene(True, frames=40, seed=7))[0]
    plain = grad_cam(model, maps)
    at = grad_cam_at(i3d, model, maps, "Mixed_5c", reference=model.feature_mean)
    np.testing.assert_allclose(at.cam, plain.cam, atol=1e-5)
    assert (at.p_tle, at.target) == (pytest.approx(plain.p_tle, abs=1e-6), plain.target)
    assert at.net == pytest.approx(plain.net, rel=1e-4, abs=1e-7)


@pytest.mark.parametrize("layer", ["Mixed_4f", "Mixed_5b"])
def test_an_earlier_layers_map_explains_the_analysed_score_with_its_own_gradient(
        i3d, layer) -> None:
    """The rest of the trunk is run from the layer's map: the score it explains is the one the
    analysis shows (a wrong or missing stage changes it); another classifier and a still
    window give other maps on the layer's own grid (Adebayo et al.'s checks; at Mixed_5b's 4x4
    grid, with the zero reference, the still window's map differs little)."""
    model, _ = random_classifier(4, "i3d")
    x = scene(True)
    maps = layer_maps(i3d, x, (layer,))[layer][0]
    cam = grad_cam_at(i3d, model, maps, layer)
    with torch.no_grad():
        shown = float(model(pad_features(i3d.features(x)[0], model.config.steps)[None])[0])
    assert cam.p_tle == pytest.approx(shown, abs=1e-5)
    assert cam.cam.shape == maps.shape[2:]
    assert np.isfinite(cam.cam).all() and (cam.cam >= 0).all() and cam.peak > 0

    other, _ = random_classifier(6, "i3d")                       # parameter randomisation
    assert np.abs(grad_cam_at(i3d, other, maps, layer).cam - cam.cam).mean() > 0.05
    still = grad_cam_at(i3d, model, layer_maps(i3d, scene(False), (layer,))[layer][0], layer)
    assert still.p_tle != cam.p_tle
    if layer == "Mixed_4f":      # 7x7 cells over 112 px: the swinging bar changes the map
        assert np.abs(still.cam - cam.cam).mean() > 0.05
