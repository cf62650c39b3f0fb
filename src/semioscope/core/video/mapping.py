"""16-bit IR to 8-bit: one named, recorded mapping per video, never per frame.

* ``kinect`` (default): the fixed mapping of Microsoft's Kinect v2 *InfraredBasics* sample:
  ``v / 65535 / (0.08 * 3)``, clamped to ``[0.01, 1]``, times 255. The same for every video, so
  features are comparable across patients.
* ``percentile``: one linear window per video from robust percentiles of frames sampled across the
  whole video. Never per frame: a per-frame window flickers and changes the features.
* ``identity``: 8-bit sources pass through unchanged.

The mapping's name and parameters go into every result and every trained model, so the engine can
refuse a model trained with another mapping. Applying it is one lookup in a 65,536-entry table.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from semioscope.core.video.base import VideoReader

KINECT_SCENE_AVERAGE = 0.08
KINECT_STANDARD_DEVIATIONS = 3.0
KINECT_OUTPUT_MIN = 0.01
KINECT_OUTPUT_MAX = 1.0
MAPPING_NAMES = ("kinect", "percentile")


@dataclass(frozen=True)
class IntensityMapping:
    """A named 16→8-bit mapping; ``params`` fully determine it."""

    name: str
    params: dict[str, float] = field(default_factory=dict)

    @cached_property
    def lut(self) -> np.ndarray:
        values = np.arange(65536, dtype=np.float64)
        if self.name == "kinect":
            r = values / 65535.0 / (KINECT_SCENE_AVERAGE * KINECT_STANDARD_DEVIATIONS)
            r = np.clip(r, KINECT_OUTPUT_MIN, KINECT_OUTPUT_MAX)
            return (r * 255.0).astype(np.uint8)  # truncation, as the C sample's (BYTE) cast
        if self.name == "percentile":
            low, high = self.params["low"], self.params["high"]
            r = np.clip((values - low) / max(high - low, 1.0), 0.0, 1.0)
            return np.round(r * 255.0).astype(np.uint8)
        if self.name == "identity":
            return np.clip(values, 0, 255).astype(np.uint8)
        raise ValueError(f"unknown intensity mapping {self.name!r}")

    def apply(self, frames: np.ndarray) -> np.ndarray:
        """Map a frame or a stack of frames to uint8 (8-bit input passes through)."""
        if frames.dtype == np.uint8:
            return frames
        return self.lut[frames]

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "params": dict(self.params)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> IntensityMapping:
        return cls(str(data["name"]), {k: float(v) for k, v in data.get("params", {}).items()})


KINECT = IntensityMapping("kinect", {
    "scene_average": KINECT_SCENE_AVERAGE, "standard_deviations": KINECT_STANDARD_DEVIATIONS,
    "output_min": KINECT_OUTPUT_MIN, "output_max": KINECT_OUTPUT_MAX,
})
IDENTITY = IntensityMapping("identity")


def percentile_mapping(
    reader: VideoReader, low_pct: float = 1.0, high_pct: float = 99.5, samples: int = 32
) -> IntensityMapping:
    """One window for the whole video from percentiles of ``samples`` frames spread over it."""
    n = reader.properties.frames
    indices = np.unique(np.linspace(0, n - 1, num=min(samples, n)).round().astype(int))
    stack = np.stack([reader.read(int(i))[::2, ::2] for i in indices])
    low, high = np.percentile(stack, [low_pct, high_pct])
    return IntensityMapping("percentile", {
        "low": float(low), "high": float(max(high, low + 1.0)),
        "low_percentile": low_pct, "high_percentile": high_pct, "sampled_frames": len(indices),
    })


def mapping_for(reader: VideoReader, name: str = "kinect") -> IntensityMapping:
    """The mapping named ``name`` for this video (identity for 8-bit sources)."""
    if reader.properties.bit_depth == 8:
        return IDENTITY
    if name == "kinect":
        return KINECT
    if name == "percentile":
        return percentile_mapping(reader)
    raise ValueError(f"unknown intensity mapping {name!r}; choose one of {MAPPING_NAMES}")
