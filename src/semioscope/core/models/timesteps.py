"""How many feature steps each backbone gives for a clip length: pure arithmetic, no torch.

Kept apart from the architectures so that the torch-free clinician runtime
(:mod:`semioscope.core.runtime`) plans windows with the same numbers as the torch path.
"""

from __future__ import annotations

import math

__all__ = ["S3D_LAYER_MIN_FRAMES", "i3d_timesteps", "s3d_timesteps", "timesteps"]

#: the shortest clip S3D's *layers* accept (stride-2 stem, two stride-2 pools, (2,7,7) avg-pool);
#: the backbone itself accepts any window (``weights.min_frames``, the window rule's 10) and
#: lengthens a shorter clip to this by repeating its last frame (``s3d.extend_clip``)
S3D_LAYER_MIN_FRAMES = 13


def i3d_timesteps(n_frames: int) -> int:
    """Feature steps for a clip of ``n_frames`` (SAME: ceil /2 three times, then -1)."""
    t = n_frames
    for _ in range(3):
        t = math.ceil(t / 2)
    return max(t - 1, 0)


def s3d_timesteps(n_frames: int) -> int:
    """Feature steps for a clip of ``n_frames`` (floor-style padding: 60 frames -> 6)."""
    t = max(n_frames, S3D_LAYER_MIN_FRAMES)
    t = (t - 1) // 2 + 1        # stem: kernel 7, stride 2, padding 3
    t = (t - 1) // 2 + 1        # MaxPool 3x3x3, stride 2, padding 1
    t = (t - 2) // 2 + 1        # MaxPool 2x2x2, stride 2
    return max(t - 1, 0)        # avgpool kernel 2, stride 1


def timesteps(backbone: str, n_frames: int) -> int:
    """Feature steps of the named backbone ("i3d" | "s3d") for ``n_frames``."""
    if backbone == "i3d":
        return i3d_timesteps(n_frames)
    if backbone == "s3d":
        return s3d_timesteps(n_frames)
    raise ValueError(f"unknown backbone {backbone!r}")
