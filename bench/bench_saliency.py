"""Saliency cost per 2-s window: the backbone map (which the analysis computes anyway) and the
Grad-CAM step added by ``analyze --saliency`` (classifier forward + backward, placement).

    python bench/bench_saliency.py [--reps 3] [--out bench/results/saliency.md]

One 60-frame 224x224 window of a synthetic seizure, untrained I3D, 2 threads; median and range
of ``--reps`` repetitions. On-demand saliency of one window (the review window's path without
stored maps) costs the sum of the two.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.common import emit, machine  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--out")
    a = ap.parse_args()
    import numpy as np
    import torch

    from semioscope.core.explain import feature_maps, grad_cam, place
    from semioscope.core.geometry import Box
    from semioscope.core.models.backbone import load_backbone
    from semioscope.core.models.classifier import random_classifier
    from semioscope.core.preprocess import preprocess_gray, to_rgb
    from semioscope.core.synth.render import iter_frames
    from semioscope.core.video.mapping import IntensityMapping

    torch.set_num_threads(2)
    frames = np.stack(list(iter_frames("FLE", seconds=4.0, seed=1))[60:120])
    crop = Box(0, 71, 498, 254)
    clip = to_rgb(preprocess_gray(frames, crop=crop, mapping=IntensityMapping.from_dict(
        {"name": "kinect"})))
    x = torch.from_numpy(clip)[None]
    backbone = load_backbone("i3d", allow_untrained=True, threads=2, device="cpu")
    model, _ = random_classifier(0, backbone)
    feature_maps(backbone, x)   # warm-up
    maps_s, cam_s = [], []
    for _ in range(a.reps):
        t0 = time.perf_counter()
        maps = feature_maps(backbone, x)
        t1 = time.perf_counter()
        cam = grad_cam(model, maps[0])
        place(cam.cam, crop)
        t2 = time.perf_counter()
        maps_s.append(t1 - t0)
        cam_s.append(t2 - t1)

    def fmt(v: list[float], unit: float = 1.0, digits: int = 2) -> str:
        return (f"{statistics.median(v) * unit:.{digits}f} ({min(v) * unit:.{digits}f}–"
                f"{max(v) * unit:.{digits}f})")

    emit("\n".join([
        f"Machine: {machine()}; torch {torch.__version__}, 2 threads; {a.reps} repetitions, "
        "median (min–max).", "",
        "| step | time per 60-frame window |", "|---|---|",
        f"| backbone to Mixed_5c (needed by the analysis anyway) | {fmt(maps_s)} s |",
        f"| Grad-CAM added by --saliency (LSTM forward + backward, placement) | "
        f"{fmt(cam_s, 1000, 1)} ms |",
        "| one window on demand (both) | "
        f"{fmt([m + c for m, c in zip(maps_s, cam_s, strict=True)])} s |"]),
        a.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
