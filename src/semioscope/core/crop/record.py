"""The crop record: the box, how it was made, and the evidence for it (docs/DEVELOPING.md).

A record keeps every frame's detections so a reviewer (or a later, better rule) can see why the
crop is where it is without running the model again. Records are immutable; a person's
correction is not a record but an edit of the one crop model (core/crop/editing.py).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from semioscope.core.atomic import write_json
from semioscope.core.crop.detection import Detection
from semioscope.core.crop.editing import Crop
from semioscope.core.crop.sidecar import from_record
from semioscope.core.geometry import Box
from semioscope.core.jsonfile import read_json
from semioscope.errors import SemioscopeError

FORMAT = "semioscope-crop/1"
SOURCES = ("auto", "manual")
STATUSES = ("ok", "needs_review")


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _software_version() -> str:
    from semioscope import __version__

    return __version__


@dataclass(frozen=True)
class DetectorInfo:
    name: str
    weights_sha256: str | None
    pretrained: bool


@dataclass(frozen=True)
class CropVideo:
    path: str
    sha256: str
    width: int
    height: int


@dataclass(frozen=True)
class FrameResult:
    """One examined frame: its detections (best first), the rule's box, and what it chose."""

    index: int
    time_s: float
    detections: tuple[Detection, ...]
    box: Box | None
    person: int | None = None   # index into detections of the chosen patient
    bed: int | None = None      # index into detections of the chosen bed
    agreement: float = 0.0      # IoU of this frame's box with the final crop

    def to_dict(self) -> dict[str, Any]:
        return {
            "index": self.index, "time_s": round(self.time_s, 6),
            "detections": [d.to_dict() for d in self.detections],
            "box": self.box.to_dict() if self.box else None,
            "person": self.person, "bed": self.bed, "agreement": round(self.agreement, 4),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FrameResult:
        box = data.get("box")
        return cls(int(data["index"]), float(data["time_s"]),
                   tuple(Detection.from_dict(d) for d in data.get("detections", [])),
                   Box.from_dict(box) if box else None,
                   _opt_int(data.get("person")), _opt_int(data.get("bed")),
                   float(data.get("agreement", 0.0)))


def _opt_int(value: Any) -> int | None:
    return None if value is None else int(value)


@dataclass(frozen=True)
class CropRecord:
    """A crop and its provenance; JSON via :meth:`to_dict`/:meth:`save`, back via :meth:`load`."""

    box: Box
    source: str
    status: str
    reasons: tuple[str, ...]
    detector: DetectorInfo
    frames: tuple[FrameResult, ...]
    video: CropVideo
    created: str = field(default_factory=utc_now)
    mapping: dict[str, Any] | None = None
    settings: dict[str, Any] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()
    software_version: str = field(default_factory=_software_version)

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    def matches(self, detector_name: str, weights_sha256: str | None, video_sha256: str) -> bool:
        """Whether this record came from the same detector and weights on the same video bytes."""
        return (self.detector.name == detector_name
                and self.detector.weights_sha256 == weights_sha256
                and self.video.sha256 == video_sha256)

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "box": self.box.to_dict(),
            "source": self.source,
            "status": self.status,
            "reasons": list(self.reasons),
            "detector": {"name": self.detector.name, "weights_sha256": self.detector.weights_sha256,
                         "pretrained": self.detector.pretrained},
            "frames": [f.to_dict() for f in self.frames],
            "video": {"path": self.video.path, "sha256": self.video.sha256,
                      "width": self.video.width, "height": self.video.height},
            "created": self.created,
            "mapping": self.mapping,
            "settings": dict(self.settings),
            "warnings": list(self.warnings),
            "software_version": self.software_version,
        }

    @classmethod
    def from_dict(cls, data: Any, subject: str = "crop record") -> CropRecord:
        """Parse a record; a malformed one raises :class:`SemioscopeError` naming ``subject``."""
        if not isinstance(data, dict):
            raise SemioscopeError(subject, "not a crop record (expected a JSON object)")
        try:
            detector, video = data["detector"], data["video"]
            record = cls(
                box=Box.from_dict(data["box"]),
                source=str(data["source"]),
                status=str(data["status"]),
                reasons=tuple(str(r) for r in data.get("reasons", [])),
                detector=DetectorInfo(str(detector["name"]), detector.get("weights_sha256"),
                                      bool(detector.get("pretrained", False))),
                frames=tuple(FrameResult.from_dict(f) for f in data.get("frames", [])),
                video=CropVideo(str(video["path"]), str(video["sha256"]), int(video["width"]),
                                int(video["height"])),
                created=str(data["created"]),
                mapping=data.get("mapping"),
                settings=dict(data.get("settings") or {}),
                warnings=tuple(str(w) for w in data.get("warnings", [])),
                software_version=str(data.get("software_version", "")),
            )
        except KeyError as exc:
            raise SemioscopeError(subject, f"not a crop record: missing {exc}") from None
        except (TypeError, ValueError, AttributeError) as exc:
            raise SemioscopeError(subject, f"not a crop record: {exc}") from None
        if record.source not in SOURCES:
            raise SemioscopeError(subject, f"unknown crop source {record.source!r}")
        if record.status not in STATUSES:
            raise SemioscopeError(subject, f"unknown crop status {record.status!r}")
        record.box.validate(record.video.width, record.video.height, subject=subject)
        return record

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the JSON atomically (never a half-written record)."""
        write_json(path, self.to_dict())

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> CropRecord:
        path = Path(path)
        data = read_json(path, "crop record")
        return cls.from_dict(data, subject=str(path))


def read_crop_file(path: str | os.PathLike[str]) -> Crop:
    """The crop a user hands us (``analyze --crop-file``, a manifest's ``crop_file``): a full
    record or a hand-written ``{"box": {...}}`` (then ``source`` is ``manual``). Only the box and
    its provenance are read; the detections, if any, are kept as evidence but not checked."""
    path = Path(path)
    data = read_json(path, "crop record")
    try:
        box = Box.from_dict(data["box"])
    except (KeyError, TypeError, ValueError):
        raise SemioscopeError(path, "not a crop record: needs box {x, y, w, h}") from None
    data = {**data, "source": data.get("source", "manual"), "box": box.to_dict(),
            "reasons": [str(r) for r in data.get("reasons") or []]}
    if data["source"] not in SOURCES:
        raise SemioscopeError(path, f"unknown crop source {data['source']!r} (auto or manual)")
    if str(data.get("status", "ok")) not in STATUSES:
        raise SemioscopeError(path, f"unknown crop status {data['status']!r}")
    return from_record(data)


def check_record_video(path: str | os.PathLike[str], video: str | os.PathLike[str], *,
                       allow_other: bool = False) -> str | None:
    """Refuse a crop record made for another video (its recorded SHA-256 differs) unless
    ``allow_other``; returns the note every result made with it then carries (None: same
    video, or a hand-written record that names none)."""
    from semioscope.core.hashing import file_sha256

    data = read_json(path, "crop record")
    recorded = data.get("video") if isinstance(data, dict) else None
    wanted = recorded.get("sha256") if isinstance(recorded, dict) else None
    if not isinstance(wanted, str) or not wanted:
        return None
    have = file_sha256(video)
    if have == wanted:
        return None
    if not allow_other:
        raise SemioscopeError(path, f"was made for another video (SHA-256 {wanted[:12]}..., "
                              f"this one is {have[:12]}...); pass --crop-file-for-other-video "
                              "to use its box anyway (the results say so)")
    return (f"crop record made for another video (SHA-256 {wanted[:12]}...), used on purpose "
            "(--crop-file-for-other-video)")
