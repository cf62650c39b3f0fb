"""The backbone on OpenVINO: the same interface as the torch ``Backbone``, numpy in and out.

Loads an IR written by :mod:`semioscope.core.export.backbone` (``<name>.xml`` + ``.bin``); the
facts the engine needs about it (name, pretrained, weights hash, shortest clip) come from the
model pack's manifest, not from the IR. Works without torch.

An IR exported since the saliency change has a second output, the last 3D map the features pool
(``has_maps``); :meth:`OpenVINOBackbone.features_and_maps` returns both from one inference, which
is what Grad-CAM over OpenVINO needs (:mod:`semioscope.core.explain`). Older packs have only the
features, and saliency is then unavailable, never computed another way.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any

import numpy as np

from semioscope.core.models.device import Device
from semioscope.core.models.timesteps import timesteps
from semioscope.core.models.weights import DescribedByWeights, backbone_weights
from semioscope.core.runtime.ov import compile_ir

__all__ = ["OpenVINOBackbone"]

log = logging.getLogger(__name__)


class OpenVINOBackbone(DescribedByWeights):
    """A frozen video network compiled for the CPU: (N,3,T,H,W) -> (N,T',F).

    ``precision``: "f32" (default, forced: OpenVINO would pick bf16 by itself on CPUs with it),
    "bf16", or "int8" for an IR quantised by ``models export --precision int8``.

    ``extend_to``: clips shorter than this are lengthened by repeating their last frame before
    inference (S3D's layers need 13 frames, and the torch path does the same). ``channels`` 1:
    the IR takes the gray clip ``(N, 1, T, H, W)`` (``accepts_gray``, as the torch I3D does).
    ``cache``: where OpenVINO may keep the compiled network (see :func:`compile_ir`).
    """

    runtime = "openvino"

    def __init__(self, xml: str | Path, *, name: str, pretrained: bool,
                 weights_sha256: str | None, threads: int | None = None,
                 extend_to: int | None = None, channels: int = 3,
                 cache: Path | None = None, precision: str = "f32") -> None:
        started = time.monotonic()
        self.precision = precision
        self.channels = channels
        self.device = Device("cpu")  # OpenVINO's CPU plugin: the batch default of the CPU
        self.accepts_gray = channels == 1
        self.name = name
        self.weights = backbone_weights(name)   # the contract: feature size, steps, shortest clip
        self.pretrained = pretrained
        self.weights_sha256 = weights_sha256
        self.extend_to = extend_to
        self.xml = Path(xml)
        self._compiled = compile_ir(self.xml, threads=threads, cache=cache, precision=precision)
        self._request = self._compiled.create_infer_request()
        #: whether the IR also gives the last 3D map (output 1)
        self.has_maps = len(self._compiled.outputs) > 1
        log.debug("compiled %s in %.2f s", self, time.monotonic() - started)

    def timesteps(self, n_frames: int) -> int:
        """How many feature steps a clip of ``n_frames`` frames gives."""
        return timesteps(self.name, n_frames)

    def features(self, clips: Any) -> np.ndarray:
        """(N, channels, T, H<=224, W<=224) float32 in [-1, 1] -> (N, T', 1024) float32."""
        self._infer(clips)
        return self._output(0)

    def features_and_maps(self, clips: Any) -> tuple[np.ndarray, np.ndarray]:
        """The features and the last 3D map ``(N, 1024, t, h, w)`` they pool, one inference."""
        if not self.has_maps:
            raise ValueError(f"{self.xml.name} gives no feature maps (exported before "
                             "saliency over OpenVINO): export it again")
        self._infer(clips)
        return self._output(0), self._output(1)

    def _output(self, index: int) -> np.ndarray:
        return np.array(self._request.get_output_tensor(index).data, dtype=np.float32, copy=True)

    def _infer(self, clips: Any) -> None:
        x = np.ascontiguousarray(np.asarray(clips, dtype=np.float32))
        if x.ndim != 5 or x.shape[1] != self.channels:
            raise ValueError(f"expected clips (N, {self.channels}, T, 224, 224), got "
                             f"{tuple(x.shape)}")
        if x.shape[2] < self.min_frames:
            raise ValueError(f"a clip needs at least {self.min_frames} frames, got {x.shape[2]}")
        if self.extend_to is not None and x.shape[2] < self.extend_to:
            tail = np.repeat(x[:, :, -1:], self.extend_to - x.shape[2], axis=2)
            x = np.concatenate([x, tail], axis=2)
        self._request.infer({0: x})

    def provenance(self) -> dict[str, str]:
        """What results record as the features' ``runtime`` and ``device``."""
        from semioscope.core.runtime.ov import import_openvino

        version = str(import_openvino().__version__).split("-")[0]
        return {"runtime": f"openvino {version}", "device": "cpu", "precision": self.precision}

    def __repr__(self) -> str:
        return (f"OpenVINOBackbone({self.name}, pretrained={self.pretrained}, "
                f"weights_sha256={self.weights_sha256 and self.weights_sha256[:12]})")
