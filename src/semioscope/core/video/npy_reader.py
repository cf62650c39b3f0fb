"""``.npy`` arrays (T, H, W), memory-mapped and never unpickled."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np

from semioscope.core.video.base import NOMINAL_FPS, VideoProperties, VideoReader
from semioscope.errors import VideoError


def _check_header(path: Path) -> None:
    """Say what is wrong from the header: pickled objects, or fewer bytes than it declares."""
    try:
        with open(path, "rb") as fh:
            version = np.lib.format.read_magic(fh)
            read = (np.lib.format.read_array_header_1_0 if version == (1, 0)
                    else np.lib.format.read_array_header_2_0)
            shape, _, dtype = read(fh)
            offset = fh.tell()
    except Exception as exc:
        raise VideoError(path, f"not a .npy array ({type(exc).__name__})") from None
    if dtype.hasobject:
        raise VideoError(path, "refused: the array is pickled (Python objects); save frames as "
                         "a plain uint8/uint16 array")
    needed = offset + int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    if path.stat().st_size < needed:
        raise VideoError(path, f"a truncated .npy array: {path.stat().st_size} bytes, its "
                         f"header declares {needed}")


class NpyReader(VideoReader):
    """A (T, H, W) uint8 or uint16 array. Pickled (object) arrays are refused: loading one would
    run code from the file."""

    def __init__(self, path: Path, fps: float | None = None) -> None:
        _check_header(path)
        try:
            arr = np.load(path, mmap_mode="r", allow_pickle=False)
        except Exception as exc:
            raise VideoError(path, f"not a readable .npy array ({type(exc).__name__})") \
                from None
        if not isinstance(arr, np.ndarray) or arr.ndim != 3:
            shape = getattr(arr, "shape", None)
            raise VideoError(path, f"expected a (frames, height, width) array, found shape {shape}")
        if arr.dtype not in (np.uint8, np.uint16):
            raise VideoError(path, f"unsupported pixel type {arr.dtype} (need uint8 or uint16)")
        if arr.shape[0] == 0:
            raise VideoError(path, "the array holds zero frames")
        if arr.shape[1] == 0 or arr.shape[2] == 0:
            raise VideoError(path, f"the frames are {arr.shape[2]}x{arr.shape[1]} pixels "
                             "(zero width or height)")
        self._arr = arr
        rate = float(fps) if fps else NOMINAL_FPS
        self.properties = VideoProperties(
            path=str(path), frames=int(arr.shape[0]), fps=rate,
            width=int(arr.shape[2]), height=int(arr.shape[1]),
            bit_depth=16 if arr.dtype == np.uint16 else 8,
            duration_s=arr.shape[0] / rate, backend="npy",
            fps_source="user" if fps else "assumed", pixel_format=str(arr.dtype),
        )

    def read(self, index: int) -> np.ndarray:
        return np.array(self._arr[self._check_index(index)])

    def iter_chunks(
        self, start: int = 0, stop: int | None = None, chunk: int = 60
    ) -> Iterator[np.ndarray]:
        start, stop = self._clamp_range(start, stop)
        for i in range(start, stop, chunk):
            yield np.array(self._arr[i:min(i + chunk, stop)])

    def close(self) -> None:
        mm = getattr(self._arr, "_mmap", None)
        if mm is not None:
            mm.close()
