"""Writing gray videos losslessly: FFV1 in Matroska (8 or 16 bit) or PNG sequences."""

from __future__ import annotations

from collections.abc import Iterable
from fractions import Fraction
from pathlib import Path

import av
import cv2
import numpy as np

#: FFV1 options: version 3 allows several slices, so FFmpeg can decode one frame on several threads
FFV1_OPTIONS = {"level": "3", "slices": "4", "slicecrc": "1", "g": "30"}


def write_ffv1(path: Path, frames: Iterable[np.ndarray], fps: float = 30.0) -> int:
    """Encode (H, W) uint8 or uint16 frames into a lossless FFV1 ``.mkv``; returns the count."""
    path = Path(path)
    count = 0
    # bitexact: no random segment UID or encoder version string, so equal frames give equal bytes
    container = av.open(str(path), mode="w", format="matroska", options={"fflags": "+bitexact"})
    stream = None
    pix_fmt = "gray"
    try:
        for frame in frames:
            if stream is None:
                pix_fmt = "gray16le" if frame.dtype == np.uint16 else "gray"
                stream = container.add_stream("ffv1", rate=Fraction(fps).limit_denominator(1001))
                stream.width, stream.height = int(frame.shape[1]), int(frame.shape[0])
                stream.pix_fmt = pix_fmt
                stream.options = dict(FFV1_OPTIONS)
            vf = av.VideoFrame.from_ndarray(np.ascontiguousarray(frame), format=pix_fmt)
            for packet in stream.encode(vf):
                container.mux(packet)
            count += 1
        if stream is not None:
            for packet in stream.encode():
                container.mux(packet)
    finally:
        container.close()
    return count


def write_png_sequence(folder: Path, frames: Iterable[np.ndarray], prefix: str = "frame") -> int:
    """Write frames as ``prefix000000.png`` ... (8- or 16-bit PNG, lossless)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    count = 0
    for count, frame in enumerate(frames, start=1):
        if not cv2.imwrite(str(folder / f"{prefix}{count - 1:06d}.png"), frame):
            raise OSError(f"cannot write PNG frames into {folder}")
    return count
