"""Plain values read from and written to a project (no SQL here): videos, crop states, audit.

The crop edits themselves are pure functions from one :class:`CropState` to the next, so the
GUI's undo commands, the CLI import and the tests all compute an edit the same way and the store
only has to write the resulting state.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from semioscope.core.geometry import Box
from semioscope.errors import SemioscopeError

#: statuses a person set; a batch crop never touches them
HUMAN_STATUSES = ("corrected", "unusable")
#: statuses exported as confirmed crops
CONFIRMED_STATUSES = ("ok", "corrected")


def box_text(box: Box | None) -> str | None:
    return None if box is None else f"{box.x},{box.y},{box.w},{box.h}"


def parse_box(text: str | None, subject: str = "crop") -> Box | None:
    if not text:
        return None
    try:
        x, y, w, h = (int(v) for v in text.split(","))
    except ValueError:
        raise SemioscopeError(subject, f"box {text!r} is not X,Y,W,H in pixels") from None
    return Box(x, y, w, h)


@dataclass(frozen=True)
class CropState:
    """The editable part of a crop: what a person can change and what undo puts back."""

    status: str = "not_cropped"
    manual_box: Box | None = None
    unusable_reason: str | None = None


@dataclass(frozen=True)
class VideoRow:
    """One video as the dataset table shows it (videos + crops + spans joined)."""

    id: int
    path: str
    sha256: str
    size: int
    patient_id: str
    seizure_id: str
    label: str
    frames: int | None
    fps: float | None
    width: int | None
    height: int | None
    status: str
    reasons: tuple[str, ...]     # the detector's reasons for review
    auto_box: Box | None
    auto_status: str | None
    manual_box: Box | None
    unusable_reason: str | None
    detector: str | None
    weights_sha256: str | None
    user: str | None
    updated: str | None
    onset_s: float | None = None
    offset_s: float | None = None

    @property
    def box(self) -> Box | None:
        """The crop in force: the person's box if there is one, else the automatic one."""
        return self.manual_box or self.auto_box

    @property
    def crop_state(self) -> CropState:
        return CropState(self.status, self.manual_box, self.unusable_reason)

    @property
    def name(self) -> str:
        return self.path.replace("\\", "/").rsplit("/", 1)[-1]


@dataclass(frozen=True)
class AuditEntry:
    id: int
    time: str
    user: str
    table: str
    row_id: int
    field: str
    old: str | None
    new: str | None


def _clamp(box: Box, width: int | None, height: int | None) -> Box:
    w = max(1, box.w if width is None else min(box.w, width))
    h = max(1, box.h if height is None else min(box.h, height))
    x = max(0, box.x if width is None else min(box.x, width - w))
    y = max(0, box.y if height is None else min(box.y, height - h))
    return Box(x, y, w, h)


def accepted(row: VideoRow) -> CropState:
    """A person confirms the box in force: status ``corrected`` with that box kept as theirs."""
    box = row.box
    if box is None:
        raise SemioscopeError(row.seizure_id, "nothing to accept: the video has no crop yet")
    return CropState("corrected", box, None)


def with_box(row: VideoRow, box: Box) -> CropState:
    """A person's own box (kept inside the frame when its size is known)."""
    return CropState("corrected", _clamp(box, row.width, row.height), None)


def nudged(row: VideoRow, dx: int = 0, dy: int = 0, dw: int = 0, dh: int = 0) -> CropState:
    """Move by ``dx, dy`` and grow by ``dw, dh`` pixels (no box yet: start from the full frame)."""
    box = row.box
    if box is None:
        if not row.width or not row.height:
            raise SemioscopeError(row.seizure_id, "no crop and no frame size to start one from")
        box = Box.full_frame(row.width, row.height)
    return with_box(row, Box(box.x + dx, box.y + dy, box.w + dw, box.h + dh))


def unusable(row: VideoRow, reason: str) -> CropState:
    reason = reason.strip()
    if not reason:
        raise SemioscopeError(row.seizure_id, "say why the video is unusable")
    return CropState("unusable", row.manual_box, reason)


def automatic(row: VideoRow) -> CropState:
    """Back to what the detector said (or ``not_cropped`` when it has not run)."""
    return CropState(row.auto_status or "not_cropped", None, None)


def state_to_columns(state: CropState) -> dict[str, Any]:
    return {"status": state.status, "manual_box": box_text(state.manual_box),
            "unusable_reason": state.unusable_reason}
