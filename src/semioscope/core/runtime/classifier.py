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

from semioscope.core.models.padding import MASK_VALUE, pad_steps  # the one padding rule
from semioscope.core.runtime.ov import compile_ir

__all__ = ["MASK_VALUE", "ClassifierInfo", "OpenVINOClassifier", "pad_steps"]


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
