"""Folders of 8- or 16-bit PNG/TIFF frames, in natural sort order (frame2 before frame10).

Every frame file is checked when the folder is opened, from its header alone (no decoding):
present (not a broken link, no gap in the numbering), not empty, a readable PNG/TIFF header,
and the same size and bit depth as the first frame. A bad frame is named in the error, so a
folder with one zero-byte file is never reported as a healthy video.
"""

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


def _png_header(path: Path) -> tuple[int, int, int]:
    """``(width, height, bits per sample)`` from a PNG's IHDR chunk."""
    with open(path, "rb") as fh:
        head = fh.read(26)
    if len(head) < 26 or head[:8] != b"\x89PNG\r\n\x1a\n" or head[12:16] != b"IHDR":
        raise VideoError(path, "not a PNG image (its header cannot be read)")
    width, height = struct.unpack(">II", head[16:24])
    return int(width), int(height), int(head[24])


def _tiff_header(path: Path) -> tuple[int, int, int]:
    """``(width, height, bits per sample)`` from a TIFF's first directory (Pillow, lazily)."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as image:
            bits = image.tag_v2.get(258, 8)  # type: ignore[attr-defined]
            bits = bits[0] if isinstance(bits, tuple) else bits
            return int(image.size[0]), int(image.size[1]), int(bits)
    except (OSError, UnidentifiedImageError, ValueError, AttributeError) as exc:
        raise VideoError(path, f"not a TIFF image (its header cannot be read: {exc})") from None


def frame_header(path: Path) -> tuple[int, int, int]:
    """``(width, height, bit depth)`` of one frame file, or :class:`VideoError` naming it."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise VideoError(path, "the frame file is missing (a broken link?)") from None
    except OSError as exc:
        raise VideoError(path, f"the frame file cannot be read ({exc.strerror})") from None
    if size == 0:
        raise VideoError(path, "the frame file is empty (0 bytes)")
    width, height, bits = (_png_header(path) if path.suffix.lower() == ".png"
                           else _tiff_header(path))
    return width, height, 16 if bits > 8 else 8


def _numbering_gap(files: list[Path]) -> str | None:
    """The first missing number when every name is prefix + number + suffix."""
    parts = [re.fullmatch(r"(.*?)(\d+)(\.\w+)", p.name) for p in files]
    if len(files) < 2 or any(m is None for m in parts):
        return None
    shapes = {(m.group(1), m.group(3).lower()) for m in parts if m}
    if len(shapes) != 1:
        return None
    numbers = [int(m.group(2)) for m in parts if m]
    for before, after in zip(numbers, numbers[1:], strict=False):
        if after != before + 1:
            return f"frame {before + 1} is missing: the numbering jumps from {before} to {after}"
    return None


def check_frames(folder: Path, files: list[Path]) -> tuple[int, int, int]:
    """Check every frame file's header; the common ``(width, height, bit depth)``."""
    gap = _numbering_gap(files)
    if gap:
        raise VideoError(folder, gap)
    first = frame_header(files[0])
    for path in files[1:]:
        width, height, depth = frame_header(path)
        if (width, height) != first[:2]:
            raise VideoError(path, f"frame size {width}x{height} differs from the first "
                             f"frame's {first[0]}x{first[1]}")
        if depth != first[2]:
            raise VideoError(path, f"{depth}-bit frame differs from the first frame's "
                             f"{first[2]}-bit")
    return first


class ImageFolderReader(VideoReader):
    def __init__(self, folder: Path, fps: float | None = None) -> None:
        files = sorted(  # frames and broken links to frames; not sub-folders
            (p for p in folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES
             and (p.is_file() or (p.is_symlink() and not p.exists()))),
            key=lambda p: natural_key(p.name),
        )
        if not files:
            raise VideoError(folder, "folder holds no PNG or TIFF frames")
        self._files = files
        check_frames(folder, files)
        first = self._decode(0)
        height, width = first.shape
        self._dtype = first.dtype
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
