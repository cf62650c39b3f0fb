"""Stand-ins for the engine tests: an in-memory reader and backbones that pool their input."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import numpy as np
import torch

from semioscope.core.models.device import Device
from semioscope.core.video.base import VideoProperties, VideoReader
from semioscope.errors import VideoError


class ArrayReader(VideoReader):
    """In-memory frames; counts how far decoding has gone; can fail at a given frame."""

    def __init__(self, frames: np.ndarray, fps: float = 30.0, fail_at: int | None = None):
        self.frames = frames
        self.fail_at = fail_at
        self.decoded = 0
        self.properties = VideoProperties(
            path="mem.mkv", frames=len(frames), fps=fps, width=frames.shape[2],
            height=frames.shape[1], bit_depth=16, duration_s=len(frames) / fps, backend="mem")

    def read(self, index: int) -> np.ndarray:
        return self.frames[self._check_index(index)]

    def iter_chunks(self, start: int = 0, stop: int | None = None,
                    chunk: int = 60) -> Iterator[np.ndarray]:
        start, stop = self._clamp_range(start, stop)
        for i in range(start, stop, chunk):
            end = min(i + chunk, stop)
            if self.fail_at is not None and end > self.fail_at:
                raise VideoError("mem.mkv", f"corrupt data near frame {self.fail_at}")
            self.decoded = end
            yield self.frames[i:end]


class MeanBackbone:
    """Features = per-frame-pair mean of the clip, so each output identifies its input frames."""

    name = "fake"
    pretrained = False
    weights_sha256 = None
    device = Device("cpu")

    def __init__(self) -> None:
        self.batches: list[tuple[int, ...]] = []
        self.clips: list[np.ndarray] = []

    def features(self, clips: torch.Tensor) -> torch.Tensor:
        self.batches.append(tuple(clips.shape))
        self.clips.extend(c.numpy().copy() for c in clips)
        steps = max(1, clips.shape[2] // 8)
        means = clips[:, 0, : steps * 8].reshape(clips.shape[0], steps, -1).mean(-1)
        return means[..., None].expand(-1, -1, 1024)


def frames_with_ids(n: int, height: int = 24, width: int = 32) -> np.ndarray:
    """Each frame uniform at a level derived from its index (distinct after Kinect mapping)."""
    levels = (np.arange(n) * 37 % 200 + 20) * 70
    return np.broadcast_to(levels[:, None, None], (n, height, width)).astype(np.uint16)


class GrayMeanBackbone(MeanBackbone):
    accepts_gray = True


class LeanGrayBackbone:
    """The engine's shape of work without keeping anything: features = per-step clip means."""

    name, accepts_gray = "lean", True

    def features(self, clips: torch.Tensor) -> torch.Tensor:
        steps = max(1, clips.shape[2] // 8)
        means = clips[:, 0, : steps * 8].reshape(clips.shape[0], steps, -1).mean(-1)
        return means[..., None].expand(-1, -1, 1024)


def assert_decoder_stopped() -> None:
    for thread in threading.enumerate():
        if thread.name == "semioscope-decode":
            thread.join(timeout=2)
            assert not thread.is_alive()
