"""The masked-LSTM classifier on OpenVINO: one window's (T', F) features -> P(TLE).

Its metadata comes from the pack's manifest as :class:`ClassifierInfo`: the decision rule and
provenance the engine reads, and the very dict the torch path records (``to_dict``), so results
from both installs say the same about the classifier.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from semioscope.core.runtime.ov import compile_ir

__all__ = ["MASK_VALUE", "ClassifierInfo", "OpenVINOClassifier", "pad_steps"]

#: a padding step's feature value (Keras' Masking(-1)), as ``classifier.pad_features`` uses
MASK_VALUE = -1.0


def pad_steps(feats: np.ndarray, steps: int) -> np.ndarray:
    """(T, F) -> (steps, F), pre-padded with -1; the numpy half of ``pad_features``."""
    if feats.ndim != 2:
        raise ValueError(f"expected (T, F) features, got shape {tuple(feats.shape)}")
    t = feats.shape[0]
    if t >= steps:
        return feats[t - steps:]
    return np.concatenate([np.full((steps - t, feats.shape[1]), MASK_VALUE, feats.dtype), feats])


@dataclass(frozen=True)
class ClassifierInfo:
    """``ClassifierMetadata.to_dict()`` as stored in a pack, read without torch."""

    data: dict[str, Any]

    def __getattr__(self, name: str) -> Any:
        try:
            return self.data[name]
        except KeyError:
            raise AttributeError(name) from None

    def to_dict(self) -> dict[str, Any]:
        return dict(self.data)


class OpenVINOClassifier:
    """A compiled classifier IR; ``steps`` is the sequence length it was exported with."""

    runtime = "openvino"

    def __init__(self, xml: str | Path, *, steps: int, threads: int | None = None) -> None:
        self.steps = steps
        self._request = compile_ir(Path(xml), threads=threads).create_infer_request()

    def p_tle(self, feats: np.ndarray) -> float:
        """P(TLE) of one window's ``(T', F)`` features, pre-padded to ``steps`` with -1."""
        x = np.ascontiguousarray(pad_steps(np.asarray(feats, dtype=np.float32), self.steps))[None]
        self._request.infer({0: x})
        return float(np.asarray(self._request.get_output_tensor(0).data).reshape(-1)[0])
