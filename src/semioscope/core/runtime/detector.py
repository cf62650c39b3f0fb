"""The crop detector on OpenVINO: the torch detector's interface, numpy in and out, no torch.

Loads the IR written by :mod:`semioscope.core.export.detector`; what the crop record says about
the detector (name, weights hash, pretrained, warnings) and the COCO class names come from the
pack's manifest, so a record made here names the same model as one made by the torch path.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from semioscope.core.crop.detection import Detection
from semioscope.core.crop.detectors import parse_outputs
from semioscope.core.runtime.ov import compile_ir

__all__ = ["OpenVINODetector"]


class OpenVINODetector:
    """A compiled detector IR: one ``(H, W, 3)`` uint8 frame -> detections, best first."""

    runtime = "openvino"

    def __init__(self, xml: str | Path, *, name: str, weights_sha256: str | None,
                 pretrained: bool, categories: list[str], warnings: list[str] | None = None,
                 threads: int | None = None) -> None:
        self.name = name
        self.weights_sha256 = weights_sha256
        self.pretrained = pretrained
        self.categories = list(categories)
        self.warnings = list(warnings or [])
        self._request = compile_ir(Path(xml), threads=threads).create_infer_request()

    @classmethod
    def from_entry(cls, folder: Path, entry: dict[str, Any], *,
                   threads: int | None = None) -> OpenVINODetector:
        """The detector of a pack's manifest ``entry`` (files in ``folder``)."""
        return cls(folder / entry["ir"], name=str(entry["name"]),
                   weights_sha256=entry.get("weights_sha256"),
                   pretrained=bool(entry.get("pretrained")), categories=entry["categories"],
                   warnings=entry.get("warnings"), threads=threads)

    def raw(self, rgb: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The network's own outputs: boxes (N, 4) x1y1x2y2 in float pixels, labels, scores."""
        if rgb.ndim != 3 or rgb.shape[2] != 3 or rgb.dtype != np.uint8:
            raise ValueError(f"expected an (H, W, 3) uint8 frame, got {rgb.shape} {rgb.dtype}")
        self._request.infer({0: np.ascontiguousarray(rgb)})
        boxes, labels, scores = (np.array(self._request.get_output_tensor(i).data, copy=True)
                                 for i in range(3))
        return boxes.reshape(-1, 4), labels.reshape(-1), scores.reshape(-1)

    def detect(self, rgb: np.ndarray) -> list[Detection]:
        height, width = rgb.shape[:2]
        return parse_outputs(*self.raw(rgb), self.categories, width, height)
