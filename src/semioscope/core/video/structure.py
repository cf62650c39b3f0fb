"""Container structure checks that say what FFmpeg's own message ("Invalid data found") does not.

Damage inside a file is caught while it is demuxed: FFmpeg's demuxers resynchronise past
unreadable bytes and go on, so the frames there would vanish without a word (and the gap would
look like a variable frame rate) unless the demuxer's error messages are listened to.

An interrupted recording leaves an MP4/MOV without its index (the moov box, written last) or
with the index cut off, and an AVI whose RIFF header promises more bytes than the file holds.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import av
import av.logging

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


class _DemuxErrors:
    """The demuxer's error messages seen so far in this thread (see :func:`demux_errors`)."""

    def __init__(self, logs: list[tuple[int, str, str]]) -> None:
        self._logs = logs
        self._seen = 0

    def new(self) -> bool:
        """Whether an error was logged since the last call."""
        count = sum(1 for level, _, _ in self._logs if level <= av.logging.ERROR)
        fresh, self._seen = count > self._seen, count
        return fresh

    @property
    def last(self) -> str:
        errors = [msg for level, _, msg in self._logs if level <= av.logging.ERROR]
        return errors[-1].strip() if errors else ""


@contextmanager
def demux_errors() -> Iterator[_DemuxErrors]:
    """Listen to FFmpeg's error messages in this thread while a file is demuxed.

    FFmpeg's logging is switched on (errors only) for the duration and restored afterwards;
    the capture is local to the calling thread, so other readers are not affected.
    """
    previous = av.logging.get_level()
    av.logging.set_level(av.logging.ERROR)
    try:
        capture = av.logging.Capture()
        with capture:
            yield _DemuxErrors(capture.logs)
    finally:
        av.logging.set_level(previous)


@dataclass(frozen=True)
class DemuxDamage:
    """Unreadable data found after ``packets`` good packets, with more good packets after it."""

    packets: int
    detail: str

    def message(self, stream: av.video.stream.VideoStream) -> str:
        rate = float(stream.average_rate or stream.guessed_rate or 30)
        where = f"about {self.packets / rate:.1f} s in" if rate > 0 else f"after frame {self.packets}"
        return (f"damaged: unreadable data {where} (frames there are lost; FFmpeg: "
                f"{self.detail.splitlines()[0][:80]}); re-export or copy the recording again")
