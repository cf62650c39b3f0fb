"""Whole pipeline, ours against the code a researcher would start from, on one video in one run.

    python bench/bench_pipeline.py [--seconds 60] [--memory-seconds 20] [--long] [--reps 1]
                                   [--device auto] [--quick] [--out bench/results/pipeline.md]

* **ours**: ``semioscope analyze VIDEO --allow-untrained`` at its defaults, in a fresh process.
* **reference-style**: the published pytorch-i3d recipe run with our own I3D module (same
  seeded random weights): eager NCDHW, batch norm as layers (not folded), ``F.pad`` before every
  convolution and pool, batch 1, three RGB channels; PyAV decoding frame by frame, the 16->8-bit
  lookup, OpenCV resize and RGB conversion per frame; then the same classifier. Also a fresh
  process, on the same device as ours.

Both score the same windows with the same networks, so their P(TLE) must agree: the table gives
the largest difference. Each child reports its own peak resident memory (``VmHWM``). The floor
is the FLOPs of one window at this machine's measured matmul peak, plus the measured decoding
cost spread over the cores. ``--long`` adds the 5-minute memory run (about 5 minutes more on two
cores). With ``--reps N`` the two pipelines alternate N times; the table gives medians and the
spread (min-max).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.bench_video import ir_frames  # noqa: E402
from bench.common import emit, machine  # noqa: E402

HWM = "VmHWM_kB"
OURS_CHILD = f"""
import sys
from semioscope.cli import main
status = main(sys.argv[1:])
hwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM:')][0].split()[1]
print('{HWM}', hwm, file=sys.stderr)
sys.exit(status)
"""


def make_video(path: Path, seconds: float, size: tuple[int, int], noisy: bool = True) -> Path:
    """16-bit Kinect-like IR. Noise makes decoding cost what a real recording costs (about
    390 KB a frame); the memory runs use a noise-free one so 5 minutes stay small on disk."""
    from semioscope.core.video.writer import write_ffv1

    if not path.exists():
        frames = ir_frames(int(round(seconds * 30))) if noisy else blob_frames(
            int(round(seconds * 30)))
        if size != (512, 424):
            import cv2

            frames = (cv2.resize(f, size, interpolation=cv2.INTER_AREA) for f in frames)
        partial = path.with_name(path.stem + ".partial.mkv")   # an interrupted run leaves
        write_ffv1(partial, frames, fps=30)                     # no truncated video behind
        partial.replace(path)
    return path


def blob_frames(n: int) -> Any:
    """A warm blob moving over a dark bed, no sensor noise (compresses to a few KB a frame)."""
    import numpy as np

    yy, xx = np.mgrid[0:424, 0:512].astype(np.float32)
    for i in range(n):
        cx = 256 + 100 * np.sin(i / 15)
        blob = 9000 * np.exp(-(((xx - cx) / 73) ** 2 + ((yy - 212) / 106) ** 2))
        yield (3000 + blob).astype(np.uint16)


def _measured(cmd: list[str]) -> tuple[float, float, str]:
    """(wall s, peak RSS MB, stdout) of one child process that prints its own VmHWM."""
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise RuntimeError(f"{cmd[:4]} failed ({proc.returncode}): {proc.stderr.strip()[-2000:]}")
    hwm = [line for line in proc.stderr.splitlines() if line.startswith(HWM)][-1]
    return wall, int(hwm.split()[1]) / 1024, proc.stdout


def run_ours(video: Path, work: Path, device: str) -> dict[str, Any]:
    out = work / "pipeline_ours.json"
    wall, rss, _ = _measured([sys.executable, "-c", OURS_CHILD, "analyze", str(video),
                              "--allow-untrained", "--device", device, "--out", str(out)])
    from semioscope.core.results import load_results

    results = load_results(out)
    model = results.model
    return {"wall": wall, "rss": rss, "p": [w.p_tle for w in results.windows],
            "runtime": model.runtime, "device": model.device, "batch": model.batch_size}


def run_reference(video: Path, device: str) -> dict[str, Any]:
    wall, rss, stdout = _measured([sys.executable, str(Path(__file__).resolve()),
                                   "--child-reference", str(video), "--device", device])
    data = json.loads(stdout.strip().splitlines()[-1])
    return {"wall": wall, "rss": rss, "p": data["p"], "runtime": data["runtime"],
            "device": data["device"], "batch": 1}


# -- the reference-style pipeline (runs in its own process) --------------------------------------
def _reference_forwards() -> None:
    """Make our I3D pad the way pytorch-i3d does: ``F.pad`` in front of every conv and pool."""
    import torch.nn.functional as F

    from semioscope.core.models import i3d

    def unit_forward(self: Any, x: Any) -> Any:
        x = F.pad(x, i3d._f_pad(i3d.same_pads(tuple(x.shape[2:]), self.kernel, self.stride)))
        x = self.conv3d(x)
        if self.bn is not None:
            x = self.bn(x)
        return F.relu(x) if self.relu else x

    def pool_forward(self: Any, x: Any) -> Any:
        x = F.pad(x, i3d._f_pad(i3d.same_pads(tuple(x.shape[2:]), self.kernel, self.stride)))
        return F.max_pool3d(x, self.kernel, self.stride)

    i3d.Unit3D.forward = unit_forward  # type: ignore[method-assign]
    i3d.MaxPool3dSame.forward = pool_forward  # type: ignore[method-assign]


def reference_model(device: str) -> Any:
    """Our I3D with the seeded random weights ``analyze --allow-untrained`` uses, unfolded."""
    import torch

    from semioscope.core.models.i3d import InceptionI3d

    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(0)
        model = InceptionI3d()
    return model.eval().to(device)


def _reference_frame(frame: Any, mapping: Any) -> Any:
    """One frame the way a researcher's loop does it: 8-bit, RGB, resize, pad, scale."""
    import cv2
    import numpy as np

    from semioscope.core.preprocess import INPUT_SIZE, resize_geometry

    img = cv2.cvtColor(mapping.apply(frame[None])[0], cv2.COLOR_GRAY2RGB)
    new_w, new_h, left, top = resize_geometry(img.shape[1], img.shape[0])
    canvas = np.zeros((INPUT_SIZE, INPUT_SIZE, 3), dtype=np.uint8)
    canvas[top:top + new_h, left:left + new_w] = cv2.resize(img, (new_w, new_h),
                                                            interpolation=cv2.INTER_LINEAR)
    return (canvas.astype(np.float32) / 255.0) * 2 - 1


def reference_child(video: Path, device: str) -> None:
    import av
    import numpy as np
    import torch

    from semioscope.core.models.classifier import pad_features, random_classifier
    from semioscope.core.models.device import resolve_device
    from semioscope.core.models.weights import I3D_WEIGHTS
    from semioscope.core.video.mapping import IDENTITY, KINECT

    target = resolve_device(device)
    torch.backends.cudnn.allow_tf32 = False
    _reference_forwards()
    model = reference_model(target.torch_device)
    classifier, _ = random_classifier(0, "i3d")
    steps = I3D_WEIGHTS.steps_per_window
    p: list[float] = []

    def score(frames: list[Any]) -> None:
        clip = torch.from_numpy(np.stack(frames).transpose(3, 0, 1, 2)[None].copy())
        with torch.no_grad():
            feats = model.extract_features(clip.to(target.torch_device))[0].cpu().numpy()
            x = torch.from_numpy(pad_features(feats, steps).astype(np.float32))[None]
            p.append(float(classifier(x).reshape(-1)[0]))

    frames: list[Any] = []
    with av.open(str(video)) as container:
        for frame in container.decode(video=0):
            deep = frame.format.name.startswith("gray16")   # the recording, or an 8-bit export
            image = frame.to_ndarray() if deep else frame.to_ndarray(format="gray")
            frames.append(_reference_frame(image, KINECT if deep else IDENTITY))
            if len(frames) == 60:
                score(frames)
                frames = []
    if len(frames) >= 10:
        score(frames)
    print(json.dumps({"p": p, "runtime": f"torch {torch.__version__} eager, reference-style",
                      "device": target.describe()}))


# -- the floor ----------------------------------------------------------------------------------
def matmul_gflops(size: int, reps: int) -> float:
    import torch

    a, b = torch.randn(size, size), torch.randn(size, size)
    a @ b
    t0 = time.perf_counter()
    for _ in range(reps):
        a @ b
    return 2 * size**3 * reps / (time.perf_counter() - t0) / 1e9


def window_gflop(frames: int, size: int) -> tuple[float, float]:
    """GFLOP of one window for the published RGB network and for our gray-input engine path."""
    import torch
    from torch.utils.flop_counter import FlopCounterMode

    from semioscope.core.models.backbone import load_backbone

    backbone = load_backbone("i3d", allow_untrained=True, device="cpu")
    out = []
    for channels in (3, 1):
        counter = FlopCounterMode(display=False)
        with counter, torch.inference_mode():
            backbone.features(torch.zeros(1, channels, frames, size, size))
        out.append(counter.get_total_flops() / 1e9)
    return out[0], out[1]


def decode_core_s_per_video_s(video: Path, seconds: float) -> float:
    """CPU seconds to decode and map one second of the video (sequential, as analyze reads)."""
    from semioscope.core.video import open_video
    from semioscope.core.video.mapping import KINECT

    t0 = time.process_time()
    n = 0
    with open_video(video) as reader:
        stop = min(reader.properties.frames, int(seconds * 30))
        for chunk in reader.iter_chunks(0, stop, chunk=60):
            KINECT.apply(chunk)
            n += len(chunk)
    return (time.process_time() - t0) / (n / 30.0)


# -- the table ------------------------------------------------------------------------------------
def _stat(values: list[float], fmt: str) -> str:
    med = statistics.median(values)
    if len(values) == 1:
        return fmt.format(med)
    return f"{fmt.format(med)} ({fmt.format(min(values))}-{fmt.format(max(values))})"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=60.0, help="side-by-side video length")
    ap.add_argument("--memory-seconds", default="20",
                    help="lengths (comma-separated) of the extra memory runs of ours")
    ap.add_argument("--long", action="store_true", help="also the 5-minute memory run")
    ap.add_argument("--reps", type=int, default=1, help="alternating runs of both pipelines")
    ap.add_argument("--device", default="auto", help="auto | cpu | cuda, for both pipelines")
    ap.add_argument("--quick", action="store_true", help="tiny video, only checks the script")
    ap.add_argument("--workdir", default=tempfile.gettempdir())
    ap.add_argument("--out")
    ap.add_argument("--precision", metavar="LIST",
                    help="instead: the same analysis at each precision (e.g. f32,bf16,int8), "
                    "side by side, from packs made with models export --precision "
                    "(bench/precision_runs.py)")
    ap.add_argument("--classifier", type=Path, help="with --precision: a trained classifier "
                    "to pack (default: a random one)")
    ap.add_argument("--check-manifest", type=Path, help="with --precision: the seizures the "
                    "export's agreement gate checks (default: a small synthetic set)")
    ap.add_argument("--videos", default="ffv1-16,h264-8", metavar="LIST",
                    help="with --precision: the files timed (ffv1-16: the 16-bit recording; "
                    "h264-8: an 8-bit H.264 export of the same frames)")
    ap.add_argument("--no-reference", action="store_true", help="with --precision: leave the "
                    "reference-style pipeline out of the rotation")
    ap.add_argument("--child-reference", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.precision:
        from bench import precision_runs

        work = Path(args.workdir)
        work.mkdir(parents=True, exist_ok=True)
        seconds = 4.0 if args.quick else args.seconds
        video = make_video(work / f"bench_precision_{seconds:g}s.mkv", seconds, (512, 424))
        load = open("/proc/loadavg").read().split()[:3]
        md = precision_runs.run(video, seconds, work, args.precision.split(","), args.reps,
                                _measured, f"load average {' '.join(load)} at the start",
                                args.classifier, args.check_manifest,
                                make_video(work / "bench_precision_4s.mkv", 4.0, (512, 424)),
                                tuple(args.videos.split(",")), not args.no_reference)
        end = open("/proc/loadavg").read().split()[:3]
        emit(md + f"\n\nLoad average at the end: {' '.join(end)}", args.out)
        return
    if args.child_reference:
        reference_child(args.child_reference, args.device)
        hwm = [x for x in open("/proc/self/status") if x.startswith("VmHWM:")][0].split()[1]
        print(HWM, hwm, file=sys.stderr)
        return
    work = Path(args.workdir)
    work.mkdir(parents=True, exist_ok=True)
    size = (96, 80) if args.quick else (512, 424)
    seconds = 4.0 if args.quick else args.seconds
    lengths = [] if args.quick else [float(s) for s in args.memory_seconds.split(",") if s]
    if args.long and not args.quick:
        lengths.append(300.0)
    tag = f"{size[0]}x{size[1]}"
    video = make_video(work / f"bench_pipeline_{seconds:g}s_{tag}.mkv", seconds, size)

    # untimed: a first run converts the backbone to OpenVINO once (user cache) when
    # `--runtime auto` picks it; users pay that once per machine, not per video
    warm = make_video(work / "bench_pipeline_warmup_4s.mkv", 4.0, (96, 80))
    t0 = time.perf_counter()
    run_ours(warm, work, args.device)
    warm_s = time.perf_counter() - t0
    ours: list[dict[str, Any]] = []
    ref: list[dict[str, Any]] = []
    for _ in range(max(1, args.reps)):
        ours.append(run_ours(video, work, args.device))
        ref.append(run_reference(video, args.device))
    diff = max(abs(a - b) for run in ours for a, b in zip(run["p"], ref[0]["p"], strict=True))
    memory = []
    for length in lengths:
        long_video = make_video(work / f"bench_pipeline_{length:g}s_{tag}_clean.mkv", length,
                                size, noisy=False)
        memory.append((length, run_ours(long_video, work, args.device)))

    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(threads)
    peak = matmul_gflops(1024 if args.quick else 4096, 3 if args.quick else 8)
    frames = 16 if args.quick else 60
    gflop_rgb, gflop_gray = window_gflop(frames, min(224, size[0]))
    decode = decode_core_s_per_video_s(video, min(seconds, 10.0))
    cores = os.cpu_count() or 1
    windows_per_s = 30.0 / frames
    floor_rgb = windows_per_s * gflop_rgb / peak + decode / cores
    floor_gray = windows_per_s * gflop_gray / peak + decode / cores

    per_s = {name: [r["wall"] / seconds for r in runs] for name, runs in
             (("ours", ours), ("ref", ref))}
    ratios = [r["wall"] / o["wall"] for o, r in zip(ours, ref, strict=True)]
    n = len(ours)
    md = [f"### Pipeline: ours vs reference-style, one {seconds:g}-s {tag} 16-bit video\n",
          f"Machine: {machine()}; torch {torch.__version__}, {threads} threads; "
          f"{n} alternating run(s) of each, median (min-max)\n",
          "| pipeline | runtime | device | batch | wall | wall per video s | peak RSS |",
          "|---|---|---|---|---|---|---|"]
    for name, runs in (("ours (`semioscope analyze`, defaults)", ours),
                       ("reference-style", ref)):
        first = runs[0]
        key = "ours" if runs is ours else "ref"
        md.append(f"| {name} | {first['runtime']} | {first['device']} | {first['batch']} | "
                  f"{_stat([r['wall'] for r in runs], '{:.1f}')} s | "
                  f"{_stat(per_s[key], '{:.2f}')} s | "
                  f"{_stat([r['rss'] for r in runs], '{:.0f}')} MB |")
    md += ["", f"- before timing, one untimed run of ours on a 4-s clip ({warm_s:.0f} s, "
               "an OpenVINO conversion included if the user cache had none)",
           f"- ours is **{_stat(ratios, '{:.2f}')}x** faster than the reference-style "
               "pipeline (ratio of wall times, each pair side by side)",
           f"- the two agree: largest |P(TLE) difference| over {len(ref[0]['p'])} windows "
           f"= {diff:.1e}",
           f"- floor: {gflop_rgb:.1f} GFLOP per {frames}-frame window (RGB, as published; "
           f"{gflop_gray:.1f} with our gray stem) at the measured matmul peak of {peak:.0f} "
           f"GFLOP/s, plus {decode:.2f} core-s of decoding per video second over {cores} cores "
           f"= **{floor_rgb:.2f} s per video second** ({floor_gray:.2f} for the gray stem's "
           f"FLOPs); ours is at {statistics.median(per_s['ours']) / floor_rgb:.2f}x the "
           f"published network's floor, {statistics.median(per_s['ours']) / floor_gray:.2f}x "
           "its own"]
    if memory:
        md += ["", "Memory runs of ours (noise-free video of the same size, one run each):", "",
               "| video | ours: peak RSS | wall | wall per video s | batch |",
               "|---|---|---|---|---|"]
        md += [f"| {length:g} s | {r['rss']:.0f} MB | {r['wall']:.1f} s | "
               f"{r['wall'] / length:.2f} s | {r['batch']} |" for length, r in memory]
    emit("\n".join(md), args.out)


if __name__ == "__main__":
    main()
