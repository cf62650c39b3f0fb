"""The review window's first bar: the decoder waits while the first batch is computed (it took
cores from it), then decodes on; the windows and their features are those of a run without."""

from __future__ import annotations

import threading
import time

import numpy as np

from semioscope.core.features import iter_window_features, start_preprocessing
from semioscope.core.video.mapping import KINECT
from semioscope.core.windows import plan_windows
from tests.core.stand_ins import ArrayReader, GrayMeanBackbone, frames_with_ids


class WatchingBackbone(GrayMeanBackbone):
    """Records how far the decoder had got at each batch; at the first it gives the decoder
    half a second to run ahead (it may not, when held)."""

    def __init__(self, reader: ArrayReader) -> None:
        super().__init__()
        self.reader = reader
        self.decoded_at: list[int] = []

    def features(self, clips):
        if not self.batches:
            end = time.monotonic() + 0.5
            while self.reader.decoded <= 60 and time.monotonic() < end:
                threading.Event().wait(0.01)
        self.decoded_at.append(self.reader.decoded)
        return super().features(clips)


def run(hold_after: int | None) -> tuple[list, WatchingBackbone]:
    reader = ArrayReader(frames_with_ids(300, 8, 8))            # 5 windows of 60 frames
    plan = plan_windows(reader.properties)
    backbone = WatchingBackbone(reader)
    with start_preprocessing(reader, plan, crop=None, mapping=KINECT,
                             hold_after=hold_after) as frames:
        out = list(iter_window_features(reader, backbone=backbone, crop=None, mapping=KINECT,
                                        batch_size=2, first_batch=1, plan=plan,
                                        preprocessed=frames))
    return out, backbone


def test_the_decoder_waits_for_the_first_batch_then_decodes_on() -> None:
    held, held_backbone = run(hold_after=1)
    free, free_backbone = run(hold_after=None)
    assert held_backbone.decoded_at[0] == 60          # only the first window's frames
    assert free_backbone.decoded_at[0] > 60           # unheld, it runs ahead meanwhile
    assert [b[0] for b in held_backbone.batches] == [1, 2, 2]
    assert [w.index for w, _ in held] == [w.index for w, _ in free] == [0, 1, 2, 3, 4]
    assert all(np.array_equal(a, b) for (_, a), (_, b) in zip(held, free, strict=True))


def test_a_held_decoder_is_stopped_by_close() -> None:
    reader = ArrayReader(frames_with_ids(300, 8, 8))
    frames = start_preprocessing(reader, plan_windows(reader.properties), crop=None,
                                 mapping=KINECT, hold_after=1)
    window, _ = next(frames)
    assert window.index == 0
    frames.close()                                    # never released: close still ends it
    assert not frames._thread.is_alive() and reader.decoded == 60
