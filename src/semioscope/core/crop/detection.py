"""What a detector returns and what the crop rule needs from it (no torch here).

The rule only looks at ``person`` and ``bed``; other COCO classes are kept with their names so a
reviewer can see what the model thought it saw (a chair mistaken for the bed, say).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

import numpy as np

from semioscope.core.geometry import Box

PERSON = "person"
BED = "bed"
#: COCO category indices as used by torchvision's detection models
COCO_PERSON = 1
COCO_BED = 65


@dataclass(frozen=True)
class Detection:
    """One detected object: a label, a confidence in [0, 1] and a box in source pixels."""

    label: str
    score: float
    box: Box

    def to_dict(self) -> dict[str, Any]:
        return {"label": self.label, "score": round(float(self.score), 6), "box": self.box.to_dict()}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Detection:
        return cls(str(data["label"]), float(data["score"]), Box.from_dict(data["box"]))


@runtime_checkable
class Detector(Protocol):
    """Anything that finds objects in one 8-bit RGB frame.

    ``weights_sha256`` identifies the weights (None when there are none), so a crop record says
    exactly which model produced it and a batch run can tell whether a record is still current.
    """

    name: str
    weights_sha256: str | None
    pretrained: bool

    def detect(self, rgb: np.ndarray) -> list[Detection]:
        """Detections in an ``(H, W, 3)`` uint8 frame, boxes in that frame's pixels."""
        ...
