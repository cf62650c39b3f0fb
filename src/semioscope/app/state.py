"""Typed, observable state of the one open video; widgets mirror it, undo commands change it.

Setting a value emits a Qt signal and saves the reviewer's decisions (crop, span, results) at once
to the video's sidecar in the data folder (never beside the source video).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Any

from PySide6.QtCore import QObject, Signal

from semioscope.core.geometry import Box
from semioscope.core.results import WindowIndex
from semioscope.core.video.base import VideoProperties
from semioscope.core.video.mapping import IntensityMapping
from semioscope.core.video_state import VideoState, load_state, save_state

NO_WEIGHTS_TEXT = "no detector weights — full frame; drag to set crop"


@dataclass(frozen=True)
class CropState:
    """The crop shown and used: ``source`` is auto, manual (corrected) or full-frame."""

    box: Box
    source: str = "auto"
    status: str = "ok"
    reasons: tuple[str, ...] = ()
    auto_box: Box | None = None          # what "reset to automatic" returns to
    record: dict[str, Any] = field(default_factory=dict, compare=False)  # detector's record

    def with_manual_box(self, box: Box) -> CropState:
        return replace(self, box=box, source="manual", status="ok")

    def reset(self) -> CropState:
        """Back to the automatic box (or the full frame when there is none)."""
        if self.auto_box is None:
            return self
        source = "full-frame" if self.record.get("source") == "full-frame" else "auto"
        return replace(self, box=self.auto_box, source=source,
                       status=str(self.record.get("status", "ok")),
                       reasons=tuple(self.record.get("reasons", ())))

    @property
    def badge(self) -> tuple[str, str]:
        """(text, level) for the badge; level is ok | review | corrected."""
        if self.source == "manual":
            return "crop corrected by reviewer", "corrected"
        if self.source == "full-frame":
            if "no_detector_weights" in self.reasons:
                return NO_WEIGHTS_TEXT, "review"
            return "full frame (" + ", ".join(self.reasons) + "); drag to set crop", "review"
        if self.status == "needs_review":
            return "auto crop — needs review: " + ", ".join(self.reasons), "review"
        return "auto crop", "ok"

    def to_dict(self) -> dict[str, Any]:
        return {"box": self.box.to_dict(), "source": self.source, "status": self.status,
                "reasons": list(self.reasons),
                "auto_box": None if self.auto_box is None else self.auto_box.to_dict(),
                "record": self.record}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CropState:
        auto = data.get("auto_box")
        return cls(Box.from_dict(data["box"]), str(data.get("source", "auto")),
                   str(data.get("status", "ok")), tuple(data.get("reasons", ())),
                   None if auto is None else Box.from_dict(auto), dict(data.get("record") or {}))

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> CropState:
        """From a crop record dict (Crop record JSON)."""
        box = Box.from_dict(record["box"])
        return cls(box, str(record.get("source", "auto")), str(record.get("status", "ok")),
                   tuple(record.get("reasons", ())), box, dict(record))

    @classmethod
    def full_frame(cls, width: int, height: int, reason: str) -> CropState:
        box = Box.full_frame(width, height)
        record = {"box": box.to_dict(), "source": "full-frame", "status": "needs_review",
                  "reasons": [reason]}
        return cls(box, "full-frame", "needs_review", (reason,), box, record)


def window_index(results: dict[str, Any], fps: float, n_frames: int) -> WindowIndex:
    """Frame/time -> window in O(1) for these results (built once per results)."""
    return WindowIndex(list(results.get("windows", [])), fps, n_frames)


def start_frame(index: WindowIndex, pos: int) -> int:
    """First source frame of window ``pos`` (the one a click on its bar seeks to)."""
    return max(0, math.ceil(float(index.starts[pos]) * index.fps - 1e-6))


class VideoSession(QObject):
    """One open video: its facts, the current frame and the reviewer's decisions."""

    frameChanged = Signal(int)
    cropChanged = Signal()
    spanChanged = Signal()
    resultsChanged = Signal()
    identified = Signal()   # the content hash is known (state restored)

    def __init__(self, properties: VideoProperties, mapping: IntensityMapping) -> None:
        super().__init__()
        self.properties = properties
        self.mapping = mapping
        self.sha256: str | None = None
        self._frame = 0
        self._crop: CropState | None = None
        self._span: tuple[float, float] = (0.0, properties.duration_s)
        self._results: dict[str, Any] | None = None
        self.lookup: WindowIndex | None = None

    # -- facts -------------------------------------------------------------------------------
    @property
    def n_frames(self) -> int:
        return self.properties.frames

    @property
    def fps(self) -> float:
        return self.properties.fps

    def time_of(self, frame: int) -> float:
        return frame / self.fps

    def frame_of(self, seconds: float) -> int:
        return self.clamp(int(round(seconds * self.fps)))

    def clamp(self, frame: int) -> int:
        return max(0, min(int(frame), self.n_frames - 1))

    # -- current frame -----------------------------------------------------------------------
    @property
    def frame(self) -> int:
        return self._frame

    def set_frame(self, frame: int) -> None:
        frame = self.clamp(frame)
        if frame != self._frame:
            self._frame = frame
            self.frameChanged.emit(frame)

    # -- decisions ---------------------------------------------------------------------------
    @property
    def crop(self) -> CropState | None:
        return self._crop

    def set_crop(self, crop: CropState | None) -> None:
        self._crop = crop
        self.cropChanged.emit()
        self.persist()

    @property
    def span(self) -> tuple[float, float]:
        return self._span

    @property
    def span_is_whole_video(self) -> bool:
        return self._span == (0.0, self.properties.duration_s)

    def set_span(self, onset_s: float, offset_s: float) -> None:
        self._span = (float(onset_s), float(offset_s))
        self.spanChanged.emit()
        self.persist()

    @property
    def results(self) -> dict[str, Any] | None:
        return self._results

    def set_results(self, results: dict[str, Any] | None) -> None:
        self._results = results
        self.lookup = None if results is None else window_index(results, self.fps, self.n_frames)
        self.resultsChanged.emit()
        self.persist()

    # -- persistence -------------------------------------------------------------------------
    def identify(self, sha256: str) -> VideoState:
        """Attach the content hash and restore what was saved for this video."""
        self.sha256 = sha256
        stored = load_state(sha256)
        if stored.span is not None:
            self._span = stored.span
            self.spanChanged.emit()
        if stored.crop is not None:
            self._crop = CropState.from_dict(stored.crop)
            self.cropChanged.emit()
        if stored.results is not None:
            self._results = stored.results
            self.lookup = window_index(stored.results, self.fps, self.n_frames)
            self.resultsChanged.emit()
        self.identified.emit()
        return stored

    def persist(self) -> None:
        """Save crop, span and results now (atomically); a no-op until the hash is known."""
        if self.sha256 is None:
            return
        save_state(VideoState(
            self.sha256, crop=None if self._crop is None else self._crop.to_dict(),
            span=self._span, results=self._results))
