"""The OpenVINO I3D against the torch path: every kind of clip length 10..60, and a load
without torch."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
import torch

from semioscope.core.models.backbone import I3DBackbone
from semioscope.core.models.timesteps import i3d_timesteps
from semioscope.core.runtime.backbone import OpenVINOBackbone
from tests.torchfree import run_without_torch

TOL = 1e-4  # relative: max |ov - torch| / max |torch|


def clips(n: int, t: int, size: int, seed: int, channels: int = 1) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return (rng.random((n, channels, t, size, size), dtype=np.float32) * 2 - 1).astype(np.float32)


def rel_error(got: np.ndarray, want: np.ndarray) -> float:
    return float(np.abs(got - want).max() / np.abs(want).max())


@pytest.fixture(scope="module")
def runtime(i3d_pair: tuple[I3DBackbone, Path]) -> OpenVINOBackbone:
    return OpenVINOBackbone(i3d_pair[1], name="i3d", pretrained=False, weights_sha256=None,
                            threads=2, channels=1)


def parities(t: int) -> tuple[int, ...]:
    """The parity of the input length of each time-strided layer (Conv3d_1a, MaxPool3d_4a,
    MaxPool3d_5a: t, ceil(t/2), ceil(t/4)): all that the exported graph's padding depends on."""
    return tuple(math.ceil(t / 2 ** k) % 2 for k in range(3))


#: lengths giving every parity pattern (t mod 8) and every output length (1..7 steps) of
#: 10..60, both ends included: a padding rule wrong for any pattern, or a head wrong for any
#: step count, fails here as it would in a sweep of all 51 lengths (6x the compute)
LENGTHS = (10, 11, 13, 16, 17, 30, 39, 44, 49, 60)


def test_every_clip_length_matches_torch(i3d_pair, runtime) -> None:
    """Every kind of length in 10..60 frames (64x64: every stride-2 stage sees the same
    parities as 224)."""
    every = range(10, 61)
    assert {parities(t) for t in LENGTHS} == {parities(t) for t in every}
    assert len({parities(t) for t in every}) == 8
    assert {i3d_timesteps(t) for t in LENGTHS} == {i3d_timesteps(t) for t in every}
    assert min(LENGTHS) == 10 and max(LENGTHS) == 60
    backbone, _ = i3d_pair
    worst = 0.0
    for t in LENGTHS:
        x = clips(1, t, 64, seed=t)
        want = backbone.features(torch.from_numpy(x)).numpy()
        got = runtime.features(x)
        assert got.shape == want.shape == (1, i3d_timesteps(t), 1024), t
        worst = max(worst, rel_error(got, want))
        assert rel_error(got, want) < TOL, t
    assert worst > 0  # two runtimes really ran


@pytest.mark.parametrize(("n", "t"), [(2, 60), (1, 37)])
def test_full_size_batch_matches_torch(i3d_pair, runtime, n: int, t: int) -> None:
    backbone, _ = i3d_pair
    x = clips(n, t, 224, seed=100 + t)
    want = backbone.features(torch.from_numpy(x)).numpy()
    got = runtime.features(x)
    assert got.shape == want.shape == (n, i3d_timesteps(t), 1024)
    assert rel_error(got, want) < TOL
    rgb = backbone.features(torch.from_numpy(np.repeat(x, 3, axis=1))).numpy()
    assert rel_error(got, rgb) < TOL  # the gray IR equals the RGB network on the RGB copy


def test_the_interface_of_the_torch_backbone(runtime) -> None:
    assert (runtime.name, runtime.feature_dim, runtime.max_steps, runtime.min_frames) == (
        "i3d", 1024, 7, 10)
    assert runtime.accepts_gray and runtime.provenance()["runtime"].startswith("openvino 20")
    assert runtime.timesteps(60) == 7 and runtime.timesteps(10) == 1
    with pytest.raises(ValueError, match="at least 10 frames"):
        runtime.features(clips(1, 9, 64, 0))
    with pytest.raises(ValueError, match="expected clips"):
        runtime.features(np.zeros((1, 3, 10, 64, 64), np.float32))


def test_the_ir_keeps_fp32_weights(i3d_pair) -> None:
    """save_model would compress to FP16 by default (about 5e-4 off): the .bin must be fp32."""
    _, xml = i3d_pair
    model = i3d_pair[0].model
    n_params = sum(p.numel() for name, p in model.named_parameters()
                   if not name.startswith("logits"))  # the export stops at the features
    stem = model.Conv3d_1a_7x7.conv3d.weight.numel()
    n_params -= stem - stem // 3  # the gray stem: RGB weights summed
    assert xml.with_suffix(".bin").stat().st_size >= 4 * n_params


def test_loads_and_runs_where_torch_cannot_be_imported(i3d_pair, runtime, tmp_path) -> None:
    _, xml = i3d_pair
    x = clips(1, 23, 64, seed=7)
    np.save(tmp_path / "x.npy", x)
    code = f"""
import sys, numpy as np
from semioscope.core.runtime.backbone import OpenVINOBackbone
b = OpenVINOBackbone({str(xml)!r}, name="i3d", pretrained=False, weights_sha256=None, threads=2,
                     channels=1)
np.save({str(tmp_path / "y.npy")!r}, b.features(np.load({str(tmp_path / "x.npy")!r})))
from semioscope.core.runtime.ov import telemetry_disabled
print(__import__("json").dumps({{"torch": "torch" in sys.modules, "telemetry_off": telemetry_disabled()}}))
"""
    done = run_without_torch(code)
    assert done.returncode == 0, done.stderr
    facts = json.loads(done.stdout.strip().splitlines()[-1])
    assert facts == {"torch": False, "telemetry_off": True}
    np.testing.assert_array_equal(np.load(tmp_path / "y.npy"), runtime.features(x))


def test_the_blocker_really_blocks_torch() -> None:
    done = run_without_torch("import torch")
    assert done.returncode != 0 and "torch is blocked" in done.stderr
