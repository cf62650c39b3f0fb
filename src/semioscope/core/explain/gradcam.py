"""Grad-CAM (Selvaraju et al. 2017) over the backbone's last 3D feature map, through the LSTM.

The score explained is the classifier's output for the window's *predicted* class: P(TLE) for a
TLE window, 1 - P(TLE) for an FLE one. Its gradient with respect to the last 3D map (I3D
Mixed_5c, S3D ``features``: both (1024, t, 7, 7) for a 224x224 clip) is averaged per channel
over time and space (the channel weights), the weighted sum of the channels is rectified per
time step and averaged over time: one (7, 7) map of where, in the 224x224 network input, the
evidence for the verdict lies. The map is computed on the same pooled features the analysis
scores (the pooling is re-done with gradients), so it explains exactly the score shown.

Only the classifier is differentiated: the backbone's map is computed once without gradients,
so a window's saliency costs one backbone forward pass (which the analysis needs anyway) plus a
classifier forward and backward pass (milliseconds). So the backbone may run on OpenVINO: its IR
gives the map as a second output (:meth:`~semioscope.core.runtime.backbone.OpenVINOBackbone.
features_and_maps`), equal to torch's within 1e-4 relative (tests/core/runtime/).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

__all__ = ["WindowCam", "feature_maps", "features_and_maps", "grad_cam", "layer_name",
           "pool_maps"]


def layer_name(backbone: Any) -> str:
    """The name of the map explained, for provenance."""
    return "Mixed_5c" if getattr(backbone, "name", "") == "i3d" else "features (last block)"


def feature_maps(backbone: Any, clips: torch.Tensor) -> torch.Tensor:
    """``(N, 3, T, 224, 224)`` in [-1, 1] -> the last 3D map ``(N, 1024, t, h, w)``, no gradients.

    The same computation as ``backbone.features`` before its average pooling (checked in the
    tests: ``pool_maps(feature_maps(x)) == features(x)``). An OpenVINO backbone gives the map
    of its IR's second output.
    """
    if getattr(backbone, "runtime", "torch") != "torch":
        return features_and_maps(backbone, clips)[1]
    model = backbone.model
    device = getattr(getattr(backbone, "device", None), "torch_device", "cpu")
    x = clips.to(device=device, dtype=torch.float32).contiguous(
        memory_format=backbone.memory_format)
    with torch.inference_mode():
        if backbone.name == "i3d":
            y = model.trunk(x)
        else:
            from semioscope.core.models.s3d import S3D_MIN_FRAMES

            if x.shape[2] < S3D_MIN_FRAMES:
                tail = x[:, :, -1:].expand(-1, -1, S3D_MIN_FRAMES - x.shape[2], -1, -1)
                x = torch.cat([x, tail], dim=2)
            if x.shape[1] == 1:
                x = x.expand(-1, 3, -1, -1, -1)
            y = model.features(model.normalise(x))
    return y.to("cpu").contiguous()


def features_and_maps(backbone: Any, clips: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """The features the analysis scores ``(N, T', F)`` and the map they pool, one backbone pass.

    On OpenVINO both come from the IR (its features are the ones an analysis without saliency
    scores, so saliency changes no score); on torch the map is pooled as :func:`pool_maps` does.
    """
    if getattr(backbone, "runtime", "torch") == "torch":
        maps = feature_maps(backbone, clips)
        with torch.inference_mode():
            return pool_maps(maps).contiguous(), maps
    x = clips.detach().to("cpu", torch.float32).numpy()
    wanted = getattr(backbone, "channels", 3)
    if x.shape[1] != wanted:    # the gray IR takes one of the RGB copy's equal channels
        x = x[:, :1] if wanted == 1 else np.repeat(x, wanted, axis=1)
    feats, maps = backbone.features_and_maps(x)
    return torch.from_numpy(feats), torch.from_numpy(maps)


def pool_maps(maps: torch.Tensor) -> torch.Tensor:
    """The backbones' (2, 7, 7) stride-1 average pool: ``(N, C, t, h, w)`` -> ``(N, t-1, C)``."""
    kernel = (2, min(7, maps.shape[3]), min(7, maps.shape[4]))
    y = F.avg_pool3d(maps, kernel, stride=1)
    return y.mean(dim=(3, 4)).transpose(1, 2)


@dataclass(frozen=True)
class WindowCam:
    """One window's Grad-CAM on the network's input grid (rows, cols), before placement."""

    cam: np.ndarray          # (h, w) float32 >= 0, max 1 (all 0: no positive evidence)
    peak: float              # the unnormalised maximum (0: nothing supports the verdict)
    p_tle: float             # the score explained, recomputed from the map
    target: str              # "TLE" or "FLE"


def grad_cam(classifier: Any, maps: torch.Tensor, threshold: float = 0.5,
             steps: int | None = None) -> WindowCam:
    """Grad-CAM of one window's map ``(F, t, h, w)`` (or ``(1, F, t, h, w)``); the features
    are padded to ``steps``, by default the classifier's input steps (its backbone's)."""
    from semioscope.core.models.classifier import pad_features

    if maps.ndim == 4:
        maps = maps[None]
    with torch.inference_mode(False), torch.enable_grad():
        a = maps.detach().clone().float().requires_grad_(True)   # a normal (non-inference) leaf
        feats = pool_maps(a)[0]
        x = pad_features(feats, steps or classifier.config.steps)[None]
        classifier.eval()
        p = classifier(x).reshape(-1)[0]
        target = "TLE" if float(p.detach()) >= threshold else "FLE"
        score = p if target == "TLE" else 1.0 - p
        (grad,) = torch.autograd.grad(score, a)
    weights = grad[0].mean(dim=(1, 2, 3))                         # (C,)
    cam_t = torch.relu(torch.einsum("c,cthw->thw", weights, a.detach()[0]))
    cam = cam_t.mean(dim=0).numpy().astype(np.float32)
    peak = float(cam.max()) if cam.size else 0.0
    if peak > 0 and np.isfinite(peak):
        cam = cam / peak
    else:
        cam = np.zeros_like(cam)
        peak = 0.0
    return WindowCam(cam, peak, float(p.detach()), target)
