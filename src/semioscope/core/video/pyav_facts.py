"""What PyAV frames and a container's timestamps say, apart from the reader that asks:
gray or colour pixel formats, the clock the frames sit on, FFmpeg's reason for a failure."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np

from semioscope.errors import VideoError

__all__ = ["GRAY8", "GRAY16", "VARIABLE_RATE_TOLERANCE", "clock_rate", "ffmpeg_reason",
           "frame_array", "is_colour", "stated_rates"]

GRAY16 = {"gray16le", "gray16be", "gray12le", "gray12be", "gray10le", "gray10be"}
GRAY8 = {"gray", "gray8"}
#: an interval this much longer (or shorter) than the clock's means frames are missing
VARIABLE_RATE_TOLERANCE = 0.5


def is_colour(frame: av.VideoFrame) -> bool:
    """Whether a frame carries colour, not gray stored in a colour format (neutral chroma)."""
    rgb = frame.to_ndarray(format="rgb24").astype(np.int16)
    spread = np.abs(rgb[..., 0] - rgb[..., 1]) + np.abs(rgb[..., 1] - rgb[..., 2])
    return bool(np.percentile(spread, 99) > 12)


def clock_rate(times: np.ndarray, stated: list[float]) -> float | None:
    """The rate of the clock the frames sit on: the container's, unless the timestamps disagree.

    A file with dropped frames states its mean rate (24 fps for a 30-fps clock missing every
    fifth frame); the typical (median) interval is the clock's.
    """
    intervals = np.diff(times)
    median = float(np.median(intervals)) if len(intervals) else 0.0
    if median <= 0:
        return stated[0] if stated else None
    for rate in stated:
        if abs(1.0 / rate - median) <= 0.1 * median:
            return rate
    return 1.0 / median


def ffmpeg_reason(exc: Exception) -> str:
    """FFmpeg's own words for a failure (its errno text), for the one-line refusal."""
    text = getattr(exc, "strerror", None) or str(exc)
    return str(text).strip() or type(exc).__name__


def frame_array(frame: av.VideoFrame, out_format: str, path: Path) -> np.ndarray:
    """A decoded frame as a contiguous array in ``out_format`` (``gray`` or ``gray16le``)."""
    try:
        arr = frame.to_ndarray(format=out_format)
    except (ValueError, av.FFmpegError) as exc:
        raise VideoError(path, f"unsupported pixel format {frame.format.name}") from exc
    return np.ascontiguousarray(arr)


def stated_rates(stream: av.video.stream.VideoStream) -> list[float]:
    """The rates a stream states: mean (average_rate), then its clock guesses."""
    rates = (stream.average_rate, stream.guessed_rate, stream.base_rate)
    return [float(r) for r in rates if r is not None and float(r) > 0]
