"""The classifier's input length: a window's ``(T', F)`` features pre-padded with -1.

The paper's classifier (Keras ``Masking(-1)``) reads a fixed number of feature steps, the ones
of a full 2-s window of its backbone; a shorter leftover window is padded in front with
:data:`MASK_VALUE`, which the masked LSTM skips. Written against numpy (torch is imported only
for a tensor, which means it is loaded already), so the torch classifier, training and the
torch-free OpenVINO runtime pad in exactly one way.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["MASK_VALUE", "pad_steps"]

#: a padding step's feature value (Keras' Masking(-1))
MASK_VALUE = -1.0


def pad_steps(feats: Any, steps: int) -> Any:
    """(T, F) -> (steps, F), pre-padded with -1; keeps the last ``steps`` if longer. A numpy
    array gives an array, a torch tensor a tensor (same dtype and device)."""
    if feats.ndim != 2:
        raise ValueError(f"expected (T, F) features, got shape {tuple(feats.shape)}")
    t = feats.shape[0]
    if t >= steps:
        return feats[t - steps:]
    if isinstance(feats, np.ndarray):
        return np.concatenate([np.full((steps - t, feats.shape[1]), MASK_VALUE, feats.dtype),
                               feats])
    import torch  # a tensor: torch is loaded already

    return torch.cat([feats.new_full((steps - t, feats.shape[1]), MASK_VALUE), feats])
