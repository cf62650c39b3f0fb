"""Synthetic Kinect v2 IR seizure videos: test fixtures and the demo's data (not real patients).

    truth = render_seizure(Path("fle.mkv"), "FLE", seconds=20, seed=1)   # + fle.truth.json
    for frame in iter_frames("TLE", seconds=5, seed=2): ...              # uint16 (424, 512)
    manifest = make_dataset(Path("data"), patients=4, seizures=2, max_seconds=6)
"""

from __future__ import annotations

from semioscope.core.synth.dataset import make_dataset
from semioscope.core.synth.render import (
    FORMATS,
    Frame,
    GroundTruth,
    Seizure,
    iter_frames,
    part_box_during,
    render_seizure,
    truth_path,
)
from semioscope.core.synth.scene import FPS, HEIGHT, WIDTH, SceneOptions

__all__ = [
    "FORMATS", "FPS", "HEIGHT", "WIDTH", "Frame", "GroundTruth", "SceneOptions", "Seizure",
    "iter_frames", "make_dataset", "part_box_during", "render_seizure", "truth_path",
]
