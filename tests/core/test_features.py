"""Streaming features (core/features.py) with stand-in readers and backbones."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest

from semioscope.core.cancel import CancelToken
from semioscope.core.features import iter_window_features
from semioscope.core.geometry import Box
from semioscope.core.preprocess import preprocess_gray
from semioscope.core.video.mapping import KINECT
from semioscope.core.windows import plan_windows
from semioscope.errors import CancelledError, VideoError
from tests.core.stand_ins import (
    ArrayReader,
    GrayMeanBackbone,
    LeanGrayBackbone,
    MeanBackbone,
    assert_decoder_stopped,
    frames_with_ids,
)


def test_progress_counts_a_batch_before_its_windows_are_handed_on() -> None:
    """A front end drawing each window as it comes never shows more than the progress says."""
    reader = ArrayReader(frames_with_ids(630))
    seen: list[int] = []
    counted_when_handed: list[tuple[int, int]] = []
    for window, _ in iter_window_features(reader, backbone=MeanBackbone(), crop=None,
                                          mapping=KINECT, batch_size=4, first_batch=1,
                                          progress=lambda d, t: seen.append(d)):
        counted_when_handed.append((window.index + 1, seen[-1] if seen else 0))
    assert seen == [1, 5, 9, 10, 11]
    assert all(counted >= handed for handed, counted in counted_when_handed), \
        counted_when_handed


def test_windows_in_order_batched_by_length() -> None:
    reader = ArrayReader(frames_with_ids(630))
    backbone = MeanBackbone()
    seen: list[tuple[int, int]] = []
    out = list(iter_window_features(reader, backbone=backbone, crop=None, mapping=KINECT,
                                    batch_size=4, progress=lambda d, t: seen.append((d, t))))
    assert [w.index for w, _ in out] == list(range(11))
    assert [b[0] for b in backbone.batches] == [4, 4, 2, 1]
    assert [b[2] for b in backbone.batches] == [60, 60, 60, 30]
    assert seen == [(4, 11), (8, 11), (10, 11), (11, 11)]
    assert out[0][1].shape == (7, 1024) and out[-1][1].shape == (3, 1024)
    # the clip fed for window 3 is the preprocessing of frames 180..239, channels replicated
    expected = preprocess_gray(reader.frames[180:240], crop=None, mapping=KINECT)
    clip = backbone.clips[3]
    assert clip.shape == (3, 60, 224, 224)
    assert np.array_equal(clip[0], expected) and np.array_equal(clip[2], expected)


def test_a_gray_backbone_gets_one_channel_and_the_same_features() -> None:
    reader = ArrayReader(frames_with_ids(150))
    rgb, gray = MeanBackbone(), GrayMeanBackbone()
    out_rgb = list(iter_window_features(reader, backbone=rgb, crop=None, mapping=KINECT))
    out_gray = list(iter_window_features(reader, backbone=gray, crop=None, mapping=KINECT))
    assert [b[1] for b in rgb.batches] == [3, 3] and [b[1] for b in gray.batches] == [1, 1]
    assert all(np.array_equal(a[1], b[1]) for a, b in zip(out_rgb, out_gray, strict=True))
    assert np.array_equal(gray.clips[1][0], rgb.clips[1][2])


def test_crop_and_resampled_frames_reach_the_backbone() -> None:
    reader = ArrayReader(frames_with_ids(125), fps=25.0)
    backbone = MeanBackbone()
    crop = Box(4, 2, 20, 16)
    plan = plan_windows(reader.properties)
    out = list(iter_window_features(reader, backbone=backbone, crop=crop, mapping=KINECT,
                                    batch_size=8, plan=plan))
    assert [w.n_frames for w, _ in out] == [60, 60, 30]
    for window, clip in zip(plan.windows, backbone.clips, strict=True):
        src = reader.frames[plan.source_indices(window)]
        expected = preprocess_gray(src, crop=crop, mapping=KINECT)
        assert np.array_equal(clip[1], expected)


def test_decoding_streams_instead_of_reading_everything() -> None:
    reader = ArrayReader(frames_with_ids(60 * 40, 8, 8))
    gen = iter_window_features(reader, backbone=MeanBackbone(), crop=None, mapping=KINECT,
                               batch_size=1, prefetch=2)
    next(gen)
    assert reader.decoded <= 60 * 5  # a few windows ahead, not the whole 80-s video
    gen.close()
    assert_decoder_stopped()


def test_cancel_between_batches_stops_the_decoder() -> None:
    reader = ArrayReader(frames_with_ids(600, 8, 8))
    token = CancelToken()
    with pytest.raises(CancelledError):
        for _ in iter_window_features(reader, backbone=MeanBackbone(), crop=None,
                                      mapping=KINECT, batch_size=2,
                                      progress=lambda d, t: token.cancel(), cancel=token):
            pass
    assert_decoder_stopped()


def test_decoder_errors_reach_the_caller() -> None:
    reader = ArrayReader(frames_with_ids(300, 8, 8), fail_at=200)
    got: list[Any] = []
    with pytest.raises(VideoError, match="corrupt"):
        for item in iter_window_features(reader, backbone=MeanBackbone(), crop=None,
                                         mapping=KINECT, batch_size=1):
            got.append(item)
    assert len(got) == 3  # the windows before the damage were delivered
    assert_decoder_stopped()


def test_synchronous_mode_gives_the_same_features() -> None:
    reader = ArrayReader(frames_with_ids(200, 8, 8))
    a = [f for _, f in iter_window_features(reader, backbone=MeanBackbone(), crop=None,
                                            mapping=KINECT, prefetch=0)]
    b = [f for _, f in iter_window_features(reader, backbone=MeanBackbone(), crop=None,
                                            mapping=KINECT, prefetch=3)]
    assert len(a) == 4 and all(np.array_equal(x, y) for x, y in zip(a, b, strict=True))


def test_a_reader_that_ends_early_is_a_video_error() -> None:
    class ShortReader(ArrayReader):
        def iter_chunks(self, start: int = 0, stop: int | None = None,
                        chunk: int = 60) -> Iterator[np.ndarray]:
            yield from super().iter_chunks(start, min(stop or 0, 100), chunk)

    reader = ShortReader(frames_with_ids(200, 8, 8))
    with pytest.raises(VideoError, match="ended at frame 100"):
        list(iter_window_features(reader, backbone=MeanBackbone(), crop=None, mapping=KINECT))


def test_memory_is_flat_in_the_video_length() -> None:
    """Peak memory of the streaming engine for a 20-s and a 120-s video: the same (frames are
    decoded, preprocessed and scored a few windows at a time, never all held)."""
    import tracemalloc

    peaks = []
    for seconds in (20, 120):
        reader = ArrayReader(frames_with_ids(30 * seconds, 8, 8))
        tracemalloc.start()
        n = sum(1 for _ in iter_window_features(reader, backbone=LeanGrayBackbone(), crop=None,
                                                mapping=KINECT, batch_size=2))
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
        assert n == seconds // 2
    window_bytes = 60 * 224 * 224 * 4
    # six times longer, about the same peak (how far the decoder thread gets ahead varies by a
    # window or two with the scheduling), and a handful of windows, not the 60 of the video
    assert peaks[1] < peaks[0] + 4 * window_bytes, [p / window_bytes for p in peaks]
    assert max(peaks) < 12 * window_bytes, [p / window_bytes for p in peaks]
