"""The clinician runtime (OpenVINO model pack) against the research runtime (torch), side by side.

    python bench/bench_openvino.py [--quick] [--reps 3] [--seconds 20] [--detector maskrcnn]
                                   [--out bench/results/openvino.md]

One run, alternating the two so that a busy machine slows both alike (quote ratios):
* ``semioscope models export`` of an untrained I3D + classifier + detector (the conversion's cost);
* the automatic crop: ``semioscope crop`` (5 frames) with the torch detector against ``--pack``,
  fresh processes, wall time (random weights: few boxes survive, so NMS costs little);
* backbone only: seconds per batch of two 60-frame windows, in one process, after a warm-up;
* end to end: ``semioscope analyze`` of the same synthetic 16-bit 512x424 video in a fresh
  process, ``--classifier`` (torch) against ``--pack`` (OpenVINO), wall time and peak memory;
* ready to analyse: a fresh process from start to the engine's first (tiny) forward pass
  (import + load + warm-up), which is what the review window waits for before Analyse computes.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.common import emit, machine  # noqa: E402

READY_TORCH = """
import time; t0 = time.perf_counter()
import torch
from semioscope.core.models.backbone import load_backbone
b = load_backbone("i3d", allow_untrained=True, threads=2)
b.features(torch.zeros(1, 1, 10, 224, 224))
print(time.perf_counter() - t0)
"""
READY_PACK = """
import time; t0 = time.perf_counter()
import numpy as np
from semioscope.core.runtime.pack import ModelPack
b = ModelPack.open({pack!r}).backbone(threads=2)
b.features(np.zeros((1, 1, 10, 224, 224), np.float32))
print(time.perf_counter() - t0)
"""
BACKBONE = """
import json, time, numpy as np
from semioscope.core.runtime.pack import ModelPack
from semioscope.core.models.backbone import load_backbone
import torch
rng = np.random.default_rng(0)
x = (rng.random((2, 1, 60, 224, 224), dtype=np.float32) * 2 - 1)
ov = ModelPack.open({pack!r}).backbone(threads=2)
pt = load_backbone("i3d", allow_untrained=True, threads=2)
out = {{"torch": [], "openvino": []}}
ov.features(x); pt.features(torch.from_numpy(x))   # warm-up
for _ in range({reps}):
    t = time.perf_counter(); pt.features(torch.from_numpy(x)); out["torch"].append(time.perf_counter() - t)
    t = time.perf_counter(); ov.features(x); out["openvino"].append(time.perf_counter() - t)
print(json.dumps(out))
"""


def timed(cmd: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of a child process."""
    wrapped = [sys.executable, "-c",
               "import resource, subprocess, sys, time; t = time.perf_counter(); "
               f"r = subprocess.run({cmd!r}); w = time.perf_counter() - t; "
               "m = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024; "
               "print(w, m); sys.exit(r.returncode)"]
    out = subprocess.run(wrapped, capture_output=True, text=True, check=True).stdout.split()
    return float(out[-2]), float(out[-1])


def child(code: str) -> str:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True).stdout.strip().splitlines()[-1]


def ms(values: list[float]) -> str:
    sd = statistics.stdev(values) if len(values) > 1 else 0.0
    return f"{statistics.mean(values):.2f} ± {sd:.2f}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--seconds", type=float, default=20.0)
    ap.add_argument("--detector", default="maskrcnn",
                    choices=("maskrcnn", "fasterrcnn-mobilenet", "none"))
    ap.add_argument("--out")
    args = ap.parse_args()
    reps, seconds = (1, 4.0) if args.quick else (args.reps, args.seconds)
    work = Path(tempfile.mkdtemp(prefix="bench-openvino-"))
    cli = [sys.executable, "-m", "semioscope"]
    semio, pack, video = work / "model.semio", work / "pack", work / "v.mkv"
    subprocess.run([*cli, "synth", str(video), "--label", "TLE", "--seconds", str(seconds)],
                   check=True, capture_output=True)
    from semioscope.core.models.classifier import random_classifier, save_classifier

    save_classifier(semio, *random_classifier(0))
    t = time.perf_counter()
    detector = [] if args.detector == "none" else ["--detector", args.detector]
    subprocess.run([*cli, "models", "export", str(semio), "--out", str(pack),
                    "--allow-untrained", "--threads", "2", *detector], check=True,
                   capture_output=True)
    export_s = time.perf_counter() - t
    rows: dict[str, list[tuple[float, float]]] = {"torch": [], "openvino": []}
    ready: dict[str, list[float]] = {"torch": [], "openvino": []}
    crops: dict[str, list[float]] = {"torch": [], "openvino": []}
    for i in range(reps):
        common = [str(video), "--allow-untrained", "--threads", "2"]
        if detector:
            crops["torch"].append(timed([*cli, "crop", *common, *detector,
                                         "--out", str(work / f"ct{i}.json")])[0])
            crops["openvino"].append(timed([*cli, "crop", *common, "--pack", str(pack),
                                            "--out", str(work / f"co{i}.json")])[0])
        rows["torch"].append(timed([*cli, "analyze", *common, "--classifier", str(semio),
                                    "--device", "cpu", "--runtime", "torch",
                                    "--out", str(work / f"t{i}.json")]))
        rows["openvino"].append(timed([*cli, "analyze", *common, "--pack", str(pack),
                                       "--out", str(work / f"o{i}.json")]))
        ready["torch"].append(float(child(READY_TORCH)))
        ready["openvino"].append(float(child(READY_PACK.format(pack=str(pack)))))
    backbone = json.loads(child(BACKBONE.format(pack=str(pack), reps=reps)))
    windows = len(json.loads((work / "o0.json").read_text())["windows"])
    runtimes = {json.loads((work / f"{k}{i}.json").read_text())["model"]["runtime"].split()[0]
                for k in "to" for i in range(reps)}
    assert runtimes == {"torch", "openvino"}, runtimes   # `auto` would pick OpenVINO for both
    t_wall = [w for w, _ in rows["torch"]]
    o_wall = [w for w, _ in rows["openvino"]]
    lines = [
        f"Machine: {machine()}. {reps} repetition(s), alternating torch / OpenVINO; mean ± sd.",
        "",
        f"`models export` (untrained I3D + classifier{' + ' + args.detector if detector else ''},"
        f" 2 threads): {export_s:.0f} s",
        "",
        "| what | torch 2 threads | OpenVINO pack 2 threads | torch / OpenVINO |",
        "|---|---|---|---|",
        f"| backbone, batch of two 60-frame windows (s) | {ms(backbone['torch'])} | "
        f"{ms(backbone['openvino'])} | "
        f"{statistics.mean(backbone['torch']) / statistics.mean(backbone['openvino']):.2f} |",
        f"| `analyze`, {seconds:g}-s video, {windows} windows, fresh process (s) | {ms(t_wall)} | "
        f"{ms(o_wall)} | {statistics.mean(t_wall) / statistics.mean(o_wall):.2f} |",
        *([f"| `crop`, {args.detector}, 5 frames, fresh process (s) | {ms(crops['torch'])} | "
           f"{ms(crops['openvino'])} | "
           f"{statistics.mean(crops['torch']) / statistics.mean(crops['openvino']):.2f} |"]
          if detector else []),
        f"| `analyze` peak memory (MB) | {max(m for _, m in rows['torch']):.0f} | "
        f"{max(m for _, m in rows['openvino']):.0f} | |",
        f"| ready to analyse: import + load + first pass, fresh process (s) | "
        f"{ms(ready['torch'])} | {ms(ready['openvino'])} | "
        f"{statistics.mean(ready['torch']) / statistics.mean(ready['openvino']):.2f} |",
    ]
    emit("\n".join(lines), args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
