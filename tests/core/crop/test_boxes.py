"""Box arithmetic of the crop rule: union, the paper's +20%, clipping at every edge, empties."""

from __future__ import annotations

import pytest

from semioscope.core.crop.boxes import (
    clip,
    expand,
    from_xyxy,
    intersection,
    iou,
    median_box,
    union,
)
from semioscope.core.geometry import Box
from tests.core.crop.helpers import covers


def test_union_spans_both_boxes_and_ignores_empty_ones():
    a, b = Box(10, 20, 30, 40), Box(50, 5, 10, 10)
    assert union([a, b]) == Box(10, 5, 50, 55)
    assert union([a, Box(500, 500, 0, 10), Box(0, 0, 10, -3)]) == a
    assert union([Box(1, 1, 0, 0)]) is None
    assert union([]) is None


def test_expand_adds_twenty_percent_of_width_and_height_on_every_side():
    grown = expand(Box(100, 50, 50, 100))  # 20% of 50 = 10, of 100 = 20
    assert grown == Box(90, 30, 70, 140)
    assert expand(Box(0, 0, 10, 10), 0.0) == Box(0, 0, 10, 10)


@pytest.mark.parametrize(("box", "expected"), [
    (Box(-5, 10, 20, 20), Box(0, 10, 15, 20)),     # left edge
    (Box(10, -7, 20, 20), Box(10, 0, 20, 13)),     # top edge
    (Box(90, 10, 20, 20), Box(90, 10, 10, 20)),    # right edge (frame 100 wide)
    (Box(10, 70, 20, 20), Box(10, 70, 20, 10)),    # bottom edge (frame 80 high)
    (Box(-10, -10, 200, 200), Box(0, 0, 100, 80)),  # every edge
    (Box(10, 10, 20, 20), Box(10, 10, 20, 20)),    # inside: unchanged
])
def test_clip_at_each_edge(box: Box, expected: Box):
    assert clip(box, 100, 80) == expected


def test_clip_outside_or_empty_gives_none():
    assert clip(Box(100, 10, 5, 5), 100, 80) is None   # touches the right edge from outside
    assert clip(Box(-20, 10, 20, 5), 100, 80) is None  # ends exactly at x=0
    assert clip(Box(10, 10, 0, 5), 100, 80) is None


def test_expanded_union_near_a_corner_is_clipped_into_the_frame():
    person, bed = Box(0, 0, 40, 30), Box(10, 20, 60, 50)
    crop = clip(expand(union([person, bed])), 80, 64)
    assert crop == Box(0, 0, 80, 64)  # union (0,0,70,70) grows past the frame on every side


def test_iou_and_intersection():
    a, b = Box(0, 0, 10, 10), Box(5, 0, 10, 10)
    assert intersection(a, b) == Box(5, 0, 5, 10)
    assert iou(a, b) == pytest.approx(50 / 150)
    assert iou(a, a) == 1.0
    assert iou(a, Box(20, 20, 5, 5)) == 0.0
    assert iou(a, Box(0, 0, 0, 10)) == 0.0


def test_from_xyxy_contains_the_float_box():
    box = from_xyxy(1.2, 2.7, 10.1, 20.0)
    assert box == Box(1, 2, 10, 18)
    assert covers(box, Box(2, 3, 8, 17))


def test_median_box_ignores_one_outlier():
    same = Box(10, 10, 40, 30)
    assert median_box([same, same, Box(0, 0, 100, 100)]) == same
    assert median_box([Box(0, 0, 10, 10), Box(2, 2, 10, 10)]) == Box(1, 1, 10, 10)
    with pytest.raises(ValueError):
        median_box([])
