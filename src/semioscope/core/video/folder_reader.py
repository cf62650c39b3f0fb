"""Folders of 8- or 16-bit PNG/TIFF frames, in natural sort order (frame2 before frame10)."""

from __future__ import annotations

import re
import struct
from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np

from semioscope.core.video.base import NOMINAL_FPS, VideoProperties, VideoReader
from semioscope.errors import VideoError

IMAGE_SUFFIXES = (".png", ".tif", ".tiff")


def natural_key(name: str) -> list[object]:
    """Sort key that orders embedded numbers by value."""
    return [int(part) if part.isdigit() else part.lower() for part in re.split(r"(\d+)", name)]


def _png_header(path: Path) -> tuple[int, int] | None:
    """(width, height) from a PNG's IHDR without decoding it, or None if not a PNG."""
    with open(path, "rb") as fh:
        head = fh.read(24)
    if len(head) < 24 or head[:8] != b"\x89PNG\r\n\x1a\n":
        return None
    width, height = struct.unpack(">II", head[16:24])
    return int(width), int(height)


class ImageFolderReader(VideoReader):
    def __init__(self, folder: Path, fps: float | None = None) -> None:
        files = sorted(
            (p for p in folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES and p.is_file()),
            key=lambda p: natural_key(p.name),
        )
        if not files:
            raise VideoError(folder, "folder holds no PNG or TIFF frames")
        self._files = files
        first = self._decode(0)
        height, width = first.shape
        self._dtype = first.dtype
        for p in files:  # cheap size check of every PNG; TIFFs are checked when read
            size = _png_header(p) if p.suffix.lower() == ".png" else None
            if size is not None and size != (width, height):
                raise VideoError(p, f"frame size {size[0]}x{size[1]} differs from the first "
                                 f"frame's {width}x{height}")
        rate = float(fps) if fps else NOMINAL_FPS
        self.properties = VideoProperties(
            path=str(folder), frames=len(files), fps=rate, width=width, height=height,
            bit_depth=16 if first.dtype == np.uint16 else 8,
            duration_s=len(files) / rate, backend="image-folder",
            fps_source="user" if fps else "assumed", pixel_format=str(first.dtype),
        )

    def _decode(self, index: int) -> np.ndarray:
        path = self._files[index]
        img = cv2.imread(str(path), cv2.IMREAD_UNCHANGED)
        if img is None:
            raise VideoError(path, "cannot decode this image (corrupt or not an image)")
        if img.ndim == 3:
            code = cv2.COLOR_BGRA2GRAY if img.shape[2] == 4 else cv2.COLOR_BGR2GRAY
            img = cv2.cvtColor(img, code)
        if img.dtype not in (np.uint8, np.uint16):
            raise VideoError(path, f"unsupported pixel type {img.dtype} (need 8- or 16-bit)")
        return img

    def read(self, index: int) -> np.ndarray:
        index = self._check_index(index)
        img = self._decode(index)
        p = self.properties
        if img.shape != (p.height, p.width) or img.dtype != self._dtype:
            raise VideoError(self._files[index], f"frame {img.shape[1]}x{img.shape[0]} "
                             f"{img.dtype} differs from the first frame's {p.width}x{p.height} "
                             f"{self._dtype}")
        return img

    def iter_chunks(
        self, start: int = 0, stop: int | None = None, chunk: int = 60
    ) -> Iterator[np.ndarray]:
        start, stop = self._clamp_range(start, stop)
        for i in range(start, stop, chunk):
            yield np.stack([self.read(j) for j in range(i, min(i + chunk, stop))])
