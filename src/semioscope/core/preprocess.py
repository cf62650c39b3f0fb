"""The paper's preprocessing (section 3.3.2), one function for analysis and training alike.

Steps, in order, for a chunk of gray frames ``(T, H, W)`` (uint16 IR or uint8):

1. crop every frame with the same :class:`~semioscope.core.geometry.Box` (source pixels);
2. 16->8-bit with the video's one :class:`~semioscope.core.video.mapping.IntensityMapping`
   (a lookup table: identical for every frame, never per-frame statistics);
3. aspect-preserving bilinear resize (``cv2.INTER_LINEAR`` on the uint8 image, as the paper resized
   uint8 RGB) so the longest side is 224 px;
4. pad to 224x224 with black, **centred** (the odd pixel, if any, goes right/bottom), so the
   patient stays in the middle of the network's receptive field;
5. scale ``v / 127.5 - 1`` to float32 in [-1, 1] (black padding becomes exactly -1.0);
6. gray -> RGB by repeating the channel, last and cheaply (one broadcast copy into the batch).

Any change to these steps must change :data:`PREPROCESSING_VERSION`: it is recorded in every result
and every trained classifier, and the engine refuses a classifier made with another version.
"""

from __future__ import annotations

import cv2
import numpy as np

from semioscope.core.geometry import Box
from semioscope.core.video.mapping import IntensityMapping

#: recorded in results and classifiers; bump on any change to the steps above
PREPROCESSING_VERSION = "paper-3.3.2/v1 crop,map8,bilinear-long224,pad-centre,scale-1..1,rgb"
#: network input side in pixels
INPUT_SIZE = 224

#: uint8 -> float32 in [-1, 1]: one table lookup instead of arithmetic on every pixel
_SCALE_LUT = (np.arange(256, dtype=np.float32) / np.float32(127.5) - np.float32(1.0)).astype(
    np.float32)


def resize_geometry(width: int, height: int, size: int = INPUT_SIZE) -> tuple[int, int, int, int]:
    """``(new_w, new_h, left, top)``: the resized crop's size and where it sits on the canvas.

    The longest side becomes ``size``; the other keeps the aspect ratio (at least 1 px). The image
    is centred; with an odd remainder the extra padding pixel goes to the right or bottom.
    """
    if width <= 0 or height <= 0:
        raise ValueError(f"cannot resize an empty {width}x{height} image")
    scale = size / max(width, height)
    new_w = min(size, max(1, int(round(width * scale))))
    new_h = min(size, max(1, int(round(height * scale))))
    return new_w, new_h, (size - new_w) // 2, (size - new_h) // 2


def crop_frames(frames: np.ndarray, crop: Box | None) -> np.ndarray:
    """The same box cut from every frame of a ``(T, H, W)`` stack (a view, no copy)."""
    if frames.ndim != 3:
        raise ValueError(f"expected (T, H, W) frames, got shape {frames.shape}")
    if crop is None:
        return frames
    _, height, width = frames.shape
    crop.validate(width, height)
    return frames[:, crop.y:crop.y2, crop.x:crop.x2]


def preprocess_gray(
    frames: np.ndarray, *, crop: Box | None, mapping: IntensityMapping, size: int = INPUT_SIZE
) -> np.ndarray:
    """Steps 1-5 for a chunk: ``(T, H, W)`` gray -> ``(T, size, size)`` float32 in [-1, 1].

    One channel only: replicate with :func:`to_rgb` (or straight into a batch buffer) at the end,
    so the resize and the scaling run on a third of the data.
    """
    cropped = mapping.apply(crop_frames(frames, crop))  # LUT on the crop only: cheaper
    count, height, width = cropped.shape
    new_w, new_h, left, top = resize_geometry(width, height, size)
    canvas = np.zeros((count, size, size), dtype=np.uint8)  # black padding
    target = canvas[:, top:top + new_h, left:left + new_w]
    for i in range(count):
        target[i] = cv2.resize(cropped[i], (new_w, new_h), interpolation=cv2.INTER_LINEAR)
    return _SCALE_LUT[canvas]


def to_rgb(gray: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """``(T, S, S)`` -> ``(3, T, S, S)`` (the channel-first clip layout of I3D/S3D), one copy.

    With ``out`` (e.g. one slot of a preallocated ``(N, 3, T, S, S)`` batch) the copy goes there.
    """
    if out is None:
        out = np.empty((3, *gray.shape), dtype=np.float32)
    out[...] = gray[None]
    return out


def preprocess_clip(
    frames: np.ndarray, *, crop: Box | None, mapping: IntensityMapping, size: int = INPUT_SIZE
) -> np.ndarray:
    """All steps: ``(T, H, W)`` gray -> ``(3, T, size, size)`` float32 in [-1, 1]."""
    return to_rgb(preprocess_gray(frames, crop=crop, mapping=mapping, size=size))
