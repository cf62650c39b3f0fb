"""Containers (mp4, mkv, mov, avi, ...) through PyAV/FFmpeg, 8- and 16-bit, frame-exact.

Frame ``i`` is the ``i``-th frame in presentation order. On open the packets are demuxed once
(no decoding) and a :class:`~semioscope.core.video.frame_index.FrameIndex` says which packet
gives which frame; AVI files with B-frames are decoded once for it (cached by content hash).
Random access seeks to a keyframe that precedes the frame *and* is not shown after it (open
GOPs: leading pictures cannot be decoded from their own keyframe), decodes forward, and knows
every decoded frame by the packet it came from; if the wanted frame does not come out it backs
off to an earlier keyframe. It never returns a neighbouring frame.

Frames are placed in time by their presentation timestamps, so a variable-rate file (frames
dropped against its clock) is reported as such and analysed by time, and a file is complete
when its frames cover the duration its header declares.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

from semioscope.core.cancel import CancelToken
from semioscope.core.video.base import NOMINAL_FPS, VideoProperties, VideoReader
from semioscope.core.video.frame_index import (
    FrameIndex,
    PacketInfo,
    PacketTable,
    content_key,
    decode_index,
    index_without_decoding,
    key_of,
    load_cached,
    packet_table,
    save_cached,
    source_of,
    tag,
    without_leading_frames,
)
from semioscope.core.video.pyav_facts import (
    GRAY8,
    GRAY16,
    ffmpeg_reason,
    frame_array,
    is_colour,
    stated_rates,
)
from semioscope.core.video.pyav_timing import declared_seconds, timed_properties
from semioscope.core.video.structure import ResyncWatch, diagnose
from semioscope.errors import CancelledError, VideoError

#: decoding forward this many frames is cheaper than a seek (FFV1 decodes ~50 frames/s)
FORWARD_DECODE_LIMIT = 12


#: the most pictures a decoder reorders (H.264/HEVC decoded picture buffer)
MAX_REORDER = 16


class PyAVReader(VideoReader):
    def __init__(self, path: Path, fps: float | None = None, *,
                 allow_truncated: bool = False, cancel: CancelToken | None = None) -> None:
        self._path = path
        self._cancel = cancel   # polled only by the one slow step: building a frame index
        self._gen: Iterator[tuple[int, av.VideoFrame]] | None = None
        self._cut_inside_frame = False
        self._container = self._open()
        streams = self._container.streams.video
        if not streams:
            self._container.close()
            raise VideoError(path, "the file holds no video stream")
        self._stream = streams[0]
        self._stream.thread_type = "AUTO"
        ctx = self._stream.codec_context
        if ctx is None:   # a damaged header names a codec FFmpeg does not know
            self._container.close()
            raise VideoError(path, "the video stream's codec is unknown (damaged header?)")
        ctx.copy_opaque = True  # every decoded frame names the packet it came from
        pix_fmt = ctx.pix_fmt or ""
        if not pix_fmt:
            self.close()
            raise VideoError(path, "no usable video stream found (the file may be truncated, "
                             "damaged, or in a codec FFmpeg cannot decode)")
        self._out_format = "gray16le" if pix_fmt in GRAY16 else "gray"
        self._table = self._scan_packets()
        if not len(self._table):
            self.close()
            raise VideoError(path, "no decodable frames (empty, truncated or not a video)")
        self._index = self._frame_index()
        if not len(self._index):
            self.close()
            raise VideoError(path, "no decodable frames (empty, truncated or not a video)")
        self._frame_of = self._index.lookup()
        self._first_of_packet = self._index.first_frame_of_packet(len(self._table))
        self._keyframes = [i for i, key in enumerate(self._table.keyframe) if key]
        self._packet_of_key = {key: i for i, key in enumerate(self._table.keys)}
        self.properties = self._properties(pix_fmt, fps, allow_truncated)
        self._last = -1          # index of the frame the open decoder gave last
        try:
            frame0 = self._find(0)
            height, width = frame_array(frame0, self._out_format, self._path).shape
        except BaseException:
            self.close()
            raise
        from dataclasses import replace

        self.properties = replace(self.properties, width=width, height=height,
                                  colour=self.properties.colour and is_colour(frame0))

    # -- opening -----------------------------------------------------------------------------
    def _open(self) -> av.container.InputContainer:
        try:
            return av.open(str(self._path), mode="r", metadata_errors="ignore")
        except av.FFmpegError as exc:
            problem = diagnose(self._path)
            if problem:
                raise VideoError(self._path, problem) from exc
            raise VideoError(self._path, f"not a readable video ({ffmpeg_reason(exc)})") from exc

    def _scan_packets(self) -> PacketTable:
        """Every data packet of the video stream, in file order, from demuxing alone."""
        packets: list[PacketInfo] = []
        watch = ResyncWatch(self._stream.index)
        try:
            for packet in self._container.demux():
                watch.see(packet)
                if packet.stream.index != self._stream.index:
                    continue
                if packet.size == 0 or packet.is_discard:
                    continue
                packets.append(PacketInfo.of(packet))
        except av.FFmpegError as exc:
            if not packets:
                self.close()
                raise VideoError(self._path,
                                 f"corrupt container ({ffmpeg_reason(exc)})") from exc
        damage = watch.damage()
        if damage is not None:     # data lost mid-file: its frames would silently be skipped
            message = damage.message(self._stream)   # before close: a closed stream has no rate
            self.close()
            raise VideoError(self._path, message)
        while packets and packets[-1].corrupt:   # a frame cut in half at the end of a file
            packets.pop()
            self._cut_inside_frame = True
        return packet_table(packets)

    def _frame_index(self) -> FrameIndex:
        index = (None if self._stamps_unusable() and not all(self._table.keyframe)
                 else index_without_decoding(self._table, self._container.format.name))
        if index is not None:
            return without_leading_frames(index, self._table)
        sha = content_key(self._path)
        cached = load_cached(sha, len(self._table))
        if cached is not None:
            return without_leading_frames(cached, self._table)
        try:
            index = decode_index(self._container, self._stream, self._table, self._cancel)
        except CancelledError:
            self.close()
            raise
        except av.FFmpegError as exc:
            self.close()
            if self._stamps_unusable():
                raise VideoError(self._path, "its timestamps repeat or go backwards, so its "
                                 "frames cannot be located; remux it with fresh timestamps "
                                 "(ffmpeg -fflags +genpts -i IN -c copy OUT)") from exc
            raise VideoError(self._path, f"cannot decode ({ffmpeg_reason(exc)})") from exc
        save_cached(sha, index, len(self._table))
        return without_leading_frames(index, self._table)

    def _stamps_unusable(self) -> bool:
        """Timestamps that repeat, or (intra-only, where file order is display order) go
        backwards: no clock can be read from them, so frames keep their decode order."""
        pts = list(self._table.pts)
        if len(pts) < 2 or None in pts:
            return False
        if len(set(pts)) != len(pts):
            return True
        if all(self._table.keyframe):
            return pts != sorted(pts)  # type: ignore[type-var]
        # B-frames reorder a few pictures (at most 16 in H.264/HEVC); a frame the stamps move
        # further than that from its place in the file is a broken clock, not reordering
        rank = np.argsort(np.argsort(np.asarray(pts, dtype=np.int64), kind="stable"))
        return bool(np.max(np.abs(rank - np.arange(len(pts)))) > MAX_REORDER)

    def _container_rate(self) -> float | None:
        rates = stated_rates(self._stream)
        return rates[0] if rates else None

    def _properties(self, pix_fmt: str, fps: float | None,
                    allow_truncated: bool) -> VideoProperties:
        n = len(self._index)
        base = dict(path=str(self._path), frames=n, width=int(self._stream.codec_context.width),
                    height=int(self._stream.codec_context.height),
                    bit_depth=16 if self._out_format == "gray16le" else 8, backend="pyav",
                    pixel_format=pix_fmt, colour=pix_fmt not in GRAY16 | GRAY8,
                    codec=self._stream.codec_context.name, index_method=self._index.method)
        usable = not self._stamps_unusable()
        if fps:
            self._times = np.arange(n, dtype=np.float64) / float(fps)
            return VideoProperties(fps=float(fps), duration_s=n / float(fps), fps_source="user",
                                   timestamps_usable=usable, **base)  # type: ignore[arg-type]
        if not usable:   # repeated or backwards stamps: no clock to trust, keep every frame
            self._times = np.arange(n, dtype=np.float64) / NOMINAL_FPS
            return VideoProperties(fps=NOMINAL_FPS, duration_s=n / NOMINAL_FPS,
                                   fps_source="assumed", timestamps_usable=False,
                                   **base)  # type: ignore[arg-type]
        rate = self._container_rate()
        tb = self._stream.time_base or Fraction(1, int(round(rate or 30)))
        stamps = self._index.stamp.astype(np.int64)
        self._end_s = 0.0   # presentation time where the last frame ends, from the file's zero
        if len(stamps) == n:
            self._times = (stamps - stamps[0]).astype(np.float64) * float(tb)
            self._end_s = float(stamps[-1] * tb)
        if len(stamps) != n or not np.all(np.diff(self._times) > 0):
            if rate is None:
                raise VideoError(self._path, "the container does not state a frame rate; "
                                 "give --fps")
            self._times = np.arange(n, dtype=np.float64) / rate
        props = timed_properties(self._path, self._times, rate, stated_rates(self._stream),
                                 base)
        return self._check_complete(props, 1.0 / float(props.nominal_fps or props.fps),
                                    allow_truncated)

    def _check_complete(self, props: VideoProperties, step: float,
                        allow_truncated: bool) -> VideoProperties:
        """A file cut short covers less time than its header declares: refuse it, or mark it."""
        declared, slack = declared_seconds(self._stream, self._container, step)
        present = props.duration_s
        reach = max(present, self._end_s + step)   # a copy cut from a longer recording starts late
        if declared is None or reach >= declared - slack - 1e-3:
            if not self._cut_inside_frame:
                return props
            declared = max(declared or 0.0, present + step)  # the cut frame was there too
        if not allow_truncated:
            self.close()
            raise VideoError(self._path, f"truncated: only {present:.2f} s "
                             f"({props.frames} frames) of the {declared:.2f} s its header "
                             "declares are present (the review window opens it with a warning;"
                             " --allow-truncated analyses the present part)")
        from dataclasses import replace

        return replace(props, truncated=True, declared_s=declared)

    # -- locating frames ---------------------------------------------------------------------
    def frame_times(self) -> np.ndarray:
        return self._times.copy()

    def _seek_candidates(self, index: int) -> Iterator[int]:
        """Keyframe packets to start decoding at for frame ``index``, latest first.

        A keyframe qualifies when it comes at or before the frame's packet in the file and is
        not shown after the frame (the frame is not one of its leading pictures).
        """
        packet = int(self._index.packet[index])
        pos = bisect.bisect_right(self._keyframes, packet) - 1
        tried = 0
        while pos >= 0:
            key = self._keyframes[pos]
            if self._first_of_packet[key] <= index:
                yield key
                tried += 1
                if tried == 3 and pos > 0:   # a damaged stretch: start from the very beginning
                    yield self._keyframes[0]
                    return
            pos -= 1

    def _frames_from(self, start: int) -> Iterator[tuple[int, av.VideoFrame]]:
        """Seek to keyframe packet ``start`` (or before) and yield ``(frame index, frame)``."""
        kind = self._table.key_kind
        started = False
        seen: dict[int, int] = {}
        order = -1
        for packet in self._seek(start):
            if packet.size == 0 and packet.dts is None:
                pass  # end of stream: flush the decoder
            elif packet.size == 0 or packet.is_discard:
                continue
            else:
                order += 1   # from the start of the file when kind is "order"
                key = key_of(packet, kind) if kind != "order" else order
                source = self._packet_of_key.get(key, -1) if key is not None else -1
                if not started:
                    if source < 0 or not self._table.keyframe[source]:
                        continue  # never feed the decoder from the middle of a group
                    started = True
                packet.opaque = tag(source)
            for frame in packet.decode():
                source = source_of(frame)
                count = seen.get(source, 0)
                seen[source] = count + 1
                index = self._frame_of.get((source, count))
                if index is None and source < 0 and self._index.method == "timestamps":
                    index = self._index_by_stamp(frame.pts)
                if index is not None:
                    yield index, frame

    def _seek(self, start: int) -> Iterator[av.Packet]:
        """The stream's packets from keyframe packet ``start`` or a little before it.

        Demuxers seek by different timestamps (Matroska/MP4 by presentation, AVI by decode
        order), and one that lands *before* the previous keyframe costs a whole extra group:
        each target is tried, latest first, until the first packet read is at or before
        ``start``; the start of the file is the last resort.
        """
        by_order = self._table.key_kind == "order"   # packets known only by their position
        for target in [None] if by_order else [*self._table.seek_targets(start), None]:
            try:
                if target is None:
                    self._container.seek(0)
                else:
                    self._container.seek(target, stream=self._stream, backward=True,
                                         any_frame=False)
            except av.FFmpegError as exc:
                raise VideoError(self._path, f"cannot seek ({ffmpeg_reason(exc)})") from exc
            self._stream.codec_context.flush_buffers()
            packets = self._container.demux(self._stream)
            first = next((p for p in packets if p.size and not p.is_discard), None)
            if first is None:
                continue
            key = key_of(first, self._table.key_kind)
            landed = self._packet_of_key.get(key, -1) if key is not None else -1
            if target is None or 0 <= landed <= start:
                yield first
                yield from packets
                return

    def _index_by_stamp(self, stamp: int | None) -> int | None:
        if stamp is None:
            return None
        pos = int(np.searchsorted(self._index.stamp, stamp))
        return pos if pos < len(self._index) and self._index.stamp[pos] == stamp else None

    def _advance(self, wanted: int) -> av.VideoFrame | None:
        """Decode forward to frame ``wanted``; None when it did not come out (passed or ended)."""
        assert self._gen is not None
        try:
            for index, frame in self._gen:
                self._last = index
                if index == wanted:
                    return frame
                if index > wanted:
                    return None
        except av.FFmpegError as exc:
            self._gen = None
            raise VideoError(self._path, f"corrupt data near frame {wanted} "
                             f"({ffmpeg_reason(exc)})") from exc
        self._gen = None
        return None

    def read(self, index: int) -> np.ndarray:
        return frame_array(self._find(self._check_index(index)), self._out_format, self._path)

    def _find(self, index: int) -> av.VideoFrame:
        """The decoded frame ``index``: forward from where the decoder is, else by seeking."""
        candidates = self._seek_candidates(index)
        first = next(candidates, None)
        if self._gen is not None and 0 <= self._last < index and (
                index - self._last <= FORWARD_DECODE_LIMIT
                or (first is not None and first <= int(self._index.packet[self._last]))):
            frame = self._advance(index)
            if frame is not None:
                return frame
        for start in ([first] if first is not None else []) + list(candidates):
            self._gen = self._frames_from(start)
            self._last = -1
            frame = self._advance(index)
            if frame is not None:
                return frame
        self._gen = None
        raise VideoError(self._path, f"frame {index} of {len(self._index)} cannot be decoded "
                         "(the file is truncated or damaged there)")

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
        self._gen = None
        container = getattr(self, "_container", None)
        if container is not None:
            container.close()
