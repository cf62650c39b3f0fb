"""Container structure checks that say what FFmpeg's own message ("Invalid data found") does not.

Damage inside a file is caught while it is demuxed: FFmpeg's demuxers resynchronise past
unreadable bytes and go on, so the frames there would vanish without a word (and the gap would
look like a variable frame rate). The packets themselves show it: bytes that no packet of any
stream covers, at the same place as a jump in the video's timestamps. (FFmpeg's log is not
listened to: PyAV's log callback needs the GIL in every FFmpeg thread, and a frame-threaded
decoder freed meanwhile deadlocks the process.)

An interrupted recording leaves an MP4/MOV without its index (the moov box, written last) or
with the index cut off, and an AVI whose RIFF header promises more bytes than the file holds.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from pathlib import Path

import av
import numpy as np

#: top-level boxes a QuickTime/ISO-BMFF file may start with
_FIRST_BOXES = {b"ftyp", b"wide", b"mdat", b"free", b"skip", b"moov", b"pnot"}


def top_level_boxes(path: Path, limit: int = 64) -> list[tuple[bytes, int, int]] | None:
    """``(type, offset, size)`` of the file's top-level boxes, or None if it is no MP4/MOV."""
    boxes: list[tuple[bytes, int, int]] = []
    total = path.stat().st_size
    with open(path, "rb") as fh:
        offset = 0
        while offset + 8 <= total and len(boxes) < limit:
            fh.seek(offset)
            head = fh.read(16)
            size, kind = struct.unpack(">I4s", head[:8])
            if not boxes and kind not in _FIRST_BOXES:
                return None
            if size == 1 and len(head) == 16:
                size = struct.unpack(">Q", head[8:16])[0]
            elif size == 0:          # runs to the end of the file
                size = total - offset
            boxes.append((kind, offset, size))
            if size < 8:
                break
            offset += size
    return boxes or None


def mp4_index_problem(path: Path) -> str | None:
    """The message for an MP4/MOV whose index (moov box) is missing or cut off, else None."""
    try:
        boxes = top_level_boxes(path)
        total = path.stat().st_size
    except (OSError, struct.error):
        return None
    if boxes is None or any(kind == b"moof" for kind, _, _ in boxes):
        return None   # not MP4, or fragmented MP4 (every fragment carries its own index)
    moov = [(offset, size) for kind, offset, size in boxes if kind == b"moov"]
    advice = ("the recording was interrupted before it was finalised, so its frames cannot be "
              "located; export the recording again from the EMU (repair tools such as untrunc "
              "need a complete file from the same camera)")
    if not moov:
        return f"the MP4 index (moov box) is missing: {advice}"
    offset, size = moov[0]
    if offset + size > total:
        return (f"the MP4 index (moov box) is cut off ({total - offset} of its {size} bytes "
                f"are present): {advice}")
    return None


def riff_cut_short(path: Path) -> tuple[int, int] | None:
    """``(present, declared)`` bytes of an AVI (RIFF) file shorter than its header says."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(12)
        total = path.stat().st_size
    except OSError:
        return None
    if len(head) < 12 or head[:4] != b"RIFF" or head[8:12] != b"AVI ":
        return None
    declared = struct.unpack("<I", head[4:8])[0] + 8
    return (total, declared) if total < declared else None


def diagnose(path: Path) -> str | None:
    """Why a file FFmpeg cannot open is unreadable, when its structure tells, else None."""
    problem = mp4_index_problem(path)
    if problem:
        return problem
    cut = riff_cut_short(path)
    if cut:
        present, declared = cut
        return (f"truncated: the AVI file is cut short ({present} of the {declared} bytes its "
                "header declares are present) and its headers cannot be read")
    return None


#: container overhead between two packets (block, chunk or fragment headers) stays below this
_OVERHEAD_BYTES = 4096


@dataclass
class ResyncWatch:
    """Fed every packet in file order; finds where the demuxer skipped unreadable bytes.

    A gap counts only where the bytes no packet covers exceed the container's overhead *and*
    the video's timestamps jump there: interleaved index chunks leave bytes without a time
    jump, a variable frame rate leaves a time jump without bytes.
    """

    video_index: int
    _last_end: int | None = None
    _gap: int = 0
    _gaps: list[int] = field(default_factory=list)
    _sizes: list[int] = field(default_factory=list)
    _dts: list[int | None] = field(default_factory=list)

    def see(self, packet: av.Packet) -> None:
        pos, size = packet.pos, packet.size
        if pos is not None and pos >= 0:
            if self._last_end is not None:
                self._gap = max(self._gap, pos - self._last_end)
            self._last_end = max(self._last_end or 0, pos + size)
        if packet.stream.index == self.video_index and size > 0 and not packet.is_discard:
            self._gaps.append(self._gap)
            self._sizes.append(size)
            self._dts.append(packet.dts)
            self._gap = 0

    def damage(self) -> DemuxDamage | None:
        """The first place frames were lost to unreadable data, with good packets after it."""
        if len(self._dts) < 3 or None in self._dts:
            return None
        steps = np.diff(np.asarray(self._dts, dtype=np.float64))
        forward = steps[steps > 0]
        if forward.size == 0:
            return None
        gaps = np.asarray(self._gaps[1:], dtype=np.float64)
        limit = max(_OVERHEAD_BYTES, 2 * int(np.median(self._sizes)))
        lost = np.flatnonzero((gaps > limit) & (steps > 1.5 * float(np.median(forward))))
        if lost.size == 0:
            return None
        k = int(lost[0])
        return DemuxDamage(k + 1, f"{int(gaps[k])} bytes skipped")


@dataclass(frozen=True)
class DemuxDamage:
    """Unreadable data found after ``packets`` good packets, with more good packets after it."""

    packets: int
    detail: str

    def message(self, stream: av.video.stream.VideoStream) -> str:
        rate = float(stream.average_rate or stream.guessed_rate or 30)
        where = f"about {self.packets / rate:.1f} s in" if rate > 0 else f"after frame {self.packets}"
        return (f"damaged: unreadable data {where} (frames there are lost; demuxer: "
                f"{self.detail}); re-export or copy the recording again")
