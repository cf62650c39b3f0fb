"""Containers (mp4, avi, mkv, ...) through PyAV/FFmpeg, 8- and 16-bit, with exact seeking.

Frame ``i`` is the ``i``-th presentation timestamp of the video stream. On open we demux the
packets once (no decoding: fast) to learn every frame's timestamp; random access then seeks to
the keyframe at or before that timestamp and decodes forward to it, which is exact even for codecs
whose frames depend on earlier ones (FFV1 with a GOP, H.264).
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator
from pathlib import Path

import av
import numpy as np

from semioscope.core.video.base import VideoProperties, VideoReader
from semioscope.errors import VideoError

GRAY16 = {"gray16le", "gray16be", "gray12le", "gray12be", "gray10le", "gray10be"}
GRAY8 = {"gray", "gray8"}
#: decoding forward this many frames is cheaper than a seek (FFV1 decodes ~50 frames/s)
FORWARD_DECODE_LIMIT = 12


class PyAVReader(VideoReader):
    def __init__(self, path: Path, fps: float | None = None) -> None:
        self._path = path
        self._container = self._open()
        streams = self._container.streams.video
        if not streams:
            self._container.close()
            raise VideoError(path, "the file holds no video stream")
        self._stream = streams[0]
        self._stream.thread_type = "AUTO"
        ctx = self._stream.codec_context
        pix_fmt = ctx.pix_fmt or ""
        if not pix_fmt:
            self.close()
            raise VideoError(path, "no usable video stream found (the file may be truncated, "
                             "damaged, or in a codec FFmpeg cannot decode)")
        self._out_format = "gray16le" if pix_fmt in GRAY16 else "gray"
        self._pts = self._scan_timestamps()
        if not self._pts:
            self.close()
            raise VideoError(path, "no decodable frames (empty, truncated or not a video)")
        rate, source = self._frame_rate(fps)
        self._check_complete(rate)
        first = self._decode_first()
        height, width = first.shape
        self.properties = VideoProperties(
            path=str(path), frames=len(self._pts), fps=rate, width=width, height=height,
            bit_depth=16 if self._out_format == "gray16le" else 8,
            duration_s=len(self._pts) / rate, backend="pyav", fps_source=source,
            pixel_format=pix_fmt,
        )
        self._next_index = 0  # index of the frame the open decoder would yield next
        self._decoder: Iterator[av.VideoFrame] | None = None

    # -- opening -----------------------------------------------------------------------------
    def _open(self) -> av.container.InputContainer:
        try:
            return av.open(str(self._path), mode="r", metadata_errors="ignore")
        except av.FFmpegError as exc:
            raise VideoError(self._path, f"not a readable video ({_ffmpeg_reason(exc)})") from exc

    def _scan_timestamps(self) -> list[int]:
        """Presentation timestamps of every frame, from the packets alone."""
        pts: list[int] = []
        try:
            for packet in self._container.demux(self._stream):
                if packet.size == 0:
                    continue
                stamp = packet.pts if packet.pts is not None else packet.dts
                if stamp is None:
                    stamp = len(pts)
                pts.append(int(stamp))
        except av.FFmpegError as exc:
            if not pts:
                raise VideoError(self._path,
                                 f"corrupt container ({_ffmpeg_reason(exc)})") from exc
        pts.sort()
        return pts

    def _frame_rate(self, fps: float | None) -> tuple[float, str]:
        if fps:
            return float(fps), "user"
        rate = self._stream.average_rate or self._stream.guessed_rate or self._stream.base_rate
        if rate is None or float(rate) <= 0:
            raise VideoError(self._path, "the container does not state a frame rate; give --fps")
        return float(rate), "container"

    def _check_complete(self, rate: float) -> None:
        """Refuse a file cut short: fewer frames than its header declares."""
        declared = int(self._stream.frames or 0)
        if not declared and self._container.duration:
            declared = int(round(self._container.duration / 1_000_000 * rate))
        if declared and len(self._pts) < declared - 1:
            self.close()
            raise VideoError(self._path, f"truncated: the header declares {declared} frames "
                             f"but only {len(self._pts)} are present")

    def _decode_first(self) -> np.ndarray:
        try:
            self._container.seek(self._pts[0], stream=self._stream, backward=True)
            for frame in self._container.decode(self._stream):
                return self._to_array(frame)
        except av.FFmpegError as exc:
            raise VideoError(self._path, f"cannot decode ({_ffmpeg_reason(exc)})") from exc
        raise VideoError(self._path, "no decodable frames (empty, truncated or not a video)")

    # -- decoding ----------------------------------------------------------------------------
    def _to_array(self, frame: av.VideoFrame) -> np.ndarray:
        try:
            arr = frame.to_ndarray(format=self._out_format)
        except (ValueError, av.FFmpegError) as exc:
            raise VideoError(self._path, f"unsupported pixel format {frame.format.name}") from exc
        return np.ascontiguousarray(arr)

    def _index_of(self, frame: av.VideoFrame) -> int:
        stamp = frame.pts if frame.pts is not None else frame.dts
        if stamp is None:
            return self._next_index
        pos = bisect.bisect_left(self._pts, int(stamp))
        return min(pos, len(self._pts) - 1)

    def _restart_at(self, index: int) -> None:
        """Seek to the keyframe at or before frame ``index`` and open a fresh decoder there."""
        try:
            self._container.seek(self._pts[index], stream=self._stream, backward=True,
                                 any_frame=False)
        except av.FFmpegError as exc:
            raise VideoError(self._path, f"cannot seek to frame {index} "
                             f"({_ffmpeg_reason(exc)})") from exc
        self._decoder = self._container.decode(self._stream)
        self._next_index = -1  # unknown until the first frame comes out

    def _next_frame(self, wanted: int) -> np.ndarray:
        """Decode forward until frame ``wanted`` comes out."""
        assert self._decoder is not None
        while True:
            try:
                frame = next(self._decoder)
            except StopIteration:
                raise VideoError(self._path, f"truncated: frame {wanted} of "
                                 f"{len(self._pts)} could not be decoded") from None
            except av.FFmpegError as exc:
                raise VideoError(self._path, f"corrupt data near frame {wanted} "
                                 f"({_ffmpeg_reason(exc)})") from exc
            index = self._index_of(frame)
            self._next_index = index + 1
            if index >= wanted:
                return self._to_array(frame)

    def read(self, index: int) -> np.ndarray:
        index = self._check_index(index)
        ahead = index - self._next_index
        if self._decoder is None or not 0 <= ahead <= FORWARD_DECODE_LIMIT:
            self._restart_at(index)
        return self._next_frame(index)

    def iter_chunks(
        self, start: int = 0, stop: int | None = None, chunk: int = 60
    ) -> Iterator[np.ndarray]:
        start, stop = self._clamp_range(start, stop)
        block: list[np.ndarray] = []
        for i in range(start, stop):
            block.append(self.read(i))
            if len(block) == chunk:
                yield np.stack(block)
                block = []
        if block:
            yield np.stack(block)

    def close(self) -> None:
        self._decoder = None
        container = getattr(self, "_container", None)
        if container is not None:
            container.close()


def _ffmpeg_reason(exc: Exception) -> str:
    text = getattr(exc, "strerror", None) or str(exc)
    return str(text).strip() or type(exc).__name__

