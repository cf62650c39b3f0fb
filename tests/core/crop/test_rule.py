"""The paper's rule on one frame and our multi-frame decision with its review reasons."""

from __future__ import annotations

from semioscope.core.crop.detection import Detection
from semioscope.core.crop.rule import combine, paper_rule
from semioscope.core.geometry import Box
from tests.core.crop.helpers import covers

W, H = 200, 160
BED = Box(40, 80, 100, 50)
PERSON = Box(60, 60, 60, 40)


def dets(person: float | None = 0.9, bed: float | None = 0.9, *extra: Detection) -> list[Detection]:
    out = [Detection("chair", 0.95, Box(0, 0, 20, 20)), *extra]
    if person is not None:
        out.append(Detection("person", person, PERSON))
    if bed is not None:
        out.append(Detection("bed", bed, BED))
    return out


def decide(frames: list[list[Detection]]):
    choices = [paper_rule(d, W, H) for d in frames]
    return combine(choices, frames, W, H)


def test_rule_is_union_plus_twenty_percent_and_picks_the_best_boxes():
    weak_bed = Detection("bed", 0.3, Box(0, 0, 200, 160))
    choice = paper_rule(dets(0.9, 0.8, weak_bed), W, H)
    # union of person and bed: (40, 60)-(140, 130), w 100, h 70 -> +20 / +14 each side
    assert choice.box == Box(20, 46, 140, 98)
    assert covers(choice.box, PERSON) and covers(choice.box, BED)


def test_all_frames_agree_is_ok():
    decision = decide([dets() for _ in range(5)])
    assert decision.status == "ok" and decision.reasons == ()
    assert decision.box == Box(20, 46, 140, 98)
    assert decision.agreement == (1.0,) * 5


def test_missing_bed_everywhere_falls_back_to_the_full_frame():
    decision = decide([dets(bed=None) for _ in range(5)])
    assert decision.status == "needs_review"
    assert set(decision.reasons) == {"no_bed", "full_frame"}
    assert decision.box == Box(0, 0, W, H)


def test_missing_person_in_most_frames():
    decision = decide([dets(person=None)] * 3 + [dets()] * 2)
    assert "no_person" in decision.reasons and "full_frame" in decision.reasons
    assert "no_bed" not in decision.reasons


def test_one_frame_without_a_bed_does_not_need_review():
    decision = decide([dets(bed=None)] + [dets()] * 4)
    assert decision.status == "ok"


def test_weak_detections_are_low_confidence():
    decision = decide([dets(0.35, 0.3) for _ in range(3)])
    assert decision.reasons == ("low_confidence",)


def test_frames_that_disagree_are_unstable():
    corners = [(0, 0), (110, 0), (0, 80), (110, 80), (55, 40)]  # person+bed pairs, each elsewhere
    frames = [[Detection("person", 0.9, Box(x + 10, y + 5, 50, 30)),
               Detection("bed", 0.9, Box(x + 5, y + 20, 70, 40))] for x, y in corners]
    decision = decide(frames)
    assert "unstable" in decision.reasons
    assert decision.status == "needs_review"
    assert sum(a >= 0.7 for a in decision.agreement) <= 2


def test_tiny_or_thin_crop_is_implausible():
    tiny = [Detection("person", 0.9, Box(10, 10, 8, 8)), Detection("bed", 0.9, Box(12, 12, 8, 8))]
    assert "implausible" in decide([tiny] * 3).reasons
    thin = [Detection("person", 0.9, Box(0, 10, 150, 4)), Detection("bed", 0.9, Box(0, 12, 190, 4))]
    assert "implausible" in decide([thin] * 3).reasons


def test_several_people_choose_the_one_on_the_bed():
    nurse = Detection("person", 0.97, Box(150, 0, 40, 100))  # more confident, off the bed
    frames = [dets(0.9, 0.9, nurse) for _ in range(3)]
    choice = paper_rule(frames[0], W, H)
    assert frames[0][choice.person].box == PERSON
    decision = decide(frames)
    assert "several_people" in decision.reasons
    assert not covers(decision.box, nurse.box)


def test_a_single_frame_is_enough():
    assert decide([dets()]).status == "ok"
