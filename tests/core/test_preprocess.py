"""The paper's preprocessing: shape, range, aspect, centred black padding, one mapping per video."""

from __future__ import annotations

import numpy as np
import pytest

from semioscope.core.geometry import Box
from semioscope.core.preprocess import (
    INPUT_SIZE,
    PREPROCESSING_VERSION,
    preprocess_clip,
    preprocess_gray,
    resize_geometry,
)
from semioscope.core.video.mapping import IDENTITY, KINECT, IntensityMapping
from semioscope.errors import SemioscopeError


def _bright_rect_frames(n: int, height: int, width: int) -> np.ndarray:
    """uint16 frames with a bright rectangle on a dark field, whose content differs per frame."""
    rng = np.random.default_rng(1)
    frames = rng.integers(1000, 3000, (n, height, width)).astype(np.uint16)
    frames[:, height // 4: 3 * height // 4, width // 4: 3 * width // 4] = 30000
    return frames


def test_version_is_recorded_text() -> None:
    assert isinstance(PREPROCESSING_VERSION, str) and PREPROCESSING_VERSION


def test_shape_dtype_and_range() -> None:
    frames = _bright_rect_frames(7, 80, 96)
    clip = preprocess_clip(frames, crop=None, mapping=KINECT)
    assert clip.shape == (3, 7, INPUT_SIZE, INPUT_SIZE)
    assert clip.dtype == np.float32
    assert clip.min() >= -1.0 and clip.max() <= 1.0
    assert clip.max() == pytest.approx(1.0)  # 30000 saturates the Kinect mapping
    # gray -> RGB: the three channels are identical
    assert np.array_equal(clip[0], clip[1]) and np.array_equal(clip[0], clip[2])


@pytest.mark.parametrize(("w", "h"), [(96, 80), (80, 96), (300, 100), (224, 224), (17, 5)])
def test_geometry_preserves_aspect_and_centres(w: int, h: int) -> None:
    new_w, new_h, left, top = resize_geometry(w, h)
    assert max(new_w, new_h) == INPUT_SIZE
    assert new_w / new_h == pytest.approx(w / h, rel=0.02)
    assert abs(left - (INPUT_SIZE - new_w - left)) <= 1
    assert abs(top - (INPUT_SIZE - new_h - top)) <= 1


def test_padding_is_black_and_content_centred() -> None:
    frames = np.full((2, 50, 100), 255, dtype=np.uint8)  # all white, 2:1 landscape
    gray = preprocess_gray(frames, crop=None, mapping=IDENTITY)
    # resized to 224x112, padded by 56 rows top and bottom
    assert np.all(gray[:, :56, :] == -1.0)
    assert np.all(gray[:, 56 + 112:, :] == -1.0)
    assert np.all(gray[:, 56:56 + 112, :] == 1.0)


def test_aspect_preserved_in_pixels() -> None:
    """A square drawn in the source stays square after the resize (width == height)."""
    frames = np.zeros((1, 100, 200), dtype=np.uint8)
    frames[0, 25:75, 50:100] = 255  # 50x50 square
    gray = preprocess_gray(frames, crop=None, mapping=IDENTITY)[0]
    rows = np.where((gray > 0).any(axis=1))[0]
    cols = np.where((gray > 0).any(axis=0))[0]
    assert abs((rows[-1] - rows[0]) - (cols[-1] - cols[0])) <= 1


def test_crop_applied_to_every_frame() -> None:
    frames = np.zeros((3, 60, 80), dtype=np.uint8)
    frames[:, 10:30, 20:60] = 200  # the crop region only
    full = Box(20, 10, 40, 20)
    gray = preprocess_gray(frames, crop=full, mapping=IDENTITY)
    valid = gray[:, 56:168, :]  # 40x20 -> 224x112, centred
    assert np.allclose(valid, 200 / 127.5 - 1.0)
    with pytest.raises(SemioscopeError):
        preprocess_gray(frames, crop=Box(70, 0, 20, 10), mapping=IDENTITY)


def test_mapping_applied_identically_to_every_frame() -> None:
    """The same 16-bit frame gives the same output wherever it sits in the chunk."""
    frames = _bright_rect_frames(5, 40, 40)
    frames[3] = frames[0]
    for mapping in (KINECT, IntensityMapping("percentile", {"low": 1000.0, "high": 4000.0})):
        gray = preprocess_gray(frames, crop=None, mapping=mapping)
        assert np.array_equal(gray[0], gray[3])
        assert not np.array_equal(gray[0], gray[1])
        alone = preprocess_gray(frames[3:4], crop=None, mapping=mapping)
        assert np.array_equal(alone[0], gray[3])


def test_kinect_mapping_values() -> None:
    """v / 65535 / 0.24 clipped to [0.01, 1] times 255, then scaled to [-1, 1]."""
    frames = np.full((1, 4, 4), 7864, dtype=np.uint16)  # r = 0.5 -> 127
    gray = preprocess_gray(frames, crop=None, mapping=KINECT)
    assert gray[0, 112, 112] == pytest.approx(127 / 127.5 - 1.0)
