"""The crop part of the review window's per-video sidecar (``core/video_state.py``), defined here.

Format (unchanged since STATE_VERSION 1)::

    {"box": {x,y,w,h}, "source": "auto" | "manual" | "full-frame", "status": "ok" | "needs_review",
     "reasons": [...], "auto_box": {x,y,w,h} | null, "record": {crop record JSON} | {}}

``box`` is the crop in force and ``auto_box`` what "reset to automatic" returns to.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from semioscope.core.crop.editing import Crop
from semioscope.core.geometry import Box


def to_sidecar(crop: Crop) -> dict[str, Any]:
    """The review sidecar's crop dict (the review window has no ``unusable``)."""
    box = crop.box
    return {"box": None if box is None else box.to_dict(), "source": crop.source,
            "status": crop.record_status, "reasons": list(crop.reasons),
            "auto_box": None if crop.auto_box is None else crop.auto_box.to_dict(),
            "record": crop.record}


def from_sidecar(data: dict[str, Any], frame: tuple[int, int] | None = None) -> Crop:
    """Read :func:`to_sidecar`'s dict back (``frame`` = the video's (width, height))."""
    record = dict(data.get("record") or {})
    source = str(data.get("source", "auto"))
    auto = data.get("auto_box")
    box = Box.from_dict(data["box"])
    manual = source == "manual"
    auto_status = str(record.get("status", "ok")) if manual else str(data.get("status", "ok"))
    reasons = record.get("reasons", ()) if manual else data.get("reasons", ())
    return Crop(auto_box=None if auto is None else Box.from_dict(auto), auto_status=auto_status,
                reasons=tuple(str(r) for r in reasons), manual_box=box if manual else None,
                frame=frame, record=record,
                full_frame=source == "full-frame" or record.get("source") == "full-frame")


def from_record(record: dict[str, Any], frame: tuple[int, int] | None = None) -> Crop:
    """A detector's crop record (Crop record JSON) as the crop to review."""
    box = Box.from_dict(record["box"])
    crop = Crop(auto_box=box, auto_status=str(record.get("status", "ok")),
                reasons=tuple(str(r) for r in record.get("reasons", ())), frame=frame,
                record=dict(record))
    return replace(crop, manual_box=box) if record.get("source") == "manual" else crop


def full_frame(width: int, height: int, reason: str) -> Crop:
    """No detector box (no weights, detector failed): the whole frame, flagged for review."""
    box = Box.full_frame(width, height)
    record = {"box": box.to_dict(), "source": "full-frame", "status": "needs_review",
              "reasons": [reason]}
    return Crop(auto_box=box, auto_status="needs_review", reasons=(reason,),
                frame=(width, height), full_frame=True, record=record)
