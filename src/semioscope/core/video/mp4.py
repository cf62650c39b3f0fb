"""MP4/MOV structure checks that FFmpeg's own message does not make clear."""

from __future__ import annotations

import struct
from pathlib import Path

#: top-level boxes a QuickTime/ISO-BMFF file may start with
_FIRST_BOXES = {b"ftyp", b"wide", b"mdat", b"free", b"skip", b"moov", b"pnot"}


def top_level_boxes(path: Path, limit: int = 64) -> list[bytes] | None:
    """The types of the file's top-level boxes, or None if it is not an MP4/MOV file."""
    boxes: list[bytes] = []
    size_total = path.stat().st_size
    with open(path, "rb") as fh:
        offset = 0
        while offset + 8 <= size_total and len(boxes) < limit:
            fh.seek(offset)
            head = fh.read(16)
            size, kind = struct.unpack(">I4s", head[:8])
            if not boxes and kind not in _FIRST_BOXES:
                return None
            if size == 1 and len(head) == 16:
                size = struct.unpack(">Q", head[8:16])[0]
            elif size == 0:          # runs to the end of the file
                size = size_total - offset
            boxes.append(kind)
            if size < 8:
                break
            offset += size
    return boxes or None


def missing_moov_message(path: Path) -> str | None:
    """The message for an MP4/MOV whose index (moov box) is missing, else None."""
    try:
        boxes = top_level_boxes(path)
    except (OSError, struct.error):
        return None
    if boxes is None or b"moov" in boxes or b"moof" in boxes:
        return None
    return ("the MP4 index (moov box) is missing: the recording was interrupted before it was "
            "finalised, so its frames cannot be located; export the recording again from the "
            "EMU (repair tools such as untrunc need a complete file from the same camera)")
