"""Box arithmetic for the crop rule, on integer source-pixel :class:`Box` values.

Kept apart from the rule so every edge case (expansion past the frame, empty boxes) is tested on
its own. Empty boxes (zero or negative width or height) are ignored by :func:`union` and yield
``None`` from :func:`clip`, so a degenerate detection can never widen or shrink a crop.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import numpy as np

from semioscope.core.geometry import Box

#: the paper's margin: the merged person+bed box grows by 20% of its size in every direction
PAPER_MARGIN = 0.20


def is_empty(box: Box) -> bool:
    return box.w <= 0 or box.h <= 0


def from_xyxy(x1: float, y1: float, x2: float, y2: float) -> Box:
    """Integer box that contains the float corners (floor the start, ceil the end)."""
    left, top = math.floor(x1), math.floor(y1)
    return Box(left, top, math.ceil(x2) - left, math.ceil(y2) - top)


def union(boxes: Iterable[Box]) -> Box | None:
    """Smallest box containing every non-empty box; ``None`` when there is none."""
    real = [b for b in boxes if not is_empty(b)]
    if not real:
        return None
    x1, y1 = min(b.x for b in real), min(b.y for b in real)
    x2, y2 = max(b.x2 for b in real), max(b.y2 for b in real)
    return Box(x1, y1, x2 - x1, y2 - y1)


def intersection(a: Box, b: Box) -> Box | None:
    x1, y1 = max(a.x, b.x), max(a.y, b.y)
    x2, y2 = min(a.x2, b.x2), min(a.y2, b.y2)
    if x2 <= x1 or y2 <= y1:
        return None
    return Box(x1, y1, x2 - x1, y2 - y1)


def iou(a: Box, b: Box) -> float:
    """Intersection over union; 0 when either box is empty or they do not overlap."""
    if is_empty(a) or is_empty(b):
        return 0.0
    inter = intersection(a, b)
    if inter is None:
        return 0.0
    return inter.area / float(a.area + b.area - inter.area)


def expand(box: Box, fraction: float = PAPER_MARGIN) -> Box:
    """Grow by ``fraction`` of the width (left and right) and of the height (top and bottom)."""
    mx, my = round(fraction * box.w), round(fraction * box.h)
    return Box(box.x - mx, box.y - my, box.w + 2 * mx, box.h + 2 * my)


def clip(box: Box, width: int, height: int) -> Box | None:
    """The part of ``box`` inside a ``width`` x ``height`` frame; ``None`` if nothing is left.
    (A detection is cut to the frame; a person's box is kept whole and moved inside it by
    :func:`semioscope.core.crop.editing.clamp`.)"""
    return intersection(box, Box.full_frame(width, height))


def median_box(boxes: Sequence[Box]) -> Box:
    """Per-coordinate median of the corners: one outlier frame cannot move the crop."""
    if not boxes:
        raise ValueError("median_box needs at least one box")
    corners = np.array([[b.x, b.y, b.x2, b.y2] for b in boxes], dtype=np.float64)
    x1, y1, x2, y2 = np.median(corners, axis=0)
    # round outwards so the median of identical boxes is that box and halves never shrink it
    return from_xyxy(float(x1), float(y1), float(x2), float(y2))
