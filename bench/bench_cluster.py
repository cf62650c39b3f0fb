"""Feature extraction: the plain local path against `--engine ray` with 1 and 2 local workers.

Synthetic 16-bit videos (2 windows of 60 frames each), untrained I3D, batch 2. Each variant
extracts the whole manifest into a fresh cache; runs are interleaved (local, ray-1, ray-2, then
again) so a change in the machine's load hits all of them alike. The Ray times are the driver's
wall time from submitting to the last entry recorded (workers import torch and build the backbone
inside it: that is the engine's real cost for one run); the local instance's start is timed
apart. Prints a markdown table (and writes it with --out).

    .venv/bin/python bench/bench_cluster.py --reps 2 --out bench/results/cluster.md
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import emit, machine  # noqa: E402


def make_dataset(folder: Path, videos: int, frames: int) -> Path:
    from semioscope.core.video.writer import write_ffv1

    rows = []
    for i in range(videos):
        rng = np.random.default_rng(i)
        clip = [(rng.integers(0, 3000, (212, 256)) + 2000 * (1 + i % 3)).astype(np.uint16)
                for _ in range(frames)]
        write_ffv1(folder / f"v{i}.mkv", clip, fps=30)
        rows.append(f"v{i}.mkv,P{i},S{i},{'TLE' if i % 2 else 'FLE'},,,")
    path = folder / "manifest.csv"
    path.write_text("video,patient_id,seizure_id,label,onset_s,offset_s,crop\n"
                    + "\n".join(rows) + "\n")
    return path


def run_local(manifest: Path, cache: Path, threads: int, batch: int) -> float:
    from semioscope.core.models.backbone import load_backbone
    from semioscope.core.training.cache import extract_features
    from semioscope.core.training.manifest import load_manifest

    started = time.monotonic()
    backbone = load_backbone("i3d", allow_untrained=True, threads=threads)
    extract_features(load_manifest(manifest), cache, backbone=backbone, batch_size=batch)
    return time.monotonic() - started


def run_ray(manifest: Path, cache: Path, workers: int, cpus: int,
            batch: int) -> tuple[float, float]:
    """``(instance start s, extraction s)`` on a fresh local instance of ``cpus`` CPUs."""
    from semioscope.core.cluster.extract import BackboneSpec, extract_features_ray
    from semioscope.core.cluster.session import plan_workers, ray_session
    from semioscope.core.models.backbone import load_backbone
    from semioscope.core.training.manifest import load_manifest

    with ray_session(num_cpus=cpus) as info:
        started = time.monotonic()
        n, threads = plan_workers(info, "cpu", workers, None)
        backbone = load_backbone("i3d", allow_untrained=True, threads=threads)
        spec = BackboneSpec("i3d", None, True, 0, threads, "cpu", backbone.weights_sha256)
        summary = extract_features_ray(load_manifest(manifest), cache, backbone=backbone,
                                       spec=spec, batch_size=batch, workers=n)
        assert not summary.failed, summary.failed
        return info.start_s, time.monotonic() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--videos", type=int, default=4)
    parser.add_argument("--frames", type=int, default=120, help="per video (60 = one window)")
    parser.add_argument("--reps", type=int, default=2)
    parser.add_argument("--cpus", type=int, default=2, help="CPUs of the local Ray instance")
    parser.add_argument("--batch-size", type=int, default=2)
    parser.add_argument("--quick", action="store_true", help="2 short videos, 1 repetition")
    parser.add_argument("--out", help="also write the table to this file")
    args = parser.parse_args(argv)
    if args.quick:
        args.videos, args.frames, args.reps = 2, 60, 1
    windows = args.videos * (args.frames // 60 + (args.frames % 60 >= 10))
    times: dict[str, list[float]] = {"local": [], "ray-1": [], "ray-2": []}
    starts: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        manifest = make_dataset(base, args.videos, args.frames)
        for rep in range(args.reps):
            times["local"].append(run_local(manifest, base / f"local{rep}", args.cpus,
                                            args.batch_size))
            for workers in (1, 2):
                start, took = run_ray(manifest, base / f"ray{workers}-{rep}", workers, args.cpus,
                                      args.batch_size)
                starts.append(start)
                times[f"ray-{workers}"].append(took)
            print(f"rep {rep + 1}: " + ", ".join(f"{k} {v[-1]:.1f} s" for k, v in times.items()),
                  file=sys.stderr, flush=True)

    local = statistics.median(times["local"])

    def row(name: str, label: str) -> str:
        v = times[name]
        med = statistics.median(v)
        return (f"| {label} | {windows / med:.3f} | {med:.1f} ({min(v):.1f}-{max(v):.1f}) | "
                f"{med / local:.2f} |")

    lines = [
        f"Machine: {machine()}.",
        f"{args.videos} videos x {args.frames} frames ({windows} windows of 60 frames), "
        f"untrained I3D, batch {args.batch_size}, {args.reps} interleaved repetitions "
        f"(median, range).", "",
        "| path | windows/s | wall s | time / local |", "|---|---|---|---|",
        row("local", f"local, {args.cpus} threads"),
        row("ray-1", f"Ray, 1 worker x {args.cpus} threads"),
        row("ray-2", f"Ray, 2 workers x {max(1, args.cpus // 2)} thread(s)"),
        "",
        f"Local Ray instance start ({args.cpus} CPUs, no dashboard): median "
        f"{statistics.median(starts):.1f} s (range {min(starts):.1f}-{max(starts):.1f}, "
        f"{len(starts)} starts).",
    ]
    emit("\n".join(lines), args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
