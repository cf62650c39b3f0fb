"""Saliency while analysing (``analyze --saliency``) and for one window on demand (the GUI).

:class:`SaliencyRecorder` stands in for the backbone inside the analysis' streaming loop: its
``features`` computes the last 3D map once, keeps it, and returns the pooled features the
analysis scores as usual; :meth:`explain` then turns the oldest kept map into that window's
Grad-CAM. So ``--saliency`` adds a classifier backward pass per window, not a backbone pass, on
torch or on OpenVINO (whose IR gives the map as a second output).
"""

from __future__ import annotations

import time
from collections import deque
from typing import Any

import numpy as np
import torch

from semioscope.core.explain.gradcam import (
    feature_maps,
    features_and_maps,
    grad_cam,
    layer_name,
)
from semioscope.core.explain.placement import PlacedMap, place
from semioscope.core.explain.store import SaliencySet
from semioscope.core.geometry import Box


class SaliencyRecorder:
    """A backbone wrapper (same ``name`` and ``features``) that records each window's map."""

    def __init__(self, backbone: Any, classifier: Any, threshold: float, box: Box,
                 subject: Box | None = None) -> None:
        self.backbone, self.classifier, self.threshold = backbone, classifier, threshold
        self.name = backbone.name
        self.accepts_gray = bool(getattr(backbone, "accepts_gray", False))
        self.saliency = SaliencySet(box, layer_name(backbone), backbone.name, subject)
        self._pending: deque[torch.Tensor] = deque()
        self.seconds = 0.0

    def features(self, clips: torch.Tensor) -> torch.Tensor:
        feats, maps = features_and_maps(self.backbone, clips)
        self._pending.extend(maps.unbind(0))
        return feats

    def explain(self, index: int) -> tuple[PlacedMap, float, str]:
        """The next window's map, placed on the crop; returns ``(map, P(TLE), target)``."""
        started = time.perf_counter()
        cam = grad_cam(self.classifier, self._pending.popleft(), self.threshold)
        placed = place(cam.cam, self.saliency.box)
        self.saliency.add(index, placed, cam.target, cam.peak)
        self.seconds += time.perf_counter() - started
        return placed, cam.p_tle, cam.target


def explain_window(reader: Any, plan: Any, window: Any, *, backbone: Any, classifier: Any,
                   threshold: float, crop: Box | None, mapping: Any) -> tuple[PlacedMap, float,
                                                                             str]:
    """One window's saliency on demand: decode, preprocess, backbone map, Grad-CAM, placement.

    Costs one backbone pass (about the time the analysis spent on that window).
    """
    from semioscope.core.preprocess import preprocess_clip

    props = reader.properties
    box = crop or Box.full_frame(props.width, props.height)
    indices = plan.source_indices(window)
    frames = np.stack([reader.read(int(i)) for i in indices])
    clip = preprocess_clip(frames, crop=crop, mapping=mapping)
    maps = feature_maps(backbone, torch.from_numpy(clip)[None])
    cam = grad_cam(classifier, maps[0], threshold)
    return place(cam.cam, box), cam.p_tle, cam.target
