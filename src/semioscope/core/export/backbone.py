"""Export a loaded torch backbone (I3D or S3D) to fp32 OpenVINO IR for the clinician runtime.

I3D needs its SAME padding rebuilt in the graph (:mod:`semioscope.core.export.i3d`). S3D pads by
constants (torchvision's symmetric padding), so one trace fits every length; only clips shorter
than 13 frames are lengthened, which the runtime does before inference (``extend_to``).

Both IRs have two outputs: the features ``(N, T', 1024)`` and the last 3D map they pool
``(N, 1024, t, h, w)`` (I3D Mixed_5c, S3D ``features``), so Grad-CAM runs over OpenVINO too.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from semioscope.core.models.backbone import Backbone
from semioscope.core.models.timesteps import S3D_LAYER_MIN_FRAMES
from semioscope.core.runtime.ov import import_openvino

__all__ = ["convert_backbone", "export_backbone"]


class _S3DHead(nn.Module):
    """S3D's normalise -> features -> mean over H, W -> average of step pairs: (N, T', 1024),
    and the map before that mean (N, 1024, t, h, w)."""

    def __init__(self, model: nn.Module) -> None:
        super().__init__()
        self.model = model

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        y = self.model.features(self.model.normalise(x))  # type: ignore[operator]
        pooled = F.avg_pool3d(y.mean(dim=(3, 4), keepdim=True), (2, 1, 1), stride=1)
        return pooled.flatten(2).transpose(1, 2), y


def input_channels(backbone: Backbone) -> int:
    """1 when the backbone takes the gray clip as such (I3D), else 3 (RGB)."""
    return 1 if getattr(backbone, "accepts_gray", False) else 3


def convert_backbone(backbone: Backbone, *, size: int = 224) -> Any:
    """The ``openvino.Model`` computing ``backbone.features`` (output 0) and the last 3D map
    (output 1) for any clip length."""
    if backbone.name == "i3d":
        from semioscope.core.export.i3d import convert_i3d

        return convert_i3d(backbone.model, size=size, channels=input_channels(backbone))
    ov = import_openvino()
    head = _S3DHead(copy.deepcopy(backbone.model).to(memory_format=torch.contiguous_format))
    example = torch.zeros(1, 3, S3D_LAYER_MIN_FRAMES + 3, size, size)
    with torch.no_grad():
        return ov.convert_model(head.eval(), example_input=example,
                                input=[ov.PartialShape([-1, 3, -1, -1, -1])])


def export_backbone(backbone: Backbone, folder: Path, *, size: int = 224) -> dict[str, Any]:
    """Write ``folder/<name>.xml`` + ``.bin`` (fp32); return the manifest's backbone entry."""
    ov = import_openvino()
    folder.mkdir(parents=True, exist_ok=True)
    xml = folder / f"{backbone.name}.xml"
    ov.save_model(convert_backbone(backbone, size=size), str(xml), compress_to_fp16=False)
    return {
        "name": backbone.name, "ir": xml.name, "pretrained": bool(backbone.pretrained),
        "weights_sha256": backbone.weights_sha256,
        "extend_to": S3D_LAYER_MIN_FRAMES if backbone.name == "s3d" else None,
        "channels": input_channels(backbone),
    }
