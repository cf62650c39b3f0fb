"""Benchmark the crop detectors on CPU: seconds per 512x424 frame and per whole crop (K frames).

    .venv/bin/python bench/bench_crop.py [--threads 2] [--frames 5] [--out bench_crop.md]
    .venv/bin/python bench/bench_crop.py --quick      # a smoke run: tiny input, one repeat

Uses the fetched weights when present (`semioscope models fetch ...`), else random weights (which
propose more boxes than real ones, so they are a pessimistic estimate; the table says which).
Not a test: numbers on shared machines vary, compare rows of one run.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np


def synthetic_video(folder: Path, width: int, height: int, frames: int) -> Path:
    """A 16-bit scene with a bright bed and person, like the Kinect IR stream."""
    from semioscope.core.video.writer import write_ffv1

    rng = np.random.default_rng(0)
    out = []
    for i in range(frames):
        f = rng.integers(2000, 4000, (height, width)).astype(np.uint16)
        f[height // 3: height * 3 // 4, width // 6: width * 5 // 6] = 9000
        f[height // 4: height // 2, width // 3 + i % 3: width * 2 // 3] = 14000
        out.append(f)
    path = folder / "bench.mkv"
    write_ffv1(path, out, fps=30.0)
    return path


def bench(name: str, video: Path, *, threads: int, frames: int, repeats: int,
          min_size: int | None) -> dict[str, object]:
    import torch

    from semioscope.core.crop import auto_crop, load_detector, mapped_rgb
    from semioscope.core.models.registry import find_weights
    from semioscope.core.video import KINECT, open_video

    torch.set_num_threads(threads)
    t0 = time.perf_counter()
    detector = load_detector(name, allow_untrained=find_weights(name) is None, threads=threads,
                             min_size=min_size)
    load_s = time.perf_counter() - t0
    with open_video(video) as reader:
        rgb = mapped_rgb(reader.read(0), KINECT)
        detector.detect(rgb)  # warm-up
        per_frame = []
        for _ in range(repeats):
            t0 = time.perf_counter()
            detector.detect(rgb)
            per_frame.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        record = auto_crop(reader, detector, frames=frames, seconds=3.0, video_sha256="bench")
        crop_s = time.perf_counter() - t0
    return {"detector": name, "weights": "official" if detector.pretrained else "random",
            "load_s": load_s, "frame_s": statistics.median(per_frame), "crop_s": crop_s,
            "crop_frames": len(record.frames)}


def table(rows: list[dict[str, object]], args: argparse.Namespace, size: str) -> str:
    lines = [f"Crop detectors on CPU, {args.threads} thread(s), frame {size}"
             + (" (QUICK: reduced input, not representative)" if args.quick else ""), "",
             "| detector | weights | load (s) | s / frame (median) | whole crop (s) | frames |",
             "|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['detector']} | {r['weights']} | {r['load_s']:.1f} | "
                     f"{r['frame_s']:.2f} | {r['crop_s']:.1f} | {r['crop_frames']} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--frames", type=int, default=5, help="K frames per crop")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--detectors", nargs="+", default=["fasterrcnn-mobilenet", "maskrcnn"])
    parser.add_argument("--quick", action="store_true",
                        help="smoke run: 128x96 frames, small model input, one repeat")
    parser.add_argument("--out", type=Path, help="also write the markdown table here")
    args = parser.parse_args(argv)
    width, height = (128, 96) if args.quick else (512, 424)
    repeats = 1 if args.quick else args.repeats
    with tempfile.TemporaryDirectory() as tmp:
        video = synthetic_video(Path(tmp), width, height, frames=100)
        rows = [bench(name, video, threads=args.threads, frames=args.frames, repeats=repeats,
                      min_size=96 if args.quick else None) for name in args.detectors]
    text = table(rows, args, f"{width}x{height}")
    print(text)
    if args.out:
        from semioscope.core.atomic import write_text

        write_text(args.out, text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
