"""Export a torchvision crop detector (Mask R-CNN boxes, Faster R-CNN MobileNet) to fp32 IR.

The whole detector is traced, its preprocessing (scale to [0, 1], normalise, resize to the
model's short side), anchors, box decoding, NMS and the resize of the boxes back to the frame
included: OpenVINO's PyTorch frontend has translators for torchvision's ``nms`` and
``roi_align``, and torchvision computes the resize from the input's shape in a traceable way, so
one IR takes frames of any size. The IR's input is the detector's own input, one ``(H, W, 3)``
uint8 RGB frame, so the clinician runtime feeds it a frame as it is, without torch. Only the box
branch is exported (the crop never uses masks).
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import torch
from torch import nn

from semioscope.core.crop.detectors import TorchvisionDetector, coco_categories, load_detector
from semioscope.core.runtime.ov import import_openvino

__all__ = ["DETECTOR_IR", "convert_detector", "export_detector"]

DETECTOR_IR = "detector.xml"
#: the frame the trace runs on (any size works afterwards): 424 x 512, the Kinect's IR frame
EXAMPLE_SIZE = (424, 512)


class _FrameDetector(nn.Module):
    """One uint8 (H, W, 3) frame -> (boxes (N, 4) x1y1x2y2, labels (N,), scores (N,))."""

    def __init__(self, model: nn.Module) -> None:
        super().__init__()
        self.model = model

    def forward(self, rgb: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        image = rgb.permute(2, 0, 1).to(torch.float32) / 255.0  # as TorchvisionDetector.detect
        out = self.model([image])[0]
        return out["boxes"], out["labels"], out["scores"]


def _example_frame(height: int, width: int) -> torch.Tensor:
    """A smooth frame with a bright blob: the trace must run through non-empty detections."""
    ys = torch.linspace(-1, 1, height)[:, None]
    xs = torch.linspace(-1, 1, width)[None, :]
    gray = (255 * torch.exp(-(xs**2 + ys**2) * 3)).to(torch.uint8)
    return gray[:, :, None].expand(height, width, 3).contiguous()


def convert_detector(model: nn.Module) -> Any:
    """The ``openvino.Model`` of a torchvision detector in eval mode (see the module docstring)."""
    ov = import_openvino()
    wrapper = _FrameDetector(model).eval()
    example = _example_frame(*EXAMPLE_SIZE)
    with torch.no_grad(), warnings.catch_warnings():
        # torchvision's detection code warns at length while it is traced; the agreement tests
        # (every frame size against the torch path) are what says the trace is right
        warnings.simplefilter("ignore")
        converted = ov.convert_model(wrapper, example_input=example,
                                     input=[(ov.PartialShape([-1, -1, 3]), ov.Type.u8)])
    for output, name in zip(converted.outputs, ("boxes", "labels", "scores"), strict=True):
        output.get_tensor().set_names({name})
    return converted


def export_detector(name: str, folder: Path, *, weights: Path | None = None,
                    allow_untrained: bool = False, min_size: int | None = None,
                    threads: int | None = None) -> dict[str, Any]:
    """Load ``name`` as ``semioscope crop`` would, write ``folder/detector.xml`` + ``.bin``
    (fp32) and return the manifest's detector entry (what the runtime needs without torch)."""
    ov = import_openvino()
    detector = load_detector(name, weights, allow_untrained=allow_untrained, threads=threads,
                             min_size=min_size)
    assert isinstance(detector, TorchvisionDetector)
    before = torch.get_num_threads()
    if threads:
        torch.set_num_threads(threads)
    try:
        converted = convert_detector(detector.model)
    finally:
        torch.set_num_threads(before)
    folder.mkdir(parents=True, exist_ok=True)
    ov.save_model(converted, str(folder / DETECTOR_IR), compress_to_fp16=False)
    transform: Any = detector.model.transform
    return {
        "name": name, "ir": DETECTOR_IR, "pretrained": bool(detector.pretrained),
        "weights_sha256": detector.weights_sha256, "warnings": list(detector.warnings),
        "min_size": int(transform.min_size[0]), "max_size": int(transform.max_size),
        "categories": coco_categories(),
    }
