"""A semiology event: what the patient did, when, on which side, as one reviewer marked it.

Events are the reviewer's observations, not inputs of the analysis: adding, moving or deleting one
never changes ``Results.inputs``, so it never makes scores stale. Times are seconds from the start
of the video (the file's time, as BIDS onsets are); "time from clinical onset" is derived where it
is shown. A point event has ``duration_s`` None (written to BIDS as duration 0).
"""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass, field, replace
from typing import Any

from semioscope.errors import SemioscopeError


def new_id() -> str:
    return uuid.uuid4().hex


@dataclass(frozen=True)
class SemiologyEvent:
    onset_s: float
    term: str                          # a vocabulary term name ("clonic")
    duration_s: float | None = None    # None = a point event
    laterality: str = ""               # "", left, right, bilateral, axial, generalised
    body_part: str = ""                # "" or a vocabulary body part ("arm")
    note: str = ""
    reviewer: str = ""
    id: str = field(default_factory=new_id)

    def __post_init__(self) -> None:
        if not math.isfinite(self.onset_s) or self.onset_s < 0:
            raise SemioscopeError(None, f"event onset {self.onset_s!r} s must be 0 or later")
        if self.duration_s is not None and (not math.isfinite(self.duration_s)
                                            or self.duration_s <= 0):
            raise SemioscopeError(None, f"event duration {self.duration_s!r} s must be more than "
                                  "0 (a point event has none)")
        if not self.term:
            raise SemioscopeError(None, "an event needs a term")

    @property
    def end_s(self) -> float:
        return self.onset_s + (self.duration_s or 0.0)

    @property
    def is_point(self) -> bool:
        return self.duration_s is None

    def moved(self, onset_s: float) -> SemiologyEvent:
        return replace(self, onset_s=max(0.0, onset_s))

    def ended(self, end_s: float) -> SemiologyEvent:
        """This event made an interval ending at ``end_s`` (a point again if not after onset)."""
        length = end_s - self.onset_s
        return replace(self, duration_s=length if length > 1e-6 else None)

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "onset_s": self.onset_s, "duration_s": self.duration_s,
                "term": self.term, "laterality": self.laterality, "body_part": self.body_part,
                "note": self.note, "reviewer": self.reviewer}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SemiologyEvent:
        duration = data.get("duration_s")
        return cls(onset_s=float(data["onset_s"]), term=str(data["term"]),
                   duration_s=None if duration is None else float(duration),
                   laterality=str(data.get("laterality") or ""),
                   body_part=str(data.get("body_part") or ""), note=str(data.get("note") or ""),
                   reviewer=str(data.get("reviewer") or ""), id=str(data.get("id") or new_id()))


def chronological(events: tuple[SemiologyEvent, ...] | list[SemiologyEvent]
                  ) -> tuple[SemiologyEvent, ...]:
    """The sequence as read: by onset, then by term (ties stay put across saves)."""
    return tuple(sorted(events, key=lambda e: (e.onset_s, e.term, e.id)))


def events_to_list(events: tuple[SemiologyEvent, ...]) -> list[dict[str, Any]]:
    return [e.to_dict() for e in chronological(events)]


def events_from_list(data: list[dict[str, Any]] | None) -> tuple[SemiologyEvent, ...]:
    return chronological([SemiologyEvent.from_dict(d) for d in (data or [])])


def without_reviewers(events: tuple[SemiologyEvent, ...]) -> tuple[SemiologyEvent, ...]:
    """The events de-identified: the times and terms kept, who marked them dropped."""
    return tuple(replace(e, reviewer="") for e in events)


def since_onset(event: SemiologyEvent, clinical_onset_s: float | None) -> float:
    """Seconds from the clinical onset (the span's start), or from the video's start."""
    return event.onset_s - (clinical_onset_s or 0.0)


def format_since(seconds: float) -> str:
    """"+12.4 s" / "−3.0 s": the sign of the rounded value, so -0.04 reads +0.0."""
    rounded = round(seconds, 1)
    sign = "−" if rounded < 0 else "+"
    return f"{sign}{abs(rounded):.1f} s"
