"""How long a container's video lasts and at what rate, from its frames' presentation times.

Pure functions of the times (and of what the headers state), apart from the reader that
demuxes them (:mod:`~semioscope.core.video.pyav_reader`): a variable-rate file (frames dropped
against its clock) is reported as such, and a file is complete when its frames cover the
duration its header declares.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import av
import numpy as np

from semioscope.core.video.base import VideoProperties
from semioscope.core.video.pyav_facts import VARIABLE_RATE_TOLERANCE, clock_rate
from semioscope.errors import VideoError


def timed_properties(path: Path, times: np.ndarray, rate: float | None,
                     stated: list[float], base: dict[str, Any]) -> VideoProperties:
    """The properties of frames shown at ``times`` (seconds from the first): the clock they
    follow, and the mean rate, duration and missing frames when they do not keep to it.
    ``rate``: the container's stated rate; ``stated``: every rate the stream states."""
    n = len(times)
    clock = clock_rate(times, stated)
    if clock is None:
        raise VideoError(path, "the container does not state a frame rate; give --fps")
    intervals = np.diff(times)
    step = 1.0 / clock
    variable = bool(len(intervals)) and bool(
        np.any(np.abs(intervals - step) > VARIABLE_RATE_TOLERANCE * step))
    interval = ((float(intervals.mean()), float(intervals.min()), float(intervals.max()))
                if len(intervals) else None)
    if variable:
        duration = float(times[-1]) + step
        missing = max(0, int(round(duration * clock)) - n)
        return VideoProperties(fps=n / duration, duration_s=duration, fps_source="container",
                               variable_rate=True, nominal_fps=clock, interval_s=interval,
                               missing_frames=missing, **base)
    fps = rate or clock
    return VideoProperties(fps=fps, duration_s=n / fps, fps_source="container",
                           nominal_fps=clock, interval_s=interval, **base)


def declared_seconds(stream: av.video.stream.VideoStream, container: Any,
                     step: float) -> tuple[float | None, float]:
    """How long the headers say the video is, and how much shorter it may be.

    The video stream's own duration or frame count (AVI's header: FFmpeg estimates the
    duration of a cut AVI from what is there, so the longer counts) allow 1.5 frames. Only
    the container's duration (Matroska) covers every track: with an audio track beside the
    video, up to a second of difference is the recorder's, not a cut.
    """
    stated = []
    if stream.duration and stream.time_base:
        stated.append(float(stream.duration * stream.time_base))
    if stream.frames:
        stated.append(float(stream.frames) * step)
    if stated:
        return max(stated), 1.5 * step
    if container.duration:
        others = len(container.streams) > 1
        return container.duration / 1_000_000, max(1.5 * step, 1.0 if others else 0.0)
    return None, 0.0
