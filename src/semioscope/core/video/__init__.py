"""Video input: ``open_video(path)`` for containers, image folders and ``.npy`` arrays.

    with open_video("seizure.mkv") as video:
        video.properties        # frames, fps, width, height, bit_depth, duration_s
        video.read(25)          # frame 25, exactly (uint16 for 16-bit IR)
        for chunk in video.iter_chunks(chunk=60): ...
"""

from __future__ import annotations

import os
from pathlib import Path

from semioscope.core.cancel import CancelToken
from semioscope.core.video.base import NOMINAL_FPS, VideoProperties, VideoReader
from semioscope.core.video.mapping import (
    IDENTITY,
    KINECT,
    MAPPING_NAMES,
    IntensityMapping,
    mapping_for,
    percentile_mapping,
)
from semioscope.errors import VideoError

__all__ = [
    "IDENTITY", "KINECT", "MAPPING_NAMES", "NOMINAL_FPS", "IntensityMapping", "VideoError",
    "VideoProperties", "VideoReader", "mapping_for", "open_video", "percentile_mapping",
]


def open_video(path: str | os.PathLike[str], fps: float | None = None, *,
               allow_truncated: bool = False, cancel: CancelToken | None = None) -> VideoReader:
    """Open a video for reading without loading it; ``fps`` overrides the file's frame rate.

    A recording cut short (its frames cover less time than its header declares) is refused
    unless ``allow_truncated``; then ``properties.truncated`` is set and only the present
    part is read. Raises :class:`VideoError` naming the file and the problem for anything we
    cannot read. ``cancel`` stops a slow first open (indexing a long AVI) with ``CancelledError``.
    """
    from semioscope.core.inputs import check_regular
    from semioscope.core.plans import check_fps
    from semioscope.errors import SemioscopeError

    check_fps(fps)   # --fps -1, nan, 0.001: refused before anything is opened
    path = Path(path)
    if not path.exists():
        raise VideoError(path, "is a dangling symlink" if path.is_symlink()
                         else "no such file or folder")
    try:
        check_regular(path, "video", folder_ok=True)   # a FIFO or device: never a wait
    except SemioscopeError as exc:
        raise VideoError(path, exc.message) from None
    if path.is_dir():
        from semioscope.core.video.folder_reader import ImageFolderReader

        return ImageFolderReader(path, fps)
    if not os.access(path, os.R_OK):
        raise VideoError(path, "permission denied")
    if path.stat().st_size == 0:
        raise VideoError(path, "the file is empty")
    if path.suffix.lower() == ".npy":
        from semioscope.core.video.npy_reader import NpyReader

        return NpyReader(path, fps)
    from semioscope.core.video.pyav_reader import PyAVReader

    return PyAVReader(path, fps, allow_truncated=allow_truncated, cancel=cancel)
