"""The one small interface every video backend implements."""

from __future__ import annotations

import abc
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

#: frame rate of the Kinect v2 IR stream the published pipeline was built for
NOMINAL_FPS = 30.0


@dataclass(frozen=True)
class VideoProperties:
    """What we know about a video before decoding it all.

    ``fps_source`` says where the frame rate came from: ``container`` (the file says so),
    ``user`` (given on the command line) or ``assumed`` (an image folder or array with no rate:
    30 fps was assumed, and every output says so).

    A variable-rate file (frames dropped against its clock) has ``variable_rate`` set; ``fps``
    is then its mean rate (``frames / duration_s``), ``nominal_fps`` the clock's, and frames are
    placed in time by :meth:`VideoReader.frame_times`. ``colour`` says the source was colour and
    is read as its luma. ``truncated`` says only ``duration_s`` of ``declared_s`` seconds are
    present (opened only when the caller allowed it). ``timestamps_usable`` False: the file's
    timestamps repeat or go backwards, so frames are kept in decode order.
    """

    path: str
    frames: int
    fps: float
    width: int
    height: int
    bit_depth: int
    duration_s: float
    backend: str
    fps_source: str = "container"
    pixel_format: str = ""
    colour: bool = False
    variable_rate: bool = False
    nominal_fps: float | None = None
    interval_s: tuple[float, float, float] | None = None   # mean, min, max frame interval
    missing_frames: int = 0
    truncated: bool = False
    declared_s: float | None = None
    codec: str = ""
    index_method: str = ""
    #: False when the file's timestamps repeat or go backwards: frames are then kept in decode
    #: order, none dropped, at the given (or an assumed 30) frame rate
    timestamps_usable: bool = True

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def is_nominal_rate(self) -> bool:
        return abs(self.fps - NOMINAL_FPS) < 1e-3


class VideoReader(abc.ABC):
    """Random and sequential access to the gray frames of one video.

    Frames are ``(H, W)`` arrays, ``uint16`` for 16-bit sources and ``uint8`` otherwise; a chunk
    is ``(n, H, W)``. Frame ``i`` is always the ``i``-th frame in presentation order, whether it
    was reached by :meth:`read` or by :meth:`iter_chunks`.
    """

    properties: VideoProperties

    @abc.abstractmethod
    def read(self, index: int) -> np.ndarray:
        """Frame ``index`` (0-based), exactly."""

    @abc.abstractmethod
    def iter_chunks(
        self, start: int = 0, stop: int | None = None, chunk: int = 60
    ) -> Iterator[np.ndarray]:
        """Frames ``start..stop-1`` in order, ``chunk`` at a time (the last chunk may be short)."""

    def frame_times(self) -> np.ndarray:
        """Presentation time of every frame in seconds from the first one (float64)."""
        return np.arange(self.properties.frames, dtype=np.float64) / self.properties.fps

    def iter_frames(self, start: int = 0, stop: int | None = None) -> Iterator[np.ndarray]:
        for block in self.iter_chunks(start, stop, chunk=16):
            yield from block

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release file handles."""

    def __enter__(self) -> VideoReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __len__(self) -> int:
        return self.properties.frames

    @property
    def path(self) -> Path:
        return Path(self.properties.path)

    def _check_index(self, index: int) -> int:
        from semioscope.errors import VideoError

        n = self.properties.frames
        if index < 0:
            index += n
        if not 0 <= index < n:
            raise VideoError(self.properties.path, f"frame {index} is out of range (0..{n - 1})")
        return index

    def _clamp_range(self, start: int, stop: int | None) -> tuple[int, int]:
        n = self.properties.frames
        stop = n if stop is None else min(stop, n)
        return max(0, start), stop
