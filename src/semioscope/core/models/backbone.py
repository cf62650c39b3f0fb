"""The feature extractor interface the engine uses, and :func:`load_backbone`.

A backbone turns a batch of same-length clips ``(N, 3, T, 224, 224)`` in [-1, 1] into per-clip
feature sequences ``(N, T', F)``; ``F``, the steps per 2-s window and the shortest clip are its
weights' contract (:mod:`semioscope.core.models.weights`), never restated here. Weights come from an explicit file or the one fetched by
``semioscope models fetch`` (never downloaded here); random weights only when the caller says so
(smoke tests, demos), and then ``pretrained`` is False so results are flagged as not clinical.
The network runs on the CPU or an NVIDIA GPU (:mod:`semioscope.core.models.device`); features
always come back on the CPU, and ``runtime``/``device`` say in every result what computed them.
"""

from __future__ import annotations

import abc
import logging
import time
from pathlib import Path

import torch
from torch import nn

from semioscope.core.hashing import file_sha256
from semioscope.core.models import registry
from semioscope.core.models.device import Device, resolve_device
from semioscope.core.models.weights import (
    I3D_WEIGHTS,
    S3D_WEIGHTS,
    BackboneWeights,
    DescribedByWeights,
)
from semioscope.errors import WeightsError

__all__ = ["BACKBONES", "BUILDERS", "Backbone", "I3DBackbone", "S3DBackbone", "load_backbone"]

log = logging.getLogger(__name__)

class Backbone(DescribedByWeights, abc.ABC):
    """A frozen video network used only for inference (eval mode, no gradients)."""

    name: str
    #: the weights' description: file, input contract, feature size, steps, shortest clip
    weights: BackboneWeights
    #: the inference runtime, recorded in results ("torch" here; other runtimes name theirs)
    runtime: str = "torch"
    #: whether ``features`` takes one gray channel ``(N, 1, T, H, W)`` as the RGB clip whose
    #: three channels all equal it (cheaper; the engine then never builds the RGB copy)
    accepts_gray: bool = False

    def __init__(self, model: nn.Module, *, pretrained: bool, weights_sha256: str | None,
                 channels_last: bool = True, device: Device | None = None) -> None:
        self.model = model.eval().requires_grad_(False)
        self.pretrained = pretrained
        self.weights_sha256 = weights_sha256
        self.device = device or Device("cpu")
        self.memory_format = torch.channels_last_3d if channels_last else torch.contiguous_format
        self.model.to(device=self.device.torch_device,  # type: ignore[call-overload]
                      memory_format=self.memory_format)

    @staticmethod
    @abc.abstractmethod
    def build(weights: Path | None) -> nn.Module:
        """The network, loaded strictly from ``weights`` (random when None)."""

    def provenance(self) -> dict[str, str]:
        """``{"runtime": "torch 2.14.1", "device": "cpu"}``: what computed the features."""
        return {"runtime": f"{self.runtime} {torch.__version__}",
                "device": self.device.describe()}

    @abc.abstractmethod
    def timesteps(self, n_frames: int) -> int:
        """How many feature steps a clip of ``n_frames`` frames gives."""

    @abc.abstractmethod
    def _extract(self, clips: torch.Tensor) -> torch.Tensor:
        """The network's (N, T', feature_dim) for prepared clips."""

    def features(self, clips: torch.Tensor) -> torch.Tensor:
        """(N, 3 or 1, T, H<=224, W<=224) float32 in [-1, 1] -> (N, T', F), no gradients."""
        channels = (1, 3) if self.accepts_gray else (3,)
        if clips.ndim != 5 or clips.shape[1] not in channels:
            gray = " or (N, 1, T, 224, 224) gray" if self.accepts_gray else ""
            raise ValueError(f"expected clips (N, 3, T, 224, 224){gray}, got "
                             f"{tuple(clips.shape)}")
        if clips.shape[2] < self.min_frames:
            raise ValueError(f"a clip needs at least {self.min_frames} frames, "
                             f"got {clips.shape[2]}")
        x = clips.to(device=self.device.torch_device, dtype=torch.float32).contiguous(
            memory_format=self.memory_format)
        with torch.inference_mode():
            out = self._extract(x)
        return out.to("cpu").contiguous()

    def __repr__(self) -> str:
        return (f"{type(self).__name__}(pretrained={self.pretrained}, "
                f"weights_sha256={self.weights_sha256 and self.weights_sha256[:12]})")


class I3DBackbone(Backbone):
    """The paper's I3D (Mixed_5c + (2,7,7) average pool); 60 frames -> 7 steps."""

    name = "i3d"
    weights = I3D_WEIGHTS
    accepts_gray = True   # Unit3D sums the stem's RGB weights for a one-channel clip

    @staticmethod
    def build(weights: Path | None) -> nn.Module:
        from semioscope.core.models.i3d import i3d

        return i3d(weights=weights)

    def __init__(self, model: nn.Module, *, pretrained: bool, weights_sha256: str | None,
                 channels_last: bool = True, fold_bn: bool = True,
                 device: Device | None = None) -> None:
        from semioscope.core.models.i3d import fold_batchnorm

        if fold_bn:
            fold_batchnorm(model.eval())
        super().__init__(model, pretrained=pretrained, weights_sha256=weights_sha256,
                         channels_last=channels_last, device=device)

    def timesteps(self, n_frames: int) -> int:
        from semioscope.core.models.i3d import i3d_timesteps

        return i3d_timesteps(n_frames)

    def _extract(self, clips: torch.Tensor) -> torch.Tensor:
        return self.model.extract_features(clips)  # type: ignore[operator, no-any-return]


class S3DBackbone(Backbone):
    """torchvision S3D with its own input normalisation; 60 frames -> 6 steps."""

    name = "s3d"
    weights = S3D_WEIGHTS

    @staticmethod
    def build(weights: Path | None) -> nn.Module:
        from semioscope.core.models.s3d import s3d

        return s3d(weights=weights)

    def timesteps(self, n_frames: int) -> int:
        from semioscope.core.models.s3d import s3d_timesteps

        return s3d_timesteps(n_frames)

    def _extract(self, clips: torch.Tensor) -> torch.Tensor:
        return self.model.extract_features(clips)  # type: ignore[operator, no-any-return]


#: every backbone, by name: its class builds the network and carries its weights' description
BUILDERS: dict[str, type[Backbone]] = {"i3d": I3DBackbone, "s3d": S3DBackbone}
BACKBONES = tuple(BUILDERS)


def load_backbone(name: str, weights: str | Path | None = None, *, allow_untrained: bool = False,
                  threads: int | None = None, seed: int = 0,
                  device: str | Device = "auto") -> Backbone:
    """The named backbone, ready for inference on ``device`` ("auto", "cpu", "cuda[:N]").

    ``weights`` None means the file fetched by ``semioscope models fetch NAME``; if there is none,
    ``allow_untrained`` gives seeded random weights (``pretrained=False``), else WeightsError.
    Random weights are drawn on the CPU, so a seed gives the same network on every device.
    """
    if name not in BACKBONES:
        raise WeightsError(name, f"unknown backbone; choose one of {', '.join(BACKBONES)}")
    target = device if isinstance(device, Device) else resolve_device(device)
    if target.kind == "cuda":
        # fp32 as on the CPU: TF32 would change features by ~1e-3, a silent change of numbers
        torch.backends.cudnn.allow_tf32 = False
        torch.backends.cuda.matmul.allow_tf32 = False
        torch.backends.cudnn.benchmark = True  # same clip shapes again and again
    if threads is not None:
        from semioscope.core.plans import check_threads

        check_threads(threads)   # torch crashes (SIGSEGV) on 100000
        torch.set_num_threads(threads)
    path = registry.find_weights(name, weights)
    started = time.monotonic()
    if path is None:
        if not allow_untrained:
            other = " (or `models import i3d`)" if name == "i3d" else ""
            raise WeightsError(name, f"no weights: run `semioscope models fetch {name}`{other} "
                                     "or pass --weights PATH (or --allow-untrained for a smoke "
                                     "test)")
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(seed)
            model = BUILDERS[name].build(None)
        sha: str | None = None
    else:
        model = BUILDERS[name].build(path)
        sha = file_sha256(path)
    backbone = BUILDERS[name](model, pretrained=path is not None, weights_sha256=sha, device=target)
    log.debug("loaded %s in %.2f s", backbone, time.monotonic() - started)
    return backbone
