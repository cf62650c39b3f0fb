"""Time the paper's 5-fold patient-grouped CV at the paper's scale, on cached-like features.

2812 windows of 7x1024 random-but-learnable features (35 patients, 126 seizures, the paper's
class sizes), the paper's classifier and training (2000 epochs, batch 500, class-weighted MSE).
Prints a markdown table (and writes it with --out). --quick runs a few epochs on a subset, to
check the script works.

    .venv/bin/python bench/bench_cv.py --threads 2 --out bench/cv.md
"""

from __future__ import annotations

import argparse
import platform
import resource
import sys
import time
from pathlib import Path

import numpy as np


def paper_scale_features(windows: int, features: int = 1024, seed: int = 0):  # noqa: ANN201
    """20 FLE + 15 TLE patients, 126 seizures; TLE shifted on a few features (learnable)."""
    from semioscope.core.training.dataset import FeatureSet

    rng = np.random.default_rng(seed)
    patients = np.array([f"P{i:02d}" for i in range(35)])
    label_of = np.array([0] * 20 + [1] * 15)
    seizure_patient = np.concatenate([np.arange(35), rng.integers(0, 35, 126 - 35)])
    seizure_of = rng.integers(0, 126, windows)
    pat_idx = seizure_patient[seizure_of]
    y = label_of[pat_idx]
    X = rng.normal(0, 1, (windows, 7, features)).astype(np.float32)
    X[:, :, :16] += (0.6 * (2 * y - 1))[:, None, None]
    short = rng.random(windows) < 0.05
    X[short, :3] = -1.0
    meta = {"backbone": "bench", "backbone_weights_sha256": None, "backbone_pretrained": False,
            "preprocessing_version": "bench", "mapping": {}}
    return FeatureSet(X, y.astype(np.int64), patients[pat_idx],
                      np.array([f"S{s:03d}" for s in seizure_of]), np.zeros(windows), meta)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a few epochs on 300 windows")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--device", default="cpu", choices=("cpu", "cuda", "auto"))
    parser.add_argument("--epochs", type=int, help="override the epochs (default 2000)")
    parser.add_argument("--out", type=Path, help="also write the table to this file")
    args = parser.parse_args(argv)
    import torch

    from semioscope.core.atomic import write_text
    from semioscope.core.training.config import TrainConfig
    from semioscope.core.training.cv import run_cv

    windows = 300 if args.quick else 2812
    epochs = args.epochs or (3 if args.quick else 2000)
    data = paper_scale_features(windows)
    config = TrainConfig(epochs=epochs, batch_size=500, threads=args.threads,
                         device=args.device)
    started = time.perf_counter()
    result = run_cv(data, config, n_boot=100 if args.quick else 1000)
    seconds = time.perf_counter() - started
    gpu_mb = torch.cuda.max_memory_allocated() / 2**20 if torch.cuda.is_available() else 0.0
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if sys.platform == "darwin":
        rss_mb /= 1024
    s = result["summary"]["window"]
    table = "\n".join([
        "| what | value |", "|---|---|",
        f"| windows x steps x features | {windows} x 7 x 1024 |",
        f"| folds / epochs / batch | 5 / {epochs} / 500 |",
        f"| device / threads (torch) | {args.device} / {args.threads} ({torch.__version__}, {platform.processor() or platform.machine()}) |",
        f"| wall time, whole CV | {seconds:.1f} s |",
        f"| per fold-epoch | {seconds / (5 * epochs) * 1000:.0f} ms |",
        f"| peak memory (RSS) | {rss_mb:.0f} MB (GPU {gpu_mb:.0f} MB) |",
        f"| window macro F1 (learnable random data) | {s['f1_macro']['mean']:.3f} ± "
        f"{s['f1_macro']['std']:.3f} |",
    ]) + "\n"
    print(table)
    if args.out:
        write_text(args.out, table)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
