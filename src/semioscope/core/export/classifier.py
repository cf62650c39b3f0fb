"""Export a trained ``.semio`` classifier (masked LSTM) to fp32 OpenVINO IR.

The input is always (N, steps, F) features pre-padded with -1 (``pad_features``), so one trace
fits every window; the masking is ``torch.where`` on the data and survives the conversion.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import torch

from semioscope.core.models.classifier import SeizureClassifier
from semioscope.core.runtime.ov import import_openvino

__all__ = ["convert_classifier", "export_classifier"]


def convert_classifier(model: SeizureClassifier) -> Any:
    """The ``openvino.Model`` of ``model`` in eval mode: (N, steps, F) -> (N,) P(TLE)."""
    ov = import_openvino()
    cfg = model.config
    example = torch.full((2, cfg.steps, cfg.features), -1.0)
    example[:, -3:] = torch.linspace(-0.5, 0.5, 3 * cfg.features).reshape(3, cfg.features)
    with torch.no_grad():
        return ov.convert_model(model.eval(), example_input=example,
                                input=[ov.PartialShape([-1, cfg.steps, cfg.features])])


def export_classifier(model: SeizureClassifier, xml: Path) -> Path:
    """Write ``xml`` (+ ``.bin``), fp32."""
    ov = import_openvino()
    ov.save_model(convert_classifier(model), str(xml), compress_to_fp16=False)
    return xml
