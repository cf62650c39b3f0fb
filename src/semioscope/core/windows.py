"""2-second windows over the clinical span (paper section 3.3.3), on a 30-fps time grid.

The network was trained on 60-frame samples of 30-fps video, so a window is 2 s of *time*, not
60 source frames: a video at another rate is resampled to 30 fps by taking, for each 30-fps instant,
the source frame with the nearest index (``round(k * fps / 30)``), and the results say so.
A leftover of 10..59 frames (at 30 fps) is kept as a short window; a shorter one is dropped.
A variable-rate video (frames dropped against its clock) is placed on the same grid by its
presentation timestamps: for each 30-fps instant, the frame nearest in time.

Frame ranges are half-open: ``end_frame`` is one past the last source frame a window uses.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, replace
from typing import Any

import numpy as np

from semioscope.core.plans import check_fps, check_window_count
from semioscope.core.video.base import NOMINAL_FPS, VideoProperties
from semioscope.errors import SemioscopeError

WINDOW_FRAMES = 60          # frames per window on the 30-fps grid (2 s)
MIN_WINDOW_FRAMES = 10      # shorter leftovers are dropped (the paper keeps 10..59)
WINDOW_SECONDS = WINDOW_FRAMES / NOMINAL_FPS
#: an offset this close past the end (half a frame) still counts as "the end of the video"
_END_TOLERANCE_FRAMES = 0.5


@dataclass(frozen=True)
class Window:
    """One sample fed to the network; ``n_frames`` counts 30-fps frames."""

    index: int
    start_frame: int
    end_frame: int
    start_s: float
    end_s: float
    n_frames: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class WindowPlan:
    """The span and its windows for one video; ``source_indices`` says which frames to read."""

    fps: float
    start_frame: int          # first source frame of the span
    end_frame: int            # one past the last source frame of the span
    onset_s: float
    offset_s: float
    resampled: bool
    grid_frames: int          # length of the span on the 30-fps grid
    windows: tuple[Window, ...]
    #: presentation time of every source frame (variable-rate videos only), seconds
    times: np.ndarray | None = field(default=None, repr=False, compare=False)
    missing_frames: int = 0
    nominal_fps: float | None = None

    @property
    def variable_rate(self) -> bool:
        return self.times is not None

    def source_indices(self, window: Window) -> np.ndarray:
        """Source frame index of each of ``window``'s 30-fps frames (non-decreasing)."""
        first = window.index * WINDOW_FRAMES
        return self._grid_to_source(np.arange(first, first + window.n_frames))

    def _grid_to_source(self, grid: np.ndarray) -> np.ndarray:
        if self.times is not None:
            return _nearest_frames(self.times, self.onset_s + grid / NOMINAL_FPS,
                                   self.start_frame, self.end_frame)
        if not self.resampled:
            return self.start_frame + grid
        idx = self.start_frame + np.rint(grid * (self.fps / NOMINAL_FPS)).astype(np.int64)
        return np.minimum(idx, self.end_frame - 1)

    @property
    def warnings(self) -> list[str]:
        if self.times is not None:
            clock = f" against its {self.nominal_fps:g} fps clock" if self.nominal_fps else ""
            return [f"video has a variable frame rate ({self.missing_frames} frames missing"
                    f"{clock}): each 2-s window takes, for every 30-fps instant, the frame "
                    "nearest in time"]
        if not self.resampled:
            return []
        return [f"video is {self.fps:g} fps: frames were resampled to 30 fps (nearest frame) "
                "so that each window is 2 s, as in training"]


def _span_frames(
    props: VideoProperties, onset_s: float | None, offset_s: float | None
) -> tuple[int, int]:
    """Validate the clinical span in seconds; return its half-open source-frame range."""
    subject = props.path
    duration = props.frames / props.fps
    for name, value in (("onset", onset_s), ("offset", offset_s)):
        if value is not None and not math.isfinite(value):
            raise SemioscopeError(subject, f"{name} {value} s is not a number")
    if onset_s is not None and not 0 <= onset_s < duration:
        raise SemioscopeError(subject, f"onset {onset_s:g} s is outside the video "
                              f"(0 to {duration:.2f} s)")
    if offset_s is not None and not 0 < offset_s <= duration + _END_TOLERANCE_FRAMES / props.fps:
        raise SemioscopeError(subject, f"offset {offset_s:g} s is outside the video "
                              f"(0 to {duration:.2f} s)")
    if onset_s is not None and offset_s is not None and onset_s >= offset_s:
        raise SemioscopeError(subject, f"onset {onset_s:g} s is not before offset "
                              f"{offset_s:g} s")
    start = 0 if onset_s is None else int(round(onset_s * props.fps))
    end = props.frames if offset_s is None else min(props.frames, int(round(offset_s * props.fps)))
    return start, end


def _nearest_frames(times: np.ndarray, instants: np.ndarray, start: int, end: int) -> np.ndarray:
    """Index of the frame whose presentation time is nearest each instant, within [start, end)."""
    span = times[start:end]
    right = np.clip(np.searchsorted(span, instants), 1, max(1, len(span) - 1))
    left = right - 1
    pick = np.where(np.abs(span[np.minimum(right, len(span) - 1)] - instants)
                    < np.abs(instants - span[left]), right, left)
    return start + np.minimum(pick, len(span) - 1).astype(np.int64)


def _timed_plan(props: VideoProperties, times: np.ndarray, onset_s: float | None,
                offset_s: float | None) -> WindowPlan:
    """The plan of a variable-rate video: 2 s of presentation time per window."""
    _span_frames(props, onset_s, offset_s)          # the same checks of the span
    onset = 0.0 if onset_s is None else float(onset_s)
    offset = props.duration_s if offset_s is None else min(float(offset_s), props.duration_s)
    start = int(_nearest_frames(times, np.array([onset]), 0, len(times))[0])
    end = max(start + 1, int(np.searchsorted(times, offset - 1e-9, side="left")))
    t0 = float(times[start])
    grid = int(math.floor((offset - t0) * NOMINAL_FPS + 1e-6))
    check_window_count(grid // WINDOW_FRAMES, props.path)
    if grid < MIN_WINDOW_FRAMES:
        raise SemioscopeError(props.path, f"the span {t0:.2f}-{offset:.2f} s holds {grid} frames "
                              f"at 30 fps; at least {MIN_WINDOW_FRAMES} are needed for one window")
    plan = WindowPlan(fps=props.fps, start_frame=start, end_frame=end, onset_s=t0,
                      offset_s=offset, resampled=True, grid_frames=grid, windows=(),
                      times=times, missing_frames=props.missing_frames,
                      nominal_fps=props.nominal_fps)
    return replace(plan, windows=_windows(plan, t0))


def _windows(plan: WindowPlan, t0: float) -> tuple[Window, ...]:
    windows = []
    for index, first in enumerate(range(0, plan.grid_frames, WINDOW_FRAMES)):
        n = min(WINDOW_FRAMES, plan.grid_frames - first)
        if n < MIN_WINDOW_FRAMES:
            break
        src = plan._grid_to_source(np.array([first, first + n - 1]))
        windows.append(Window(
            index=index, start_frame=int(src[0]), end_frame=int(src[1]) + 1,
            start_s=round(t0 + first / NOMINAL_FPS, 6),
            end_s=round(t0 + (first + n) / NOMINAL_FPS, 6), n_frames=n,
        ))
    return tuple(windows)


def plan_windows(
    props: VideoProperties, onset_s: float | None = None, offset_s: float | None = None,
    times: np.ndarray | None = None,
) -> WindowPlan:
    """The windows of the span ``[onset_s, offset_s)`` (whole video by default).

    ``times`` (the reader's :meth:`frame_times`) places a variable-rate video's frames in
    time; it is ignored for a constant-rate one.

    Raises :class:`SemioscopeError` for a video or span shorter than 10 frames at 30 fps, an
    onset not before the offset, or an onset/offset outside the video.
    """
    check_fps(props.fps, props.path)   # 0.001 fps would plan thousands of windows
    if props.frames < MIN_WINDOW_FRAMES:
        raise SemioscopeError(props.path, f"the video has {props.frames} frames; at least "
                              f"{MIN_WINDOW_FRAMES} are needed for one window")
    if props.variable_rate and times is not None:
        return _timed_plan(props, np.asarray(times, dtype=np.float64), onset_s, offset_s)
    start, end = _span_frames(props, onset_s, offset_s)
    resampled = not props.is_nominal_rate
    src_count = end - start
    grid = src_count if not resampled else int(math.floor(
        src_count * NOMINAL_FPS / props.fps + 1e-6))
    check_window_count(grid // WINDOW_FRAMES, props.path)
    if grid < MIN_WINDOW_FRAMES:
        raise SemioscopeError(props.path, f"the span {start / props.fps:.2f}-{end / props.fps:.2f}"
                              f" s holds {grid} frames at 30 fps; at least {MIN_WINDOW_FRAMES} "
                              "are needed for one window")
    plan = WindowPlan(fps=props.fps, start_frame=start, end_frame=end,
                      onset_s=start / props.fps, offset_s=end / props.fps,
                      resampled=resampled, grid_frames=grid, windows=())
    return replace(plan, windows=_windows(plan, start / props.fps))
