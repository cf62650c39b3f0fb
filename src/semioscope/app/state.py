"""Typed, observable state of the one open video; widgets mirror it, undo commands change it.

Setting a value emits a Qt signal and saves the reviewer's decisions (crop, span, results) at once
to the video's sidecar in the data folder (never beside the source video).
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QObject, Signal

from semioscope.core.crop import sidecar
from semioscope.core.crop.editing import Crop
from semioscope.core.results import Results, WindowIndex
from semioscope.core.semiology.events import SemiologyEvent, chronological
from semioscope.core.video.base import VideoProperties
from semioscope.core.video.mapping import IntensityMapping
from semioscope.core.video_state import VideoState, load_state, save_state


class VideoSession(QObject):
    """One open video: its facts, the current frame and the reviewer's decisions."""

    frameChanged = Signal(int)
    cropChanged = Signal()
    spanChanged = Signal()
    resultsChanged = Signal()
    eventsChanged = Signal()

    def __init__(self, properties: VideoProperties, mapping: IntensityMapping,
                 times: np.ndarray | None = None) -> None:
        """``times``: each frame's presentation time (a variable-rate video), else ``i / fps``."""
        super().__init__()
        self.properties = properties
        self.mapping = mapping
        self._times = None if times is None or not properties.variable_rate else times
        self.sha256: str | None = None
        self._frame = 0
        self._crop: Crop | None = None
        self._span: tuple[float, float] = (0.0, properties.duration_s)
        self._results: Results | None = None
        self.lookup: WindowIndex | None = None
        self._events: tuple[SemiologyEvent, ...] = ()

    # -- facts -------------------------------------------------------------------------------
    @property
    def n_frames(self) -> int:
        return self.properties.frames

    @property
    def fps(self) -> float:
        return self.properties.fps

    @property
    def frame_size(self) -> tuple[int, int]:
        return self.properties.width, self.properties.height

    def time_of(self, frame: int) -> float:
        if self._times is not None and 0 <= frame < len(self._times):
            return float(self._times[frame])
        return frame / self.fps

    def frame_of(self, seconds: float) -> int:
        if self._times is not None:   # the frame nearest in presentation time
            pos = int(np.searchsorted(self._times, seconds))
            near = [p for p in (pos - 1, pos) if 0 <= p < len(self._times)]
            return self.clamp(min(near, key=lambda p: abs(self._times[p] - seconds)))
        return self.clamp(int(round(seconds * self.fps)))

    def _window_index(self, results: Results) -> WindowIndex:
        """Frame/time -> window in O(1) for these results, by this video's frame times."""
        times = self._times if self._times is not None and len(self._times) == self.n_frames \
            else None
        return WindowIndex(results.windows, self.fps, self.n_frames, times)

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
    def crop(self) -> Crop | None:
        return self._crop

    def set_crop(self, crop: Crop | None) -> None:
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
    def results(self) -> Results | None:
        return self._results

    def set_results(self, results: Results | None) -> None:
        self._results = results
        self.lookup = None if results is None else self._window_index(results)
        self.resultsChanged.emit()
        self.persist()

    @property
    def events(self) -> tuple[SemiologyEvent, ...]:
        """The semiology events, in order; never part of the analysis inputs."""
        return self._events

    def set_events(self, events: tuple[SemiologyEvent, ...]) -> None:
        self._events = chronological(events)
        self.eventsChanged.emit()
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
            self._crop = sidecar.from_sidecar(stored.crop, self.frame_size)
            self.cropChanged.emit()
        if stored.results is not None:
            self._results = stored.results
            self.lookup = self._window_index(stored.results)
            self.resultsChanged.emit()
        if stored.events:
            self._events = stored.events
            self.eventsChanged.emit()
        return stored

    def persist(self) -> None:
        """Save crop, span and results now (atomically); a no-op until the hash is known."""
        if self.sha256 is None:
            return
        save_state(VideoState(
            self.sha256, crop=None if self._crop is None else sidecar.to_sidecar(self._crop),
            span=self._span, results=self._results, events=self._events))
