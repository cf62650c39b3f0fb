"""Tiny learnable feature sets and a tiny model, so training logic is tested in seconds."""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from semioscope.core.training.config import TrainConfig
from semioscope.core.training.dataset import FeatureSet


def synthetic_set(patients: int = 12, seizures: int = 3, windows: int = 4, features: int = 8,
                  separation: float = 1.0, seed: int = 0) -> FeatureSet:
    """Half the patients FLE, half TLE; TLE windows are shifted by ``separation`` on feature 0,
    plus a per-patient offset (so patients differ, as in real data)."""
    rng = np.random.default_rng(seed)
    X, y, pat, sz, start = [], [], [], [], []
    for p in range(patients):
        label = p % 2
        offset = rng.normal(0, 0.3, features)
        for s in range(seizures):
            for w in range(windows):
                x = rng.normal(0, 1, (7, features)) + offset
                x[:, 0] += separation * (2 * label - 1)
                if w == windows - 1:
                    x[:3] = -1.0  # a short last window, pre-padded as the paper does
                X.append(x)
                y.append(label)
                pat.append(f"P{p:02d}")
                sz.append(f"P{p:02d}-S{s}")
                start.append(2.0 * w)
    meta = {"backbone": "i3d", "backbone_weights_sha256": None, "backbone_pretrained": False,
            "preprocessing_version": "test", "mapping": {"name": "kinect", "params": {}}}
    return FeatureSet(np.array(X, np.float32), np.array(y), np.array(pat), np.array(sz),
                      np.array(start), meta)


class TinyModel(torch.nn.Module):
    """Mean over time -> linear -> sigmoid; enough to learn ``synthetic_set``."""

    def __init__(self, features: int) -> None:
        super().__init__()
        self.linear = torch.nn.Linear(features, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.sigmoid(self.linear(x.mean(dim=1))).reshape(-1)

    def regularisation_loss(self) -> torch.Tensor:
        return 1e-4 * (self.linear.weight ** 2).sum()


def tiny_factory(config: TrainConfig, features: int) -> Any:
    return TinyModel(features)


def fast_config(**changes: Any) -> TrainConfig:
    return TrainConfig(**{"epochs": 30, "batch_size": 32, "threads": 1, "lr": 0.05, **changes})
