"""The torch backbone in bf16: autocast around the same network, where the hardware has bf16.

Only :func:`semioscope.core.runtime.precision.choose_precision` decides that bf16 is allowed
(native on this CPU, or a GPU with bf16); this wrapper only runs it. The features come back as
float32, so nothing downstream changes; ``provenance()`` says bf16.
"""

from __future__ import annotations

from typing import Any

import torch

__all__ = ["AutocastBackbone"]


class AutocastBackbone:
    """``backbone`` whose :meth:`features` runs under ``torch.autocast(bfloat16)``."""

    precision = "bf16"

    def __init__(self, backbone: Any) -> None:
        self.inner = backbone

    def __getattr__(self, name: str) -> Any:   # name, weights, device, timesteps, ...
        return getattr(self.inner, name)

    def features(self, clips: Any) -> torch.Tensor:
        kind = self.inner.device.kind
        with torch.autocast(device_type=kind, dtype=torch.bfloat16):
            out = self.inner.features(clips)
        return out.to(torch.float32)

    def provenance(self) -> dict[str, str]:
        return {**self.inner.provenance(), "precision": "bf16"}

    def __repr__(self) -> str:
        return f"AutocastBackbone({self.inner!r})"
