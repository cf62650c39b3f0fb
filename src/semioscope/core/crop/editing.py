"""The one crop model both windows edit, and the pure edit functions on it (no Qt, no storage).

A :class:`Crop` is what the detector proposed (``auto_box``, ``auto_status``, ``reasons``) plus
what a person decided (``manual_box``, ``unusable_reason``). Every edit (a drag, a nudge, accept,
reset, unusable) is a function from one ``Crop`` to the next, so the review window, the dataset
window, the CLI and the tests compute an edit the same way; each window's undo command only
stores the result (the review sidecar through :mod:`semioscope.core.video_state`, a project in
SQLite through :class:`semioscope.core.project.ProjectStore`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from semioscope.core.geometry import Box
from semioscope.errors import SemioscopeError

#: who made the box in force
AUTOMATIC, CORRECTED = "automatic", "corrected"
#: the one smallest crop side, in source pixels, for every edit in every window
MIN_SIZE = 8
#: pixels per arrow key; with Shift the step is :data:`BIG_STEP_PX`
STEP_PX, BIG_STEP_PX = 1, 10
#: every crop status, as the dataset table, the project and the badges name it
STATUSES = ("ok", "needs_review", "corrected", "unusable", "not_cropped")
#: one colour per status, shared by the badge of both windows and the dataset table
STATUS_COLOURS = {"not_cropped": "#555555", "ok": "#2e7d32", "needs_review": "#b35c00",
                  "corrected": "#1565c0", "unusable": "#a00000"}
NO_WEIGHTS_TEXT = "no detector weights — full frame; drag to set crop"


def clamp(box: Box, frame: tuple[int, int] | None, min_size: int = MIN_SIZE) -> Box:
    """Keep ``box`` inside a ``(width, height)`` frame and at least ``min_size`` on a side
    (never larger than the frame); with no frame size only the minimum and x, y >= 0 hold."""
    if frame is None:
        return Box(max(box.x, 0), max(box.y, 0), max(box.w, min_size), max(box.h, min_size))
    width, height = frame
    w = min(max(box.w, min_size), width)
    h = min(max(box.h, min_size), height)
    return Box(min(max(box.x, 0), width - w), min(max(box.y, 0), height - h), w, h)


@dataclass(frozen=True)
class Crop:
    """A video's crop: the detector's proposal and a person's decision on it."""

    auto_box: Box | None = None
    auto_status: str = "not_cropped"        # ok | needs_review | not_cropped (no detector run)
    reasons: tuple[str, ...] = ()           # the detector's reasons for review
    manual_box: Box | None = None           # a person's box (drag, nudge, accept)
    unusable_reason: str | None = None
    frame: tuple[int, int] | None = None    # (width, height) of the video when known
    full_frame: bool = False                # the automatic box is the whole frame (no detection)
    given: bool = False                     # the box was typed in (``analyze --crop X,Y,W,H``)
    subject: str = field(default="crop", compare=False)        # names the video in messages
    record: dict[str, Any] = field(default_factory=dict, compare=False)  # detector's evidence

    @property
    def box(self) -> Box | None:
        """The crop in force: the person's box if there is one, else the automatic one."""
        return self.manual_box or self.auto_box

    @property
    def origin(self) -> str:
        return CORRECTED if self.manual_box is not None else AUTOMATIC

    @property
    def status(self) -> str:
        if self.unusable_reason:
            return "unusable"
        return "corrected" if self.manual_box is not None else self.auto_status

    @property
    def source(self) -> str:
        """The word crop records and the results JSON store (``auto | manual | full-frame``;
        ``given`` for a box typed on the command line, which only results record)."""
        if self.manual_box is not None:
            return "given" if self.given else "manual"
        return "full-frame" if self.full_frame else "auto"

    @property
    def record_status(self) -> str:
        """``ok | needs_review`` as crop records and the results JSON store it."""
        return "needs_review" if self.status in ("needs_review", "not_cropped", "unusable") \
            else "ok"


def given_crop(box: Box) -> Crop:
    """A box the user typed (``analyze --crop``): in force as it is, named in its errors."""
    return Crop(manual_box=box, given=True, subject=f"crop {box}")


def with_box(crop: Crop, box: Box) -> Crop:
    """A person's own box (a drag), kept inside the frame and at least :data:`MIN_SIZE`."""
    return replace(crop, manual_box=clamp(box, crop.frame), unusable_reason=None)


def nudged(crop: Crop, dx: int = 0, dy: int = 0, dw: int = 0, dh: int = 0) -> Crop:
    """Move by ``dx, dy`` and grow by ``dw, dh`` pixels (no box yet: start from the full frame)."""
    box = crop.box
    if box is None:
        if crop.frame is None:
            raise SemioscopeError(crop.subject, "no crop and no frame size to start one from")
        box = Box.full_frame(*crop.frame)
    return with_box(crop, Box(box.x + dx, box.y + dy, box.w + dw, box.h + dh))


def accepted(crop: Crop) -> Crop:
    """A person confirms the box in force: it becomes theirs (``corrected``)."""
    if crop.box is None:
        raise SemioscopeError(crop.subject, "nothing to accept: the video has no crop yet")
    return replace(crop, manual_box=crop.box, unusable_reason=None)


def reset(crop: Crop) -> Crop:
    """Back to what the detector said (or ``not_cropped`` when it has not run)."""
    return replace(crop, manual_box=None, unusable_reason=None)


def unusable(crop: Crop, reason: str) -> Crop:
    """The video cannot be used; the person's box (if any) is kept for the record."""
    reason = reason.strip()
    if not reason:
        raise SemioscopeError(crop.subject, "say why the video is unusable")
    return replace(crop, unusable_reason=reason)


def badge(crop: Crop) -> tuple[str, str]:
    """(text, status) of the badge over the video, the same in both windows."""
    status, reasons = crop.status, ", ".join(crop.reasons)
    if status == "corrected":
        return "crop corrected by reviewer", status
    if status == "unusable":
        return f"unusable: {crop.unusable_reason}", status
    if status == "not_cropped":
        return "not cropped yet: run Crop all, or nudge a box from the full frame", status
    if crop.full_frame:
        if "no_detector_weights" in crop.reasons:
            return NO_WEIGHTS_TEXT, "needs_review"
        return f"full frame ({reasons}); drag to set crop", "needs_review"
    if status == "needs_review":
        return "auto crop — needs review" + (f": {reasons}" if reasons else ""), status
    return "auto crop", status
