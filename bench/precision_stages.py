"""Where an analysis' time goes at each precision: decoding alone, the backbone alone, and the
floor they set on two cores, beside the whole analysis' measured wall time.

Decoding is measured as ``analyze`` reads (sequential chunks of 60 frames, the product's own
16->8-bit mapping) in this process; the backbone alone in a fresh process per precision (the
pack's own IR, compiled as the product compiles it, batch 2 of 60-frame gray clips, 2 threads,
one untimed call then three timed). The floor is (decoding CPU + backbone CPU) / 2 cores: what
the two cores must do for one second of video, whatever the overlap.
"""

from __future__ import annotations

import json
import resource
import statistics
import subprocess
import sys
from pathlib import Path

#: the backbone alone, in a fresh process: argv = IR path, precision; prints JSON
BACKBONE_CHILD = """
import json, resource, sys, time
import numpy as np
from semioscope.core.runtime.ov import compile_ir
def cpu():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime
compiled = compile_ir(sys.argv[1], threads=2, precision=sys.argv[2])
request = compiled.create_infer_request()
channels = compiled.inputs[0].get_partial_shape()[1].get_length()
clips = np.random.default_rng(0).uniform(-1, 1, (2, channels, 60, 224, 224)).astype(np.float32)
request.infer({0: clips})
t0, c0 = time.perf_counter(), cpu()
for _ in range(3):
    request.infer({0: clips})
print(json.dumps({"wall_per_window": (time.perf_counter() - t0) / 6,
                  "cpu_per_window": (cpu() - c0) / 6}))
"""


def decode_cpu_per_video_s(video: Path, seconds: float) -> float:
    """CPU seconds (every decoder thread counted) to decode and map one second of ``video``."""
    from semioscope.core.video import open_video
    from semioscope.core.video.mapping import mapping_for

    def cpu() -> float:
        r = resource.getrusage(resource.RUSAGE_SELF)
        return r.ru_utime + r.ru_stime

    with open_video(video) as reader:
        mapping = mapping_for(reader)
        stop = min(reader.properties.frames, int(round(seconds * 30)))
        c0 = cpu()
        for chunk in reader.iter_chunks(0, stop, chunk=60):
            mapping.apply(chunk)
        return (cpu() - c0) / (stop / 30.0)


def backbone_ir(pack: Path, precision: str) -> Path:
    """The IR the product runs at ``precision`` from this pack (int8 has its own)."""
    from semioscope.core.runtime.pack import ModelPack

    entry = ModelPack.open(pack).manifest["backbone"]
    return pack / entry["int8_ir" if precision == "int8" else "ir"]


def backbone_seconds(pack: Path, precision: str) -> dict[str, float]:
    """Wall and CPU seconds per 60-frame window of the pack's backbone alone at ``precision``."""
    proc = subprocess.run([sys.executable, "-c", BACKBONE_CHILD, str(backbone_ir(pack, precision)),
                           precision],
                          capture_output=True, text=True, check=True)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def stage_section(video: Path, seconds: float, packs: dict[str, Path], precisions: list[str],
                  walls: dict[str, list[float]]) -> list[str]:
    """The stage table for one file: decoding, the backbone per precision, the floor."""
    decode = decode_cpu_per_video_s(video, seconds)
    windows_per_s = 30.0 / 60.0
    md = ["", f"Where the time goes ({video.name}; decoding measured once over the whole "
          "video, the backbone alone 3 calls after a warm-up, in this run):", "",
          "| precision | decoding, CPU s per video s | backbone alone: wall / CPU s per video s |"
          " floor on 2 cores = (decoding + backbone CPU) / 2 | whole analysis, wall per video s"
          " (above) |", "|---|---|---|---|---|"]
    goal = None
    for precision in precisions:
        alone = backbone_seconds(packs[precision], precision)
        wall_s = alone["wall_per_window"] * windows_per_s
        cpu_s = alone["cpu_per_window"] * windows_per_s
        floor = (decode + cpu_s) / 2
        measured = statistics.median(walls[precision])
        md.append(f"| {precision} | {decode:.2f} s | {wall_s:.2f} / {cpu_s:.2f} s | "
                  f"{floor:.2f} s | {measured:.2f} s ({measured / floor:.2f}x the floor) |")
        if precision == "bf16":
            goal = _goal_line(measured, floor)
    return md + ([] if goal is None else ["", goal])


def _goal_line(measured: float, floor: float) -> str:
    """Whether bf16 met issue #30's goal on this file, and whether it could have."""
    from bench.precision_runs import BF16_GOAL

    if measured <= BF16_GOAL:
        return (f"bf16 goal <= {BF16_GOAL} s per video second on this file: **reached** "
                f"({measured:.2f}; floor {floor:.2f}).")
    why = ("the floor alone is above the goal: decoding this file costs more than it allows"
           if floor > BF16_GOAL else "the floor is below the goal")
    return (f"bf16 goal <= {BF16_GOAL} s per video second on this file: **NOT reached** "
            f"({measured:.2f}; floor {floor:.2f}: {why}).")
