"""Small synthetic IR scenes with known person and bed boxes (and their truth JSON)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from semioscope.core.geometry import Box
from semioscope.core.video.writer import write_ffv1

BED = Box(20, 40, 90, 40)
PERSON = Box(35, 30, 50, 30)


def scene_frames(n: int, width: int = 128, height: int = 96, person: Box = PERSON,
                 bed: Box = BED, seed: int = 0) -> list[np.ndarray]:
    """16-bit frames: noisy background, a bright bed, a brighter person that shifts 1 px."""
    rng = np.random.default_rng(seed)
    frames = []
    for i in range(n):
        f = rng.integers(2000, 4000, (height, width)).astype(np.uint16)
        f[bed.y:bed.y2, bed.x:bed.x2] = 9000
        dx = i % 2
        f[person.y:person.y2, person.x + dx:person.x2 + dx] = 14000
        frames.append(f)
    return frames


def write_scene(path: Path, n: int = 40, fps: float = 10.0, person: Box = PERSON,
                bed: Box = BED, seed: int = 0) -> dict:
    """Write ``path`` and ``<stem>.truth.json`` in the synthetic generator's format."""
    frames = scene_frames(n, person=person, bed=bed, seed=seed)
    write_ffv1(path, frames, fps=fps)
    truth = {
        "label": "FLE", "seed": seed, "fps": fps, "frames": n, "seconds": n / fps,
        "width": frames[0].shape[1], "height": frames[0].shape[0],
        "onset_s": 0.0, "offset_s": n / fps, "options": {},
        "boxes": [{"frame": i, "time_s": i / fps,
                   "person": Box(person.x + i % 2, person.y, person.w, person.h).to_dict(),
                   "bed": bed.to_dict()} for i in range(0, n, max(1, int(fps // 2)))],
    }
    path.with_name(f"{path.stem}.truth.json").write_text(json.dumps(truth))
    return truth
