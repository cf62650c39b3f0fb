"""Engine cost: compute per second of video for I3D/S3D, FLOPs, fraction of peak, peak memory.

    python bench/bench_engine.py [--quick] [--threads 1,2] [--out bench/results/engine.md]

Measures, side by side in one run (shared machines vary run to run: compare ratios):
* the machine's practical fp32 peak: a 4096x4096 matrix product, per thread setting;
* FLOPs of one 60-frame 224x224 window (torch FlopCounterMode, 2 per multiply-add);
* seconds per window and seconds of compute per second of video, per backbone, batch size,
  thread count and memory layout (default NCDHW vs channels_last_3d), and the fraction of peak;
* peak RSS of `semioscope analyze` on a short and a 5-minute video (should not grow with length).
Random backbone weights are used when none are fetched: cost does not depend on the values.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.common import emit, machine  # noqa: E402


def matmul_gflops(threads: int, size: int, reps: int) -> float:
    import torch

    torch.set_num_threads(threads)
    a, b = torch.randn(size, size), torch.randn(size, size)
    a @ b  # warm-up
    t0 = time.perf_counter()
    for _ in range(reps):
        a @ b
    return 2 * size**3 * reps / (time.perf_counter() - t0) / 1e9


def load(name: str, threads: int) -> Any:
    from semioscope.core.models.backbone import load_backbone
    from semioscope.core.models.registry import find_weights

    return load_backbone(name, find_weights(name), allow_untrained=True, threads=threads)


def set_layout(backbone: Any, channels_last: bool) -> None:
    """Switch the backbone's model and inputs between NCDHW and channels_last_3d."""
    import torch

    fmt = torch.channels_last_3d if channels_last else torch.contiguous_format
    backbone.memory_format = fmt
    backbone.model.to(memory_format=fmt)


def clip_batch(batch: int, frames: int, channels_last: bool) -> Any:
    import torch

    x = torch.rand(batch, 3, frames, 224, 224) * 2 - 1
    return x.contiguous(memory_format=torch.channels_last_3d) if channels_last else x


def window_gflop(backbone: Any, frames: int) -> float:
    import torch
    from torch.utils.flop_counter import FlopCounterMode

    counter = FlopCounterMode(display=False)
    with counter, torch.inference_mode():
        backbone.features(clip_batch(1, frames, False))
    return counter.get_total_flops() / 1e9


def time_per_window(backbone: Any, batch: int, frames: int, channels_last: bool,
                    reps: int) -> float:
    import torch

    set_layout(backbone, channels_last)
    x = clip_batch(batch, frames, channels_last)
    with torch.inference_mode():
        backbone.features(x)  # warm-up (oneDNN primitive creation)
        t0 = time.perf_counter()
        for _ in range(reps):
            backbone.features(x)
    return (time.perf_counter() - t0) / reps / batch


def speed_rows(names: list[str], threads: list[int], batches: list[int], frames: int,
               reps: int, peaks: dict[int, float]) -> list[str]:
    rows = ["| backbone | threads | batch | layout | s / window | compute s per video s | "
            "GFLOP/s | % of matmul peak |", "|---|---|---|---|---|---|---|---|"]
    video_s = frames / 30.0
    for name in names:
        for n_threads in threads:
            backbone = load(name, n_threads)
            gflop = window_gflop(backbone, frames)
            for batch in batches:
                for channels_last in (False, True):
                    sec = time_per_window(backbone, batch, frames, channels_last, reps)
                    rate = gflop / sec
                    rows.append(
                        f"| {name} | {n_threads} | {batch} | "
                        f"{'channels_last_3d' if channels_last else 'NCDHW'} | {sec:.2f} | "
                        f"{sec / video_s:.2f} | {rate:.0f} | "
                        f"{100 * rate / peaks[n_threads]:.0f}% |")
            rows.append(f"| {name} | | | FLOPs per {frames}-frame window | {gflop:.1f} GFLOP "
                        "| | | |")
    return rows


def write_video(path: Path, seconds: float, width: int, height: int) -> Path:
    """A compressible moving-blob IR video (so a 5-minute file stays small on disk)."""
    from semioscope.core.video.writer import write_ffv1

    def frames() -> Any:
        yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
        for i in range(int(seconds * 30)):
            cx = width / 2 + width / 5 * np.sin(i / 15)
            blob = 9000 * np.exp(-(((xx - cx) / (width / 7)) ** 2 + ((yy - height / 2)
                                                                   / (height / 4)) ** 2))
            yield (3000 + blob).astype(np.uint16)

    if not path.exists():
        write_ffv1(path, frames(), fps=30)
    return path


# The child reports its own VmHWM: the rusage of a child forked from this (large) benchmark
# process would include the parent's memory, which Linux carries over into the child's maxrss.
CHILD = """
import sys
from semioscope.cli import main
status = main(sys.argv[1:])
hwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM:')][0].split()[1]
print('VmHWM_kB', hwm, file=sys.stderr)
sys.exit(status)
"""


def analyze_peak_rss_mb(video: Path, threads: int, work: Path,
                        batch: int = 4) -> tuple[float, float]:
    """(peak RSS in MB, wall seconds) of one `semioscope analyze` in a child process."""
    cmd = [sys.executable, "-c", CHILD, "analyze", str(video), "--allow-untrained",
           "--threads", str(threads), "--batch-size", str(batch),
           "--out", str(work / "bench_results.json")]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise RuntimeError(f"analyze failed ({proc.returncode}): {proc.stderr.strip()}")
    hwm = [line for line in proc.stderr.splitlines() if line.startswith("VmHWM_kB")][-1]
    return int(hwm.split()[1]) / 1024, wall


def memory_rows(lengths: tuple[int, ...], dims: tuple[int, int], threads: int, work: Path,
                batches: tuple[int, ...] = (4,)) -> list[str]:
    rows = ["| video | batch | peak RSS of `semioscope analyze` (I3D) | wall |",
            "|---|---|---|---|"]
    for seconds in lengths:
        video = write_video(work / f"bench_engine_{seconds}s_{dims[0]}.mkv", seconds, *dims)
        for batch in batches:
            rss, wall = analyze_peak_rss_mb(video, threads, work, batch)
            rows.append(f"| {seconds} s, {dims[0]}x{dims[1]} | {batch} | {rss:.0f} MB | "
                        f"{wall:.0f} s |")
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="tiny sizes, only checks the script")
    ap.add_argument("--threads", default="1,2", help="thread settings, comma-separated")
    ap.add_argument("--backbones", default="i3d,s3d")
    ap.add_argument("--out")
    ap.add_argument("--workdir", default=tempfile.gettempdir())
    ap.add_argument("--memory-only", action="store_true",
                    help="only the peak-memory rows (batch 1 and 4), in a fresh child each")
    args = ap.parse_args()
    threads = [int(t) for t in args.threads.split(",")]
    names = args.backbones.split(",")
    work = Path(args.workdir)
    if args.quick:
        frames, batches, reps, size, lengths, dims = 16, [1, 2], 1, 1024, (2, 4), (96, 80)
    else:
        frames, batches, reps, size, lengths, dims = 60, [1, 4, 8], 2, 4096, (20, 300), (512, 424)
    if args.memory_only:
        from semioscope.core import DEFAULT_BATCH_SIZE

        md = [f"### Engine memory\n\nMachine: {machine()}\n",
              *memory_rows(lengths[:1], dims, max(threads), work, (1, 2, 4, 8)),
              *memory_rows(lengths[1:], dims, max(threads), work, (DEFAULT_BATCH_SIZE,))[2:]]
        emit("\n".join(md), args.out)
        return
    peaks = {t: matmul_gflops(t, size, 3 if args.quick else 10) for t in threads}
    rows = ["| threads | fp32 matmul peak |", "|---|---|"]
    rows += [f"| {t} | {g:.0f} GFLOP/s ({size}x{size}) |" for t, g in peaks.items()]
    md = [f"### Engine\n\nMachine: {machine()}\n", *rows, ""]
    md += speed_rows(names, threads, batches, frames, reps, peaks)
    md += ["", *memory_rows(lengths, dims, max(threads), work)]
    emit("\n".join(md), args.out)


if __name__ == "__main__":
    main()
