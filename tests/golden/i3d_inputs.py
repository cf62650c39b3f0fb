"""The golden I3D clips, rebuilt from a seed instead of stored (numpy only: the flax script and
the test share this).

PCG64's raw output is fixed by its seed on every numpy version (numpy keeps bit generators'
streams stable; only ``Generator`` methods may change), so the bytes below are the same in the
throwaway jax environment (numpy 1.26) and ours (numpy 2). Each clip mixes 8x8-pixel blocks
(structure the network's early layers respond to) with per-pixel noise, in [-1, 1].
"""

from __future__ import annotations

import numpy as np

#: (frames, seed) of each golden batch: the engine's full 2-s window and its shortest clip
CLIPS = ((60, 60), (10, 10))
SIZE = 224


def _uniform(seed: int, shape: tuple[int, ...]) -> np.ndarray:
    n = int(np.prod(shape))
    raw = np.random.PCG64(seed).random_raw((n + 7) // 8)
    u8 = np.frombuffer(raw.astype("<u8").tobytes(), dtype=np.uint8)[:n]
    return (u8.astype(np.float32) / np.float32(127.5) - np.float32(1.0)).reshape(shape)


def golden_batch(frames: int, seed: int) -> np.ndarray:
    """(2, frames, 224, 224, 3) float32, channels last (flax's layout): clip 0 in colour,
    clip 1 gray (its three channels equal, as the engine's infrared clips are)."""
    coarse = _uniform(seed, (2, frames, SIZE // 8, SIZE // 8, 3)).repeat(8, 2).repeat(8, 3)
    fine = _uniform(seed + 1000, (2, frames, SIZE, SIZE, 3))
    x = (np.float32(0.75) * coarse + np.float32(0.25) * fine).astype(np.float32)
    x[1] = x[1, ..., :1]   # gray: broadcast channel 0 to all three
    return x
