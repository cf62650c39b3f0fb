"""torchvision's S3D as an alternative feature extractor, behind the same interface as I3D.

The engine hands every backbone clips scaled to [-1, 1] (the paper's I3D input); S3D's Kinetics
weights were trained on [0, 1] frames normalised with their own mean and std, so
:meth:`S3DFeatures.extract_features` converts first. The class subclasses torchvision's ``S3D``
unchanged, so torchvision's ``s3d-d76dad2f.pth`` loads with strict key matching.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import torch
from torchvision.models.video.s3d import S3D

from semioscope.core.models.registry import load_state_dict_file
from semioscope.core.models.timesteps import S3D_LAYER_MIN_FRAMES, s3d_timesteps
from semioscope.core.models.weights import S3D_WEIGHTS

__all__ = ["S3DFeatures", "s3d", "s3d_timesteps"]


class S3DFeatures(S3D):
    """torchvision S3D plus :meth:`extract_features` taking the engine's [-1, 1] clips."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.register_buffer("_mean", torch.tensor(S3D_WEIGHTS.mean).reshape(1, 3, 1, 1, 1),
                             persistent=False)
        self.register_buffer("_std", torch.tensor(S3D_WEIGHTS.std).reshape(1, 3, 1, 1, 1),
                             persistent=False)

    def normalise(self, x: torch.Tensor) -> torch.Tensor:
        """[-1, 1] -> [0, 1] -> (x - mean) / std, per channel."""
        return ((x + 1.0) * 0.5 - self._mean) / self._std

    def extract_features(self, x: torch.Tensor) -> torch.Tensor:
        """``features`` then ``avgpool`` ((2, 7, 7), stride 1): (N, 3, T, 224, 224) -> (N, T', 1024).

        Clips shorter than :data:`S3D_LAYER_MIN_FRAMES` are lengthened by repeating their last frame
        (the layers cannot take fewer), giving one time step.
        """
        y = self.features(self.normalise(extend_clip(x)))
        y = torch.nn.functional.avg_pool3d(y, (2, min(7, y.shape[3]), min(7, y.shape[4])),
                                           stride=1)
        if y.shape[3] != 1 or y.shape[4] != 1:
            raise ValueError(f"input {tuple(x.shape[3:])} is larger than 224x224")
        return y.flatten(2).transpose(1, 2)


def extend_clip(x: torch.Tensor) -> torch.Tensor:
    """``(N, C, T, H, W)`` lengthened to :data:`S3D_LAYER_MIN_FRAMES` by repeating its last
    frame when shorter (the one padding rule: the features and Grad-CAM's maps both use it)."""
    if x.shape[2] >= S3D_LAYER_MIN_FRAMES:
        return x
    tail = x[:, :, -1:].expand(-1, -1, S3D_LAYER_MIN_FRAMES - x.shape[2], -1, -1)
    return torch.cat([x, tail], dim=2)


def s3d(*, weights: Path | None = None, **kwargs: Any) -> S3DFeatures:
    """Build S3D; with ``weights`` (torchvision's state dict) load it strictly."""
    model = S3DFeatures(**kwargs)
    if weights is not None:
        load_state_dict_file(model, Path(weights), "S3D")
    return model
