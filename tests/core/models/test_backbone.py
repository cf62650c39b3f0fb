"""load_backbone: where weights come from, the untrained path, and the features() contract."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from semioscope.core.hashing import file_sha256
from semioscope.core.models.backbone import BACKBONES, I3DBackbone, S3DBackbone, load_backbone
from semioscope.core.models.i3d import InceptionI3d
from semioscope.core.models.registry import weight_file
from semioscope.errors import WeightsError

torch.set_num_threads(2)


def clips(n: int = 1, t: int = 10, size: int = 32, seed: int = 0) -> torch.Tensor:
    return torch.rand(n, 3, t, size, size, generator=torch.Generator().manual_seed(seed)) * 2 - 1


@pytest.mark.parametrize("name", BACKBONES)
def test_no_weights_is_refused_with_the_fix(name: str) -> None:
    with pytest.raises(WeightsError) as err:
        load_backbone(name)
    assert f"semioscope models fetch {name}" in str(err.value)
    assert "--allow-untrained" in str(err.value) and "--weights" in str(err.value)


def test_unknown_backbone() -> None:
    with pytest.raises(WeightsError, match="choose one of i3d, s3d"):
        load_backbone("resnet", allow_untrained=True)


def test_untrained_is_seeded_and_flagged() -> None:
    a = load_backbone("i3d", allow_untrained=True, seed=1)
    b = load_backbone("i3d", allow_untrained=True, seed=1)
    c = load_backbone("i3d", allow_untrained=True, seed=2)
    assert isinstance(a, I3DBackbone) and a.pretrained is False and a.weights_sha256 is None
    assert (a.name, a.feature_dim, a.max_steps, a.min_frames) == ("i3d", 1024, 7, 10)
    x = clips(1, 17)
    fa, fb, fc = a.features(x), b.features(x), c.features(x)
    assert fa.shape == (1, a.timesteps(17), 1024) == (1, 2, 1024)
    assert fa.dtype == torch.float32 and not fa.requires_grad
    assert torch.equal(fa, fb) and not torch.allclose(fa, fc)
    assert fa.std() > 0  # the variance-preserving init keeps untrained features informative


def test_fetched_file_is_found_and_hashed() -> None:
    path = weight_file("i3d").cached_path          # inside the test's own cache folder
    path.parent.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(5)
    reference = InceptionI3d().eval()
    torch.save(reference.state_dict(), path)
    backbone = load_backbone("i3d", threads=2)
    assert backbone.pretrained is True and backbone.weights_sha256 == file_sha256(path)
    x = clips()
    with torch.inference_mode():
        expected = reference.extract_features(x)
    assert torch.allclose(backbone.features(x), expected, rtol=1e-4,
                          atol=1e-4 * float(expected.abs().max()))


def test_explicit_missing_or_wrong_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(WeightsError, match="not found"):
        load_backbone("i3d", tmp_path / "missing.pt", allow_untrained=True)
    wrong = tmp_path / "s3d_for_i3d.pth"
    from torchvision.models.video import s3d

    torch.save(s3d(weights=None).state_dict(), wrong)
    with pytest.raises(WeightsError, match="looks like torchvision S3D"):
        load_backbone("i3d", wrong)


def test_s3d_backbone_interface() -> None:
    b = load_backbone("s3d", allow_untrained=True, seed=0)
    assert isinstance(b, S3DBackbone) and b.name == "s3d" and not b.pretrained
    out = b.features(clips(1, 30))
    assert out.shape == (1, b.timesteps(30), 1024) == (1, 3, 1024)


def test_features_checks_its_input() -> None:
    b = load_backbone("i3d", allow_untrained=True)
    with pytest.raises(ValueError, match="at least 10 frames"):
        b.features(clips(1, 9))
    with pytest.raises(ValueError, match=r"\(N, 3, T, 224, 224\)"):
        b.features(torch.zeros(1, 10, 32, 32))


def test_threads_are_applied() -> None:
    before = torch.get_num_threads()
    try:
        load_backbone("i3d", allow_untrained=True, threads=1)
        assert torch.get_num_threads() == 1
    finally:
        torch.set_num_threads(before)


def _rel_err(a: torch.Tensor, b: torch.Tensor) -> float:
    return float((a - b).abs().max() / b.abs().max())


def test_engine_path_equals_the_plain_network_within_1e4(tmp_path: Path) -> None:
    """Folded BN + channels_last + one gray channel gives the features of the textbook forward
    pass (NCDHW, BN as layers, three equal RGB channels) with non-trivial BN statistics."""
    torch.manual_seed(11)
    reference = InceptionI3d().eval()
    for m in reference.modules():
        if isinstance(m, torch.nn.BatchNorm3d):
            m.running_mean.uniform_(-0.2, 0.2)
            m.running_var.uniform_(0.5, 2.0)
            m.weight.data.uniform_(0.8, 1.2)
            m.bias.data.uniform_(-0.1, 0.1)
    path = tmp_path / "i3d.pt"
    torch.save(reference.state_dict(), path)
    engine = load_backbone("i3d", path, device="cpu")
    assert engine.accepts_gray
    gray = clips(2, 16, 64, seed=3)[:, :1]
    with torch.inference_mode():
        expected = reference.extract_features(gray.expand(-1, 3, -1, -1, -1).contiguous())
    got_gray, got_rgb = engine.features(gray), engine.features(gray.expand(-1, 3, -1, -1, -1))
    assert got_gray.shape == expected.shape == (2, 1, 1024)
    assert _rel_err(got_gray, expected) < 1e-4 and _rel_err(got_rgb, expected) < 1e-4
    assert _rel_err(got_gray, got_rgb) < 1e-5


def test_s3d_needs_three_channels() -> None:
    b = load_backbone("s3d", allow_untrained=True, device="cpu")
    assert not b.accepts_gray
    with pytest.raises(ValueError, match=r"\(N, 3, T, 224, 224\), got \(1, 1,"):
        b.features(torch.zeros(1, 1, 10, 32, 32))
