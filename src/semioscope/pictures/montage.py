"""Pictures for the documentation, made from the synthetic generator (no patient data).

    python -m semioscope.pictures.montage docs

writes ``docs/montage-synthetic.png``: an FLE-like and a TLE-like synthetic seizure, five frames
across each, shown through the fixed Kinect mapping as the review window shows them.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import cv2
import numpy as np

from semioscope.core import atomic
from semioscope.core.synth import SceneOptions, Seizure
from semioscope.core.video.mapping import KINECT

TILE_W, TILE_H = 320, 265
COLUMNS = 5
ROWS = (
    ("FLE", 11, 16.0, SceneOptions(rotation_deg=-14.0, scale=1.0, offset_x=-8.0)),
    ("TLE", 12, 45.0, SceneOptions(rotation_deg=166.0, scale=0.96, blanket=True, nurse=True,
                                   furniture_seed=5)),
)


def _tiles(label: str, seed: int, seconds: float, options: SceneOptions) -> list[np.ndarray]:
    """Five 8-bit frames spread over the seizure (one in the lead-in), each captioned."""
    seizure = Seizure(label, seconds=seconds, seed=seed, options=options)
    ictal = np.linspace(seizure.onset_s + 1.0, seizure.offset_s - 0.5, COLUMNS - 1)
    wanted = {int(round(t * seizure.fps)) for t in [seizure.onset_s / 2, *ictal]}
    tiles = []
    for frame in seizure.frames():
        if frame.index not in wanted:
            continue
        img = cv2.resize(KINECT.apply(frame.image), (TILE_W, TILE_H), interpolation=cv2.INTER_AREA)
        t = frame.index / seizure.fps
        phase = "lead-in" if t < seizure.onset_s else "ictal"
        text = f"{label}-like  {t:5.1f} s  ({phase})"
        img[:28] //= 3  # a dark band behind the caption
        cv2.putText(img, text, (8, 20), cv2.FONT_HERSHEY_SIMPLEX, 0.5, 255, 1, cv2.LINE_AA)
        tiles.append(img)
    return tiles


def montage(out: Path) -> Path:
    """Render both seizures and write the montage PNG (atomically)."""
    rows = [np.hstack(_tiles(*row)) for row in ROWS]
    gap = np.full((4, rows[0].shape[1]), 40, np.uint8)
    picture = np.vstack([rows[0], gap, rows[1]])
    ok, data = cv2.imencode(".png", picture, [cv2.IMWRITE_PNG_COMPRESSION, 9])
    if not ok:
        raise RuntimeError("PNG encoding failed")
    atomic.write_bytes(out, data.tobytes())
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m semioscope.pictures.montage", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("folder", type=Path, help="the docs folder to write into")
    args = ap.parse_args(argv)
    path = montage(args.folder / "montage-synthetic.png")
    print(f"wrote {path} ({path.stat().st_size // 1024} KB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
