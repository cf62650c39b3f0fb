"""The paper's crop rule on one frame, and our combination over several frames with reasons.

Paper (section 3.3.1): the highest-confidence person box and the highest-confidence bed box, their
union, expanded by 20% of its width and height in every direction. Ours on top:

* the expanded box is clipped to the frame;
* when two or more confident people are seen (a nurse, a parent), the patient is taken to be the
  confident person whose box overlaps the chosen bed most (not simply the most confident one),
  and the record says ``several_people`` so someone checks;
* the rule runs on several frames and the crop is the per-coordinate median of the per-frame
  boxes; frames that disagree with it make the record ``unstable``;
* anything doubtful sets ``needs_review`` with a reason; without a usable box the crop is the full
  frame (as the paper did for its 4 failures), marked ``full_frame``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from statistics import median
from typing import Any

from semioscope.core.crop.boxes import (
    clip,
    expand,
    intersection,
    iou,
    is_empty,
    median_box,
    union,
)
from semioscope.core.crop.detection import BED, PERSON, Detection
from semioscope.core.geometry import Box

REASONS = ("no_bed", "no_person", "low_confidence", "unstable", "implausible",
           "several_people", "full_frame")


@dataclass(frozen=True)
class RuleSettings:
    """Thresholds of the rule and of the review flags (recorded in every crop record)."""

    margin: float = 0.20            # the paper's +20% in every direction
    min_score: float = 0.2          # weaker detections are recorded but never chosen
    confident: float = 0.5          # best person/bed below this: low_confidence
    agree_iou: float = 0.7          # a frame agrees with the crop at this IoU or more
    min_area_share: float = 0.10    # a crop smaller than this share of the frame: implausible
    max_aspect: float = 4.0         # w/h (or h/w) above this: implausible

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RuleSettings:
        known = {k: float(v) for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**known)


@dataclass(frozen=True)
class FrameChoice:
    """What the rule picked on one frame (indices into that frame's detections)."""

    box: Box | None
    person: int | None
    bed: int | None
    confident_people: int


@dataclass(frozen=True)
class Decision:
    box: Box
    status: str
    reasons: tuple[str, ...]
    agreement: tuple[float, ...]   # IoU of each frame's box with the crop (0 when it had none)


def _best(detections: Sequence[Detection], label: str, min_score: float) -> list[int]:
    found = [i for i, d in enumerate(detections)
             if d.label == label and d.score >= min_score and not is_empty(d.box)]
    return sorted(found, key=lambda i: detections[i].score, reverse=True)


def choose_patient(detections: Sequence[Detection], people: list[int], bed: int | None,
                   confident: float) -> int | None:
    """The most confident person, or, among several confident people, the one on the bed."""
    if not people:
        return None
    sure = [i for i in people if detections[i].score >= confident]
    if bed is None or len(sure) < 2:
        return people[0]
    bed_box = detections[bed].box

    def on_bed(i: int) -> tuple[int, float]:
        inter = intersection(detections[i].box, bed_box)
        return (inter.area if inter else 0, detections[i].score)

    return max(sure, key=on_bed)


def paper_rule(detections: Sequence[Detection], width: int, height: int,
               settings: RuleSettings | None = None) -> FrameChoice:
    """One frame: union of the chosen person and bed, +margin, clipped; no box if one is missing."""
    s = settings or RuleSettings()
    people = _best(detections, PERSON, s.min_score)
    beds = _best(detections, BED, s.min_score)
    bed = beds[0] if beds else None
    person = choose_patient(detections, people, bed, s.confident)
    sure = sum(1 for i in people if detections[i].score >= s.confident)
    box = None
    if person is not None and bed is not None:
        merged = union([detections[person].box, detections[bed].box])
        box = clip(expand(merged, s.margin), width, height) if merged else None
    return FrameChoice(box, person, bed, sure)


def combine(choices: Sequence[FrameChoice], detections: Sequence[Sequence[Detection]],
            width: int, height: int, settings: RuleSettings | None = None) -> Decision:
    """The crop from several frames' choices, with its status and the reasons for review."""
    s = settings or RuleSettings()
    n = len(choices)
    if n == 0:
        raise ValueError("combine needs at least one frame")
    reasons: list[str] = []
    no_bed = sum(c.bed is None for c in choices)
    no_person = sum(c.person is None for c in choices)
    if 2 * no_bed >= n:
        reasons.append("no_bed")
    if 2 * no_person >= n:
        reasons.append("no_person")
    boxes = [c.box for c in choices if c.box is not None]
    if not boxes or (n > 1 and 2 * len(boxes) <= n):
        if not reasons:  # failures split between the two kinds: name both
            reasons += ["no_bed"] if no_bed else []
            reasons += ["no_person"] if no_person else []
        reasons.append("full_frame")
        full = Box.full_frame(width, height)
        agreement = tuple(iou(c.box, full) if c.box else 0.0 for c in choices)
        return Decision(full, "needs_review", tuple(reasons), agreement)
    crop = median_box(boxes)
    agreement = tuple(iou(c.box, crop) if c.box else 0.0 for c in choices)
    agreeing = sum(1 for a, c in zip(agreement, choices, strict=True)
                   if c.box is not None and a >= s.agree_iou)
    if len(boxes) > 1 and 2 * agreeing <= len(boxes):
        reasons.append("unstable")
    scores = [min(dets[c.person].score, dets[c.bed].score)
              for c, dets in zip(choices, detections, strict=True)
              if c.box is not None and c.person is not None and c.bed is not None]
    if scores and median(scores) < s.confident:
        reasons.append("low_confidence")
    if 2 * sum(c.confident_people >= 2 for c in choices) >= n:
        reasons.append("several_people")
    aspect = crop.w / crop.h
    if crop.area < s.min_area_share * width * height or not (
            1.0 / s.max_aspect <= aspect <= s.max_aspect):
        reasons.append("implausible")
    return Decision(crop, "needs_review" if reasons else "ok", tuple(reasons), agreement)
