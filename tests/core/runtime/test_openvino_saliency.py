"""Saliency over OpenVINO: the IR's second output is torch's last 3D map, so Grad-CAM, the
recorder and a whole ``analyze --saliency`` run on OpenVINO with no torch backbone, and the
scores are those of an analysis without saliency.

Uses the session's one converted I3D (``i3d_pair``); small clips, so seconds per test.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from semioscope.core.explain import SaliencyRecorder, feature_maps, grad_cam, pool_maps
from semioscope.core.explain.gradcam import features_and_maps
from semioscope.core.geometry import Box
from semioscope.core.models.classifier import random_classifier
from semioscope.core.runtime.backbone import OpenVINOBackbone

TOL = 1e-4  # relative: max |ov - torch| / max |torch|


def rel_error(got: np.ndarray, want: np.ndarray) -> float:
    return float(np.abs(np.asarray(got) - np.asarray(want)).max() / np.abs(want).max())


def moving_scene(frames: int, side: int, seed: int) -> np.ndarray:
    """(1, 1, T, S, S) in [-1, 1]: a still trunk and a swinging bar, so the map has a place."""
    rng = np.random.default_rng(seed)
    clip = np.full((frames, side, side), -0.6, np.float32)
    clip[:, side // 4: 3 * side // 4, side // 3: side // 2] = 0.3
    for t in range(frames):
        dx = int(round(side / 8 * np.sin(2 * np.pi * t / 6)))
        clip[t, 4:12, side // 8 + dx: side // 2 + dx] = 0.5
    clip += rng.normal(0, 0.05, clip.shape).astype(np.float32)
    return clip.clip(-1, 1)[None, None]


@pytest.fixture(scope="module")
def runtime(i3d_pair) -> OpenVINOBackbone:
    return OpenVINOBackbone(i3d_pair[1], name="i3d", pretrained=False, weights_sha256=None,
                            threads=2, channels=1)


def test_the_ir_gives_torchs_last_map_and_the_features_it_pools(i3d_pair, runtime) -> None:
    backbone, _ = i3d_pair
    assert runtime.has_maps
    x = moving_scene(60, 64, seed=1)       # 60 frames: a whole window, 8 map steps, 7 features
    want = feature_maps(backbone, torch.from_numpy(x)).numpy()
    feats, maps = runtime.features_and_maps(x)
    assert maps.shape == want.shape == (1, 1024, 8, 2, 2)
    assert rel_error(maps, want) < TOL
    assert np.array_equal(feats, runtime.features(x))   # output 0 is what analyze scores
    assert rel_error(pool_maps(torch.from_numpy(maps)).numpy(), feats) < 1e-5
    # the RGB clip (explain_window's) is taken as its gray channel by the gray IR
    rgb = torch.from_numpy(np.repeat(x, 3, axis=1))
    assert np.array_equal(feature_maps(runtime, rgb).numpy(), maps)


def test_grad_cam_over_openvino_equals_torchs(i3d_pair, runtime) -> None:
    backbone, _ = i3d_pair
    classifier, _ = random_classifier(3, "i3d")
    x = moving_scene(60, 96, seed=2)       # 3x3 maps: a map with a place to be in
    want = grad_cam(classifier, feature_maps(backbone, torch.from_numpy(x))[0])
    got = grad_cam(classifier, torch.from_numpy(runtime.features_and_maps(x)[1])[0])
    assert want.peak > 0 and not np.allclose(want.cam, want.cam.flat[0])   # a real map
    assert got.target == want.target
    assert rel_error(got.cam, want.cam) < TOL
    assert abs(got.peak - want.peak) / want.peak < TOL
    assert abs(got.p_tle - want.p_tle) < 1e-5


def test_the_recorder_over_openvino_scores_the_plain_features(i3d_pair, runtime) -> None:
    backbone, _ = i3d_pair
    classifier, _ = random_classifier(3, "i3d")
    box = Box(0, 0, 96, 96)
    x = torch.from_numpy(np.concatenate([moving_scene(60, 96, 3), moving_scene(60, 96, 4)]))
    on_ov = SaliencyRecorder(runtime, classifier, 0.5, box)
    on_torch = SaliencyRecorder(backbone, classifier, 0.5, box)
    scored = on_ov.features(x).numpy()
    assert np.array_equal(scored, runtime.features(x.numpy()))   # what analyze scores anyway
    assert rel_error(scored, on_torch.features(x).numpy()) < TOL
    for index in (0, 1):
        ov_map, _, ov_target = on_ov.explain(index)
        torch_map, _, torch_target = on_torch.explain(index)
        assert ov_target == torch_target and ov_map.box == torch_map.box == box
        assert rel_error(ov_map.values, torch_map.values) < TOL
    assert on_ov.saliency.indices == [0, 1] and on_ov.saliency.backbone == "i3d"


def test_analyze_with_saliency_runs_on_openvino_with_unchanged_scores(
        i3d_pair, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The real load path (load_for_inference -> the IR cache -> OpenVINOBackbone), the session's
    IR handed to the cache (as test_runtime_choice does) for the session's torch I3D."""
    from semioscope.core.analysis import (
        AnalysisRequest,
        ModelChoice,
        RuntimeOptions,
        analyze_explained,
    )
    from semioscope.core.crop.editing import given_crop
    from semioscope.core.video.writer import write_ffv1
    from tests.ov_i3d import hand_ir_to_the_cache

    hand_ir_to_the_cache(monkeypatch, i3d_pair)
    rng = np.random.default_rng(5)
    frames = [rng.integers(0, 4000, (48, 64)).astype(np.uint16) for _ in range(72)]
    video = tmp_path / "v.mkv"
    write_ffv1(video, frames, fps=30)      # 2.4 s: a window of 60 frames and one of 12

    def run(runtime: str, saliency: bool):
        return analyze_explained(AnalysisRequest(video=video, saliency=saliency,
                                                 crop=given_crop(Box(8, 4, 48, 40)),
                                                 model=ModelChoice(allow_untrained=True),
                                                 options=RuntimeOptions(device="cpu",
                                                                        runtime=runtime,
                                                                        threads=2)))

    explained, saliency = run("openvino", True)
    plain, none = run("openvino", False)
    assert none is None and explained.model.runtime.startswith("openvino")
    assert explained.model.runtime == plain.model.runtime
    # the same numbers as without saliency, not merely close (torch's are checked above)
    assert [w.p_tle for w in explained.windows] == [w.p_tle for w in plain.windows]
    assert saliency.indices == [0, 1] and saliency.layer == "Mixed_5c"
    assert all(m.shape == saliency.maps[0].shape and m.max() == 1.0 for m in saliency.maps)


def test_s3d_ir_gives_torchs_features_and_map(tmp_path: Path) -> None:
    """S3D's one trace (a small example; the IR takes any size): a clip shorter than its 13
    frames, lengthened as torch does."""
    from semioscope.core.export.backbone import export_backbone
    from semioscope.core.models.backbone import load_backbone

    backbone = load_backbone("s3d", allow_untrained=True, threads=2, seed=0)
    entry = export_backbone(backbone, tmp_path, size=96)
    runtime = OpenVINOBackbone(tmp_path / entry["ir"], name="s3d", pretrained=False,
                               weights_sha256=None, threads=2, extend_to=entry["extend_to"],
                               channels=entry["channels"])
    x = np.repeat(moving_scene(11, 96, seed=6), 3, axis=1)
    want_maps = feature_maps(backbone, torch.from_numpy(x)).numpy()
    want = backbone.features(torch.from_numpy(x)).numpy()
    feats, maps = features_and_maps(runtime, torch.from_numpy(x))
    assert maps.shape == want_maps.shape and feats.shape == want.shape
    assert rel_error(maps.numpy(), want_maps) < TOL and rel_error(feats.numpy(), want) < TOL
