"""The one crop model: edits, the one clamp and minimum size, statuses, badges, the sidecar format."""

from __future__ import annotations

import pytest

from semioscope.core.crop import sidecar
from semioscope.core.crop.editing import (
    AUTOMATIC,
    CORRECTED,
    MIN_SIZE,
    STATUS_COLOURS,
    STATUSES,
    Crop,
    accepted,
    badge,
    clamp,
    nudged,
    reset,
    unusable,
    with_box,
)
from semioscope.core.geometry import Box
from semioscope.errors import SemioscopeError

FRAME = (120, 96)
AUTO = Crop(auto_box=Box(10, 20, 50, 40), auto_status="needs_review", reasons=("unstable",),
            frame=FRAME, subject="sz1")


def test_clamp_keeps_the_box_in_the_frame_with_one_minimum_size():
    assert clamp(Box(-5, -3, 30, 20), FRAME) == Box(0, 0, 30, 20)
    assert clamp(Box(110, 90, 30, 20), FRAME) == Box(90, 76, 30, 20)
    assert clamp(Box(10, 10, 2, 0), FRAME) == Box(10, 10, MIN_SIZE, MIN_SIZE)
    assert clamp(Box(10, 10, 500, 500), FRAME) == Box(0, 0, 120, 96)
    assert clamp(Box(0, 0, 20, 20), (5, 4)) == Box(0, 0, 5, 4)   # never larger than the frame
    assert clamp(Box(-2, 3, 1, 100), None) == Box(0, 3, MIN_SIZE, 100)   # size unknown


def test_nudge_moves_and_resizes_from_the_box_in_force():
    moved = nudged(AUTO, dx=3, dy=-1)
    assert moved.box == Box(13, 19, 50, 40)
    assert (moved.origin, moved.status, moved.auto_box) == (CORRECTED, "corrected", AUTO.box)
    grown = nudged(moved, dw=-2, dh=5)
    assert grown.box == Box(13, 19, 48, 45)
    assert nudged(AUTO, dx=-100).box == Box(0, 20, 50, 40)           # stops at the edge
    assert nudged(AUTO, dw=-100).box.w == MIN_SIZE                   # and at the minimum


def test_nudge_without_a_box_starts_from_the_full_frame_or_says_why():
    empty = Crop(frame=FRAME, subject="sz2")
    assert empty.status == "not_cropped" and empty.box is None
    assert nudged(empty, dx=-4, dw=-10).box == Box(0, 0, 110, 96)
    with pytest.raises(SemioscopeError, match="sz2: no crop and no frame size"):
        nudged(Crop(subject="sz2"), dx=1)


def test_accept_reset_unusable():
    ok = accepted(AUTO)
    assert (ok.box, ok.origin, ok.status) == (AUTO.box, CORRECTED, "corrected")
    assert accepted(ok) == ok
    with pytest.raises(SemioscopeError, match="nothing to accept"):
        accepted(Crop(subject="x"))
    bad = unusable(nudged(AUTO, dx=1), "  blanket over patient ")
    assert (bad.status, bad.unusable_reason, bad.box) == ("unusable", "blanket over patient",
                                                           Box(11, 20, 50, 40))
    with pytest.raises(SemioscopeError, match="say why"):
        unusable(AUTO, " ")
    back = reset(bad)
    assert back == AUTO and back.origin == AUTOMATIC and back.status == "needs_review"
    assert with_box(bad, Box(1, 1, 20, 20)).status == "corrected"    # a new box: usable again


def test_record_words_and_badges_for_every_status():
    assert (AUTO.source, AUTO.record_status) == ("auto", "needs_review")
    assert (accepted(AUTO).source, accepted(AUTO).record_status) == ("manual", "ok")
    crops = {"not_cropped": Crop(frame=FRAME), "ok": Crop(Box(1, 1, 9, 9), "ok"),
             "needs_review": AUTO, "corrected": accepted(AUTO),
             "unusable": unusable(AUTO, "dark")}
    for status, crop in crops.items():
        assert crop.status == status
        text, shown = badge(crop)
        assert shown == status and shown in STATUS_COLOURS and text
    assert set(crops) == set(STATUSES) == set(STATUS_COLOURS)
    assert badge(AUTO) == ("auto crop — needs review: unstable", "needs_review")
    assert badge(accepted(AUTO))[0] == "crop corrected by reviewer"


def test_sidecar_round_trip_and_the_format_written_before_the_crop_model():
    record = {"box": {"x": 10, "y": 20, "w": 50, "h": 40}, "source": "auto",
              "status": "needs_review", "reasons": ["unstable"]}
    crop = sidecar.from_record(record, FRAME)
    fixed = nudged(crop, dx=2)
    assert sidecar.from_sidecar(sidecar.to_sidecar(fixed), FRAME) == fixed
    assert sidecar.to_sidecar(fixed) == {
        "box": {"x": 12, "y": 20, "w": 50, "h": 40}, "source": "manual", "status": "ok",
        "reasons": ["unstable"], "auto_box": record["box"], "record": record}
    # what the review window's own CropState class wrote (STATE_VERSION 1) reads the same
    old = {"box": {"x": 12, "y": 20, "w": 50, "h": 40}, "source": "manual", "status": "ok",
           "reasons": ["unstable"], "auto_box": {"x": 10, "y": 20, "w": 50, "h": 40},
           "record": record}
    assert sidecar.from_sidecar(old, FRAME) == fixed
    assert reset(sidecar.from_sidecar(old, FRAME)).status == "needs_review"
    full = sidecar.full_frame(*FRAME, "no_detector_weights")
    again = sidecar.from_sidecar(sidecar.to_sidecar(full), FRAME)
    assert again == full and again.source == "full-frame" and again.box == Box(0, 0, *FRAME)
