"""Decode throughput of 16-bit FFV1 512x424 video, and peak memory reading a long video;
with ``--codecs``, sequential decode and random seeks for every codec/container issue #13 reads.

    python bench/bench_video.py [--quick] [--out bench/results/video.md]
    python bench/bench_video.py --codecs [--quick] [--out bench/results/video-codecs.md]
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.common import emit, machine, run_child  # noqa: E402
from semioscope.core.video import open_video  # noqa: E402
from semioscope.core.video.writer import write_ffv1  # noqa: E402
from tests.indexed_clips import CLIP_SPECS, encode_clip  # noqa: E402


def ir_frames(n: int, seed: int = 0):
    """Kinect-like frames: a dark scene, a brighter moving blob, sensor noise."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:424, 0:512].astype(np.float32)
    base = 4000 + 1500 * np.cos((xx - 256) / 300) * np.cos((yy - 212) / 260)
    for i in range(n):
        cx, cy = 256 + 60 * np.sin(i / 15), 212 + 30 * np.cos(i / 20)
        blob = 9000 * np.exp(-(((xx - cx) / 70) ** 2 + ((yy - cy) / 110) ** 2))
        noise = rng.normal(0, 250, (424, 512)).astype(np.float32)
        yield np.clip(base + blob + noise, 0, 65535).astype(np.uint16)


def write(path: Path, seconds: float) -> Path:
    if not path.exists():
        write_ffv1(path, ir_frames(int(seconds * 30)), fps=30)
    return path


def sequential_fps(path: Path) -> float:
    with open_video(path) as video:
        t0 = time.perf_counter()
        n = sum(len(c) for c in video.iter_chunks(chunk=60))
        return n / (time.perf_counter() - t0)


def random_access_ms(path: Path, count: int) -> tuple[float, float]:
    with open_video(path) as video:
        rng = np.random.default_rng(1)
        idx = rng.integers(0, video.properties.frames, count)
        times = []
        for i in idx:
            t0 = time.perf_counter()
            video.read(int(i))
            times.append((time.perf_counter() - t0) * 1000)
    return float(np.median(times)), float(np.percentile(times, 95))


PEAK_CODE = """
import resource
from semioscope.core.video import open_video, KINECT
with open_video({path!r}) as v:
    for chunk in v.iter_chunks(chunk=60):
        KINECT.apply(chunk)
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""


def _timed_open(path: Path) -> float:
    t0 = time.perf_counter()
    with open_video(path):
        pass
    return time.perf_counter() - t0


def codec_rows(work: Path, seconds: float, seeks: int, reps: int) -> list[str]:
    """One row per kind of file: open (first and cached), sequential decode, random seeks."""
    n = int(seconds * 30)
    rows = ["| file (512x424, 30 fps, IR-like noise) | frame index | first open | later open "
            f"| sequential decode, frames/s (median of {reps}, range) | random seek, median / "
            f"p95 ({seeks} seeks) |", "|---|---|---|---|---|---|"]
    for name, spec in CLIP_SPECS.items():
        spec = dataclasses.replace(spec, colour=False)
        path = work / f"bench_{name}_{seconds:g}s{spec.suffix}"
        if not path.exists():
            images = (f if spec.bit_depth == 16 else (f >> 8).astype(np.uint8)
                      for f in ir_frames(n))
            encode_clip(path, spec, images, fps=30, count=n)
        first = _timed_open(path)        # an AVI with B-frames decodes once here (then cached)
        later = _timed_open(path)
        rates = [sequential_fps(path) for _ in range(reps)]
        med, p95 = random_access_ms(path, seeks)
        with open_video(path) as video:
            method = video.properties.index_method
        options = ", ".join(f"{k}={v}" for k, v in spec.options.items() if k in ("bf", "g"))
        rows.append(f"| {name} ({spec.codec}{', ' + options if options else ''}) | {method} "
                    f"| {first * 1000:.0f} ms | {later * 1000:.0f} ms | "
                    f"{statistics.median(rates):.0f} ({min(rates):.0f}-{max(rates):.0f}) | "
                    f"{med:.0f} ms / {p95:.0f} ms |")
        print(rows[-1], flush=True)
    return rows


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--codecs", action="store_true", help="the per-codec table instead")
    ap.add_argument("--out")
    ap.add_argument("--workdir", default=tempfile.gettempdir())
    args = ap.parse_args()
    work = Path(args.workdir)
    if args.codecs:
        os.environ["SEMIOSCOPE_CACHE_DIR"] = tempfile.mkdtemp(prefix="semioscope-bench-cache-")
        seconds, seeks, reps = (4, 10, 1) if args.quick else (20, 60, 3)
        rows = codec_rows(work, seconds, seeks, reps)
        emit(f"### Video decoding per codec\n\nMachine: {machine()}\n\n" + "\n".join(rows),
             args.out)
        return
    short_s, long_s = (5, 10) if args.quick else (60, 180)
    short = write(work / f"bench_ir_{short_s}s.mkv", short_s)
    long = write(work / f"bench_ir_{long_s}s.mkv", long_s)
    seq = sequential_fps(short)
    med, p95 = random_access_ms(short, 20 if args.quick else 100)
    peaks = {s: float(run_child(PEAK_CODE.format(path=str(p)))) for s, p in
             ((short_s, short), (long_s, long))}
    rows = [
        "| measure | value |", "|---|---|",
        f"| sequential decode, {short_s}-s 16-bit FFV1 512x424 | {seq:.1f} frames/s "
        f"({seq / 30:.2f}x real time) |",
        f"| random access (seek + decode forward), median / p95 | {med:.0f} ms / {p95:.0f} ms |",
    ]
    rows += [f"| peak RSS reading + mapping every frame of a {s}-s video | {mb:.0f} MB |"
             for s, mb in peaks.items()]
    emit(f"### Video decoding\n\nMachine: {machine()}\n\n" + "\n".join(rows), args.out)


if __name__ == "__main__":
    main()
