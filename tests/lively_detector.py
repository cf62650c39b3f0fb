"""Random detector weights that find things: for agreement tests of converted detectors.

torchvision's random initialisation gives detectors whose activations vanish (MobileNet: about
1e-8 after the backbone), so every score falls under the 0.05 threshold and every comparison of
boxes is empty. Here each convolution and linear layer of a seeded random model is rescaled, in
one forward pass over a calibration frame, so its output has unit spread; then the person and
bed classes are favoured. The result is still a ``state_dict`` in the official format, with
varied boxes, labels and scores.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
from torch import nn

from semioscope.core.crop.detection import COCO_BED, COCO_PERSON


def _rescale_hook(module: nn.Module, _inputs: object, out: torch.Tensor) -> torch.Tensor | None:
    if getattr(module, "_rescaled", True):
        return None
    spread = (out.std() if out.numel() > 1 else out.abs().mean()).clamp_min(1e-12)
    with torch.no_grad():
        module.weight.div_(spread)
        if module.bias is not None:
            module.bias.div_(spread)
    module._rescaled = True  # type: ignore[assignment]
    return out / spread


def calibration_frame(seed: int = 5, size: tuple[int, int] = (424, 512)) -> np.ndarray:
    """An (H, W, 3) uint8 frame like a mapped IR frame: a dark room, warm smooth shapes."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:size[0], 0:size[1]].astype(np.float32)
    gray = np.full(size, 40.0, np.float32)
    for _ in range(6):
        cy, cx = rng.uniform(0, size[0]), rng.uniform(0, size[1])
        sy, sx = rng.uniform(10, size[0] / 3), rng.uniform(10, size[1] / 3)
        gray += rng.uniform(40, 160) * np.exp(-(((yy - cy) / sy) ** 2 + ((xx - cx) / sx) ** 2))
    gray += rng.normal(0, 4, size)
    return np.repeat(np.clip(gray, 0, 255).astype(np.uint8)[:, :, None], 3, axis=2)


def lively(model: nn.Module, *, frame: np.ndarray | None = None, person_bias: float = 2.0,
           bed_bias: float = 2.0) -> nn.Module:
    """``model`` (a torchvision detector in eval mode) with rescaled layers, in place.

    ``frame``: the (H, W, 3) uint8 calibration frame (default :func:`calibration_frame`).
    """
    layers = [m for m in model.modules() if isinstance(m, nn.Conv2d | nn.Linear)]
    hooks = []
    for layer in layers:
        layer._rescaled = False  # type: ignore[assignment]
        hooks.append(layer.register_forward_hook(_rescale_hook))
    rgb = calibration_frame() if frame is None else frame
    image = torch.from_numpy(np.ascontiguousarray(rgb)).permute(2, 0, 1).float() / 255.0
    try:
        with torch.no_grad():
            model([image])
    finally:
        for hook in hooks:
            hook.remove()
        for layer in layers:
            del layer._rescaled
    with torch.no_grad():
        bias = model.roi_heads.box_predictor.cls_score.bias  # type: ignore[union-attr]
        bias[COCO_PERSON] += person_bias
        bias[COCO_BED] += bed_bias
    return model


def save_lively_weights(name: str, path: Path, *, seed: int = 0, **kwargs: object) -> Path:
    """A weights file for ``name`` in the official format, lively (see the module docstring);
    ``kwargs`` go to :func:`lively`."""
    from semioscope.core.crop.detectors import build_model

    torch.save(lively(build_model(name, seed=seed), **kwargs).state_dict(), path)  # type: ignore[arg-type]
    return path
