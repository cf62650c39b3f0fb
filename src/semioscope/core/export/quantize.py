"""int8 backbone for a pack: NNCF post-training quantisation of the fp32 IR.

Calibrated on preprocessed clips of the team's own seizures (the calibration share of
:func:`~semioscope.core.export.agreement.split_rows`, never the ones the agreement gate checks).
NNCF is imported only after :func:`~semioscope.core.runtime.ov.import_openvino` hid the
telemetry client, so NNCF's own telemetry falls back to its no-op stub too (checked).

Quantised only where the CPU has VNNI/AMX int8 (the caller checks): elsewhere int8 was 4x slower
than fp32 (/work/shared/PERF_NOTES.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from semioscope.core.manifest import ManifestRow
from semioscope.core.runtime.ov import import_openvino
from semioscope.errors import SemioscopeError

__all__ = ["calibration_clips", "import_nncf", "quantize_ir"]


class _ClipRecorder:
    """Keeps a copy of every clip fed to the backbone (up to ``limit``), features passed on."""

    def __init__(self, backbone: Any, limit: int) -> None:
        self.backbone, self.limit = backbone, limit
        self.clips: list[np.ndarray] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self.backbone, name)

    def features(self, clips: Any) -> Any:
        for clip in np.asarray(clips, dtype=np.float32):
            if len(self.clips) < self.limit:
                self.clips.append(clip[None].copy())
        return self.backbone.features(clips)


def calibration_clips(rows: Sequence[ManifestRow], backbone: Any, *, mapping: str = "kinect",
                      limit: int = 16, batch_size: int = 2) -> list[np.ndarray]:
    """Up to ``limit`` preprocessed ``(1, C, T, 224, 224)`` clips of ``rows``, as the engine
    feeds them (full-length windows only: one shape for the statistics)."""
    from semioscope.core.training.cache import compute_windows

    recorder = _ClipRecorder(backbone, limit)
    for row in rows:
        if len(recorder.clips) >= limit:
            break
        compute_windows(row, recorder, mapping, batch_size)
    if not recorder.clips:
        return []
    longest = max(c.shape[2] for c in recorder.clips)
    return [c for c in recorder.clips if c.shape[2] == longest]


def import_nncf() -> Any:
    """``nncf``, with telemetry off (see the module docstring)."""
    import_openvino()
    try:
        import nncf
        from nncf.telemetry import wrapper
    except ImportError as exc:
        raise SemioscopeError("nncf", f"int8 export needs NNCF, which is not installed ({exc}): "
                              "pip install 'semioscope[quantize]' (bf16 and f32 need no "
                              "extra)") from exc

    if isinstance(wrapper.telemetry, wrapper.NNCFTelemetry):   # the real client: refuse
        raise RuntimeError("NNCF telemetry could not be disabled")
    return nncf


def quantize_ir(xml: Path, out: Path, clips: Sequence[np.ndarray]) -> Path:
    """Write ``out`` (+ ``.bin``): ``xml`` quantised to int8 with statistics of ``clips``."""
    ov = import_openvino()
    nncf = import_nncf()
    if not clips:
        raise ValueError("no calibration clips")
    model = ov.Core().read_model(str(xml))
    quantised = nncf.quantize(model, nncf.Dataset(list(clips)), subset_size=len(clips),
                              preset=nncf.QuantizationPreset.MIXED)
    ov.save_model(quantised, str(out), compress_to_fp16=False)
    return out
