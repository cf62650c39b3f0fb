"""S3D behind the I3D interface: shapes, its own input normalisation, strict weights loading."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from semioscope.core.models.s3d import (
    S3D_LAYER_MIN_FRAMES,
    S3D_WEIGHTS,
    S3DFeatures,
    s3d,
    s3d_timesteps,
)
from semioscope.errors import WeightsError

torch.set_num_threads(2)


@pytest.fixture(scope="module")
def model() -> S3DFeatures:
    torch.manual_seed(0)
    return s3d().eval()


def clip(t: int, size: int = 32) -> torch.Tensor:
    return torch.rand(1, 3, t, size, size, generator=torch.Generator().manual_seed(t)) * 2 - 1


def test_sixty_frames_at_224_give_six_steps(model: S3DFeatures) -> None:
    with torch.inference_mode():
        out = model.extract_features(clip(60, 224))
    assert out.shape == (1, 6, 1024) and torch.isfinite(out).all()
    assert s3d_timesteps(60) == 6 and s3d_timesteps(64) == 7


@pytest.mark.parametrize("frames", [10, 13, 16, 30, 33])
def test_timesteps_formula_matches_the_network(model: S3DFeatures, frames: int) -> None:
    with torch.inference_mode():
        out = model.extract_features(clip(frames))
    assert out.shape == (1, s3d_timesteps(frames), 1024)


def test_short_clip_is_lengthened_with_its_last_frame(model: S3DFeatures) -> None:
    x = clip(10)
    longer = torch.cat([x, x[:, :, -1:].expand(-1, -1, S3D_LAYER_MIN_FRAMES - 10, -1, -1)], dim=2)
    with torch.inference_mode():
        assert torch.equal(model.extract_features(x), model.extract_features(longer))


def test_input_is_renormalised_from_minus_one_one(model: S3DFeatures) -> None:
    x = torch.tensor([-1.0, 0.0, 1.0]).reshape(1, 1, 3, 1, 1).expand(1, 3, 3, 1, 1)
    y = model.normalise(x)
    for c in range(3):
        mean, std = S3D_WEIGHTS.mean[c], S3D_WEIGHTS.std[c]
        expected = torch.tensor([(0.0 - mean) / std, (0.5 - mean) / std, (1.0 - mean) / std])
        assert torch.allclose(y[0, c, :, 0, 0], expected)


def test_torchvision_state_dict_loads_strictly(model: S3DFeatures, tmp_path: Path) -> None:
    from torchvision.models.video import s3d as tv_s3d

    torch.manual_seed(3)
    source = tv_s3d(weights=None).eval()
    path = tmp_path / "s3d-d76dad2f.pth"
    torch.save(source.state_dict(), path)
    loaded = s3d(weights=path).eval()
    x = clip(16)
    with torch.inference_mode():
        maps = source.features(loaded.normalise(x))   # 32 px: spatial 1x1, time-pool only
        expected = torch.nn.functional.avg_pool3d(maps, (2, 1, 1), 1).flatten(2).transpose(1, 2)
        assert torch.allclose(loaded.extract_features(x), expected, atol=1e-5)


def test_i3d_file_is_refused(tmp_path: Path) -> None:
    from semioscope.core.models.i3d import InceptionI3d

    path = tmp_path / "rgb_imagenet.pt"
    torch.save({k: v for k, v in InceptionI3d().state_dict().items()
                if "num_batches" not in k}, path)
    with pytest.raises(WeightsError, match=r"not S3D weights; it looks like I3D.*Conv3d_1a_7x7") as err:
        s3d(weights=path)
    assert str(path) in str(err.value)
