"""From the network's 224x224 input grid to source-frame pixels, and what the evidence lies on.

The preprocessing resized the crop (longest side 224) and padded it, centred, to 224x224
(:func:`~semioscope.core.preprocess.resize_geometry`). A map over that canvas is upsampled to
it, the padding is cut away, and what remains covers exactly the crop box in the source frame:
so a stored map is a small image plus the box it covers (its placement), never full frames.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from semioscope.core.geometry import Box
from semioscope.core.preprocess import INPUT_SIZE, resize_geometry

#: the stored map's longest side in cells (a 7x7 map carries no finer detail)
STORED_SIDE = 32


@dataclass(frozen=True)
class PlacedMap:
    """A map (rows, cols) in [0, 1] covering ``box`` of the source frame."""

    values: np.ndarray
    box: Box
    #: share of the map's mass on the crop itself, not on the black padding around it
    in_crop: float = 1.0

    def cell_centres(self) -> tuple[np.ndarray, np.ndarray]:
        """Source-pixel x of every column centre and y of every row centre."""
        rows, cols = self.values.shape
        xs = self.box.x + (np.arange(cols) + 0.5) * self.box.w / cols
        ys = self.box.y + (np.arange(rows) + 0.5) * self.box.h / rows
        return xs, ys

    def fraction_inside(self, region: Box) -> float | None:
        """Share of the map's mass whose cell centres lie inside ``region`` (None: no mass)."""
        total = float(self.values.sum())
        if total <= 0:
            return None
        xs, ys = self.cell_centres()
        inside_x = (xs >= region.x) & (xs < region.x2)
        inside_y = (ys >= region.y) & (ys < region.y2)
        return float(self.values[np.ix_(inside_y, inside_x)].sum() / total)

    def to_frame(self, width: int, height: int) -> np.ndarray:
        """The map drawn into a (height, width) frame, zero outside the box (pictures, tests)."""
        import cv2

        out = np.zeros((height, width), np.float32)
        b = self.box
        out[b.y:b.y2, b.x:b.x2] = cv2.resize(self.values.astype(np.float32), (b.w, b.h),
                                              interpolation=cv2.INTER_LINEAR)
        return out


def stored_shape(crop: Box, side: int = STORED_SIDE) -> tuple[int, int]:
    """(rows, cols) of a stored map over ``crop``: the crop's aspect, longest side ``side``."""
    scale = side / max(crop.w, crop.h)
    return max(1, round(crop.h * scale)), max(1, round(crop.w * scale))


def place(cam: np.ndarray, crop: Box, side: int = STORED_SIDE) -> PlacedMap:
    """A map over the 224x224 input -> the same map over the crop box, ``side`` cells long."""
    import torch  # here, not at the top: stored maps are read (GUI, report) without torch
    import torch.nn.functional as F

    new_w, new_h, left, top = resize_geometry(crop.w, crop.h, INPUT_SIZE)
    t = torch.as_tensor(np.asarray(cam, np.float32))[None, None]
    canvas = F.interpolate(t, size=(INPUT_SIZE, INPUT_SIZE), mode="bilinear",
                           align_corners=False)
    inner = canvas[:, :, top:top + new_h, left:left + new_w]
    total = float(canvas.sum())
    in_crop = float(inner.sum()) / total if total > 0 else 1.0
    rows, cols = stored_shape(crop, side)
    small = F.interpolate(inner, size=(rows, cols), mode="area")[0, 0].numpy()
    small = np.clip(small, 0.0, None)
    peak = float(small.max()) if small.size else 0.0
    return PlacedMap((small / peak if peak > 0 else small).astype(np.float32), crop,
                     min(1.0, max(0.0, in_crop)))


def subject_box(record: dict[str, Any]) -> Box | None:
    """The patient and bed (union of the best person and best bed detections, no margin) of a
    crop record, from the first examined frame that has both; None when none has."""
    for frame in record.get("frames", []) or []:
        best: dict[str, tuple[float, Box]] = {}
        for det in frame.get("detections", []) or []:
            label, score = str(det.get("label")), float(det.get("score", 0.0))
            if label in ("person", "bed") and (label not in best or score > best[label][0]):
                best[label] = (score, Box.from_dict(det["box"]))
        if len(best) == 2:
            a, b = best["person"][1], best["bed"][1]
            x, y = min(a.x, b.x), min(a.y, b.y)
            return Box(x, y, max(a.x2, b.x2) - x, max(a.y2, b.y2) - y)
    return None
