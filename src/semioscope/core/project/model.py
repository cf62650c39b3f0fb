"""Plain values read from and written to a project (no SQL here): videos, audit entries.

A row's crop is the one crop model of :mod:`semioscope.core.crop.editing` (``VideoRow.crop``);
its edits are that module's pure functions, and the store writes the result
(:meth:`ProjectStore.write_crop`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from semioscope.core.crop.editing import Crop
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
    detector_pretrained: bool | None = None   # from the automatic crop's record (None: none)

    @property
    def box(self) -> Box | None:
        """The crop in force (the crop model's rule: the person's box, else the automatic one)."""
        return self.crop.box

    @property
    def frame(self) -> tuple[int, int] | None:
        return (self.width, self.height) if self.width and self.height else None

    @property
    def crop(self) -> Crop:
        """This video's crop as both windows edit it."""
        return Crop(auto_box=self.auto_box, auto_status=self.auto_status or "not_cropped",
                    reasons=self.reasons, manual_box=self.manual_box,
                    unusable_reason=self.unusable_reason, frame=self.frame,
                    subject=self.seizure_id)

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


def crop_columns(crop: Crop) -> dict[str, Any]:
    """The ``crops`` columns a person's edit changes."""
    return {"status": crop.status, "manual_box": box_text(crop.manual_box),
            "unusable_reason": crop.unusable_reason}
