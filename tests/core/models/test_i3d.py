"""I3D: output shapes, TF-SAME padding, pytorch-i3d checkpoint compatibility, refusal of wrong files."""

from __future__ import annotations

import pickle
from collections import OrderedDict
from pathlib import Path

import pytest
import torch

from semioscope.core.models.i3d import (
    InceptionI3d,
    fold_batchnorm,
    i3d,
    i3d_timesteps,
    same_pads,
)
from semioscope.errors import WeightsError

torch.set_num_threads(2)


@pytest.fixture(scope="module")
def model() -> InceptionI3d:
    torch.manual_seed(0)
    return i3d().eval()


def clip(t: int, size: int = 32, n: int = 1, seed: int = 0) -> torch.Tensor:
    g = torch.Generator().manual_seed(seed)
    return torch.rand(n, 3, t, size, size, generator=g) * 2 - 1


def legacy_state_dict(m: torch.nn.Module) -> OrderedDict[str, torch.Tensor]:
    """The pytorch-i3d file's layout: a plain state dict without num_batches_tracked."""
    return OrderedDict((k, v.clone()) for k, v in m.state_dict().items()
                       if not k.endswith("num_batches_tracked"))


def test_same_padding_matches_tensorflow() -> None:
    # TF SAME: out = ceil(in / stride); the odd extra pixel goes at the end
    assert same_pads((60, 224, 224), (7, 7, 7), (2, 2, 2)) == [(2, 3)] * 3
    assert same_pads((15,), (3,), (2,)) == [(1, 1)]
    assert same_pads((8,), (2,), (2,)) == [(0, 0)]
    assert same_pads((7,), (2,), (2,)) == [(0, 1)]
    assert same_pads((5, 5, 5), (3, 3, 3), (1, 1, 1)) == [(1, 1)] * 3


def test_key_names_and_shapes_are_pytorch_i3d(model: InceptionI3d) -> None:
    sd = model.state_dict()
    assert next(iter(sd)) == "logits.conv3d.weight"
    assert sd["Conv3d_1a_7x7.conv3d.weight"].shape == (64, 3, 7, 7, 7)
    assert sd["logits.conv3d.weight"].shape == (400, 1024, 1, 1, 1)
    assert sd["logits.conv3d.bias"].shape == (400,)
    assert sd["Mixed_5c.b3b.conv3d.weight"].shape == (128, 832, 1, 1, 1)
    assert sd["Mixed_4f.b1a.bn.running_var"].shape == (160,)
    assert not any(".b3a." in k or "MaxPool" in k for k in sd)
    tensors = [k for k in sd if not k.endswith("num_batches_tracked")]
    assert len(tensors) == 287
    n_params = sum(p.numel() for p in model.parameters())
    assert n_params == 12_697_264
    bn = model.Mixed_3b.b0.bn
    assert isinstance(bn, torch.nn.BatchNorm3d)
    assert (bn.eps, bn.momentum) == (1e-3, 0.01)


@pytest.mark.slow
def test_sixty_frames_at_224_give_seven_steps(model: InceptionI3d) -> None:
    with torch.inference_mode():
        out = model.extract_features(clip(60, 224))
    assert out.shape == (1, 7, 1024)
    assert torch.isfinite(out).all() and out.abs().sum() > 0


def test_ten_frames_at_224_give_one_step(model: InceptionI3d) -> None:
    with torch.inference_mode():
        out = model.extract_features(clip(10, 224))
    assert out.shape == (1, 1, 1024)


@pytest.mark.parametrize("frames", [9, 10, 16, 17, 24, 33])
def test_timesteps_formula_matches_the_network(model: InceptionI3d, frames: int) -> None:
    with torch.inference_mode():
        out = model.extract_features(clip(frames))
    assert out.shape == (1, i3d_timesteps(frames), 1024)


def test_timesteps_formula_known_values() -> None:
    assert [i3d_timesteps(n) for n in (60, 64, 10, 59, 17)] == [7, 7, 1, 7, 2]


def test_legacy_checkpoint_loads_strictly_and_reproduces(model: InceptionI3d,
                                                         tmp_path: Path) -> None:
    torch.manual_seed(1)
    source = InceptionI3d().eval()
    with torch.no_grad():  # non-trivial BN statistics, so a wrong mapping would show
        for m in source.modules():
            if isinstance(m, torch.nn.BatchNorm3d):
                assert m.running_mean is not None and m.running_var is not None
                m.running_mean.uniform_(-0.1, 0.1)
                m.running_var.uniform_(0.5, 2.0)
                m.bias.uniform_(-0.1, 0.1)
    path = tmp_path / "rgb_imagenet.pt"
    torch.save(legacy_state_dict(source), path, _use_new_zipfile_serialization=False)
    loaded = i3d(weights=path).eval()
    for key, value in source.state_dict().items():
        if not key.endswith("num_batches_tracked"):
            assert torch.equal(loaded.state_dict()[key], value), key
    x = clip(12)
    with torch.inference_mode():
        assert torch.allclose(loaded.extract_features(x), source.extract_features(x))


def test_modern_wrapped_float64_checkpoint_loads(tmp_path: Path) -> None:
    path = tmp_path / "modern.pt"
    torch.save({"state_dict": {k: v.double() if v.is_floating_point() else v
                               for k, v in InceptionI3d().state_dict().items()}}, path)
    loaded = i3d(weights=path)    # a wrapped, float64 export: unwrapped, kept float32
    assert isinstance(loaded, InceptionI3d)
    assert {p.dtype for p in loaded.parameters()} == {torch.float32}
    assert not any(p.is_meta for p in loaded.state_dict().values())


def test_s3d_state_dict_is_refused_naming_keys(tmp_path: Path) -> None:
    from torchvision.models.video import s3d

    path = tmp_path / "s3d.pth"
    torch.save(s3d(weights=None).state_dict(), path)
    with pytest.raises(WeightsError) as err:
        i3d(weights=path)
    msg = str(err.value)
    assert str(path) in msg
    assert "expected keys missing" in msg and "logits.conv3d.weight" in msg
    assert "unexpected keys found" in msg and "features.0" in msg
    assert "S3D" in msg


def test_shape_mismatch_is_reported(tmp_path: Path) -> None:
    sd = legacy_state_dict(InceptionI3d(num_classes=157))   # a Charades fine-tune
    path = tmp_path / "rgb_charades.pt"
    torch.save(sd, path)
    with pytest.raises(WeightsError, match=r"shape mismatches: logits.conv3d.weight "
                                           r"\(157, 1024, 1, 1, 1\) \(expected \(400"):
        i3d(weights=path)


class NotAllowed:
    pass


@pytest.mark.filterwarnings("ignore:Detected pickle protocol")
@pytest.mark.parametrize("kind", ["foreign pickle", "truncated", "text", "list"])
def test_unreadable_files_are_refused(tmp_path: Path, kind: str) -> None:
    path = tmp_path / f"{kind.replace(' ', '_')}.pt"
    if kind == "foreign pickle":
        path.write_bytes(pickle.dumps({"a": NotAllowed()}))
    elif kind == "truncated":
        torch.save(legacy_state_dict(InceptionI3d()), path)
        path.write_bytes(path.read_bytes()[: 1 << 20])
    elif kind == "text":
        path.write_text("hello, this is not a model\n" * 10)
    else:
        torch.save([torch.zeros(3)], path)
    with pytest.raises(WeightsError) as err:
        i3d(weights=path)
    assert str(path) in str(err.value)
    assert "I3D" in str(err.value)


def test_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(WeightsError, match="not found"):
        i3d(weights=tmp_path / "nope.pt")


def test_folded_channels_last_model_gives_the_same_features(tmp_path: Path) -> None:
    torch.manual_seed(2)
    m = InceptionI3d().eval()
    with torch.no_grad():
        for bn in m.modules():
            if isinstance(bn, torch.nn.BatchNorm3d):
                assert bn.running_mean is not None and bn.running_var is not None
                bn.running_mean.uniform_(-0.2, 0.2)
                bn.running_var.uniform_(0.5, 2.0)
                bn.weight.uniform_(0.5, 1.5)
    x = clip(10, 40, n=2)
    with torch.inference_mode():
        ref = m.extract_features(x)
        fold_batchnorm(m)
        m.to(memory_format=torch.channels_last_3d)  # type: ignore[call-overload]
        fast = m.extract_features(x.contiguous(memory_format=torch.channels_last_3d))
    assert not any(isinstance(b, torch.nn.BatchNorm3d) for b in m.modules())
    assert torch.allclose(ref, fast, rtol=1e-4, atol=1e-4 * float(ref.abs().max()))
    # batch items stay independent (eval mode)
    with torch.inference_mode():
        single = m.extract_features(x[1:])
    assert torch.allclose(single[0], fast[1], rtol=1e-4, atol=1e-4 * float(ref.abs().max()))
