"""Grad-CAM (Selvaraju et al. 2017) over the backbone's last 3D feature map, through the LSTM.

The score explained is the classifier's output for the window's *predicted* class: P(TLE) for a
TLE window, 1 - P(TLE) for an FLE one. The last 3D map (I3D Mixed_5c, S3D ``features``: both
(1024, t, 7, 7) for a 224x224 clip) is what the analysis pools and scores; the map is computed
on those same pooled features (the pooling is re-done with gradients), so it explains exactly
the score shown. Per cell (h, w) of the 7x7 grid::

    evidence(h, w) = sum_t sum_c  w_c(t) * (A_c(t, h, w) - ref_c),    cam = ReLU(evidence)

- ``w_c(t)``: Grad-CAM's channel weight, the spatial average of the score's gradient, taken
  **per time slice** of the map. Averaging it over time as well (the plain 3D extension) cancels
  exactly what a motion classifier looks at: its gradient changes sign from step to step.
- ``ref``: the input the classifier treats as neutral. A classifier that standardises its
  inputs (``[model] standardise``, the demo's) maps its training windows' mean feature to 0, so
  that mean is its reference; for the others it is 0, plain Grad-CAM. With Grad-CAM's implicit
  zero reference a standardised classifier's map is swamped by ``sum_c w_c ref_c``, the same
  constant in every cell: measured on the demo's held-out seizure it was -0.008 to -0.016 while
  the cells differed from it by at most 0.005, so all 49 cells were negative in all 10 windows
  and only per-step fringes of 1e-5 to 5e-4 survived the ReLU (all of it on the padding in 4
  windows): noise, normalised into a picture (bench/RESULTS.md, #18). Taking the difference from a reference is DeepLIFT's rule
  (Shrikumar et al. 2017) and the baseline of integrated gradients (Sundararajan et al. 2017).
- The sum over time before the ReLU is each cell's net evidence over the window. Because the
  backbones average-pool the map, ``sum(evidence)`` over all cells is exactly the first-order
  estimate of score(window) - score(reference) (``WindowCam.net``): the map splits that among
  the cells.

Where the map lies on the black padding around the crop (every cell's receptive field covers
most of the input, so padding cells carry responses to the crop's edge), :func:`~semioscope.
core.explain.placement.place` cuts it to the crop before normalising and keeps the share that
fell outside (``in_crop``), so nothing is hidden.

Only the classifier is differentiated: the backbone's map is computed once without gradients,
so a window's saliency costs one backbone forward pass (which the analysis needs anyway) plus a
classifier forward and backward pass (milliseconds). So the backbone may run on OpenVINO: its IR
gives the map as a second output (:meth:`~semioscope.core.runtime.backbone.OpenVINOBackbone.
features_and_maps`), equal to torch's within 1e-4 relative (tests/core/runtime/).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

__all__ = ["LAYERS", "WindowCam", "feature_maps", "features_and_maps", "grad_cam",
           "grad_cam_at", "layer_maps", "layer_name", "layer_reference", "pool_maps",
           "reference_features"]

#: the I3D end points :func:`grad_cam_at` can explain, earliest first: Mixed_4f (832 channels,
#: 14x14 cells of 16 px on the 224 input, t = T/4), Mixed_5b and Mixed_5c (7x7 cells of 32 px,
#: t = T/8). Mixed_5c is what the analysis pools and scores.
LAYERS = ("Mixed_4f", "Mixed_5b", "Mixed_5c")


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
        return _openvino_features_and_maps(backbone, clips)[1]
    return _torch_maps(backbone, clips)


def _torch_maps(backbone: Any, clips: torch.Tensor) -> torch.Tensor:
    model = backbone.model
    device = getattr(getattr(backbone, "device", None), "torch_device", "cpu")
    x = clips.to(device=device, dtype=torch.float32).contiguous(
        memory_format=backbone.memory_format)
    with torch.inference_mode():
        if backbone.name == "i3d":
            y = model.trunk(x)
        else:
            from semioscope.core.models.s3d import extend_clip

            x = extend_clip(x)
            if x.shape[1] == 1:
                x = x.expand(-1, 3, -1, -1, -1)
            y = model.features(model.normalise(x))
    return y.to("cpu").contiguous()


def features_and_maps(backbone: Any, clips: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """The features the analysis scores ``(N, T', F)`` and the map they pool, one backbone pass.

    On OpenVINO both come from the IR (its features are the ones an analysis without saliency
    scores, so saliency changes no score); on torch the map is pooled as :func:`pool_maps` does.
    """
    if getattr(backbone, "runtime", "torch") != "torch":
        return _openvino_features_and_maps(backbone, clips)
    maps = _torch_maps(backbone, clips)
    with torch.inference_mode():
        return pool_maps(maps).contiguous(), maps


def _openvino_features_and_maps(backbone: Any,
                                clips: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
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
    #: the unrectified map's sum: first-order estimate of score - score(reference)
    net: float = 0.0


def reference_features(classifier: Any) -> torch.Tensor | None:
    """The feature vector the classifier treats as neutral (its standardisation mean), or None
    for a classifier without standardisation (reference 0: plain Grad-CAM)."""
    if getattr(getattr(classifier, "config", None), "standardise", False):
        return classifier.feature_mean.detach().float()
    return None


def grad_cam(classifier: Any, maps: torch.Tensor, threshold: float = 0.5,
             steps: int | None = None) -> WindowCam:
    """Grad-CAM of one window's map ``(F, t, h, w)`` (or ``(1, F, t, h, w)``); the features
    are padded to ``steps``, by default the classifier's input steps (its backbone's)."""
    return _cam(maps, pool_maps, classifier, reference_features(classifier), threshold, steps)


def _i3d_stages(backbone: Any) -> list[tuple[str, Any]]:
    """The torch I3D's trunk as (name, module) in forward order (what ``trunk`` runs)."""
    if getattr(backbone, "name", "") != "i3d" or getattr(backbone, "runtime", "torch") != "torch":
        raise ValueError("per-layer Grad-CAM needs the torch I3D backbone")
    return [(n, m) for n, m in backbone.model.named_children() if n not in ("logits", "dropout")]


def layer_maps(backbone: Any, clips: torch.Tensor,
               layers: tuple[str, ...] = LAYERS) -> dict[str, torch.Tensor]:
    """The maps of the named I3D end points for ``(N, 3, T, 224, 224)`` clips, one pass without
    gradients; ``layer_maps(...)["Mixed_5c"]`` equals :func:`feature_maps` (tested)."""
    unknown = [name for name in layers if name not in LAYERS]
    if unknown:
        raise ValueError(f"unknown layer {unknown[0]!r}; choose from {', '.join(LAYERS)}")
    device = getattr(getattr(backbone, "device", None), "torch_device", "cpu")
    x = clips.to(device=device, dtype=torch.float32).contiguous(
        memory_format=backbone.memory_format)
    out: dict[str, torch.Tensor] = {}
    with torch.inference_mode():
        for name, module in _i3d_stages(backbone):
            x = module(x)
            if name in layers:
                out[name] = x.to("cpu").contiguous()
            if len(out) == len(layers):
                break
    return out


def layer_reference(maps: list[torch.Tensor]) -> torch.Tensor:
    """Per-channel mean of one layer's maps ``(C, t, h, w)`` (or ``(1, C, ...)``) over windows,
    cells and time: at Mixed_5c this is what a standardising classifier's mean is (the mean of
    the pooled features over its training windows), so given training windows it is the same
    kind of neutral input at an earlier layer."""
    flat = [m.reshape(m.shape[-4], -1).double() for m in maps]
    return (torch.cat(flat, dim=1).mean(dim=1)).float()


def grad_cam_at(backbone: Any, classifier: Any, maps: torch.Tensor, layer: str,
                reference: torch.Tensor | None = None, threshold: float = 0.5,
                steps: int | None = None) -> WindowCam:
    """Grad-CAM of one window at an earlier I3D end point ``layer`` (see :data:`LAYERS`).

    ``maps`` is that layer's map ``(C, t, h, w)``; the rest of the trunk (up to Mixed_5c), the
    pooling and the classifier are run with gradients, and the map is formed as in
    :func:`grad_cam`: channel weights per time slice of *this* layer, activations relative to
    ``reference`` (a per-channel vector, e.g. :func:`layer_reference` over training windows;
    None: zero, plain Grad-CAM). At Mixed_5c with the classifier's reference this is exactly
    :func:`grad_cam` (tested). Why: the 7x7 grid of Mixed_5c has 32-pixel cells whose receptive
    fields cover most of the input, too coarse to say which limb moved; Mixed_4f has 16-pixel
    cells. Costs the tail of the backbone forward and backward (about a second on a CPU).
    """
    stages = _i3d_stages(backbone)
    names = [n for n, _ in stages]
    if layer not in LAYERS:
        raise ValueError(f"unknown layer {layer!r}; choose from {', '.join(LAYERS)}")
    tail = [m for _, m in stages[names.index(layer) + 1:]]

    def rest_of_trunk(a: torch.Tensor) -> torch.Tensor:
        y = a.contiguous(memory_format=backbone.memory_format)
        for module in tail:
            y = module(y)
        return pool_maps(y)

    return _cam(maps, rest_of_trunk, classifier, reference, threshold, steps)


def _cam(maps: torch.Tensor, to_features: Callable[[torch.Tensor], torch.Tensor],
         classifier: Any, reference: torch.Tensor | None, threshold: float,
         steps: int | None) -> WindowCam:
    """The one Grad-CAM computation: ``to_features`` turns the layer's map into the pooled
    features the classifier scores; the map is channel weights per time slice times the
    activations relative to ``reference`` (None: zero), rectified and normalised."""
    from semioscope.core.models.classifier import pad_features

    if maps.ndim == 4:
        maps = maps[None]
    with torch.inference_mode(False), torch.enable_grad():
        a = maps.detach().clone().float().requires_grad_(True)   # a normal (non-inference) leaf
        feats = to_features(a)[0]
        x = pad_features(feats, steps or classifier.config.steps)[None]
        classifier.eval()
        p = classifier(x).reshape(-1)[0]
        target = "TLE" if float(p.detach()) >= threshold else "FLE"
        score = p if target == "TLE" else 1.0 - p
        (grad,) = torch.autograd.grad(score, a)
    weights = grad[0].mean(dim=(2, 3))                            # (C, t): per time slice
    acts = a.detach()[0]
    if reference is not None:
        acts = acts - reference.to(acts)[:, None, None, None]
    evidence = torch.einsum("ct,cthw->hw", weights, acts)         # net over the window
    cam = torch.relu(evidence).numpy().astype(np.float32)
    peak = float(cam.max()) if cam.size else 0.0
    if peak > 0 and np.isfinite(peak):
        cam = cam / peak
    else:
        cam = np.zeros_like(cam)
        peak = 0.0
    return WindowCam(cam, peak, float(p.detach()), target, float(evidence.sum()))
