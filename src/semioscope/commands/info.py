"""``semioscope info VIDEO [--json]``: what a video is, read from its container;
``semioscope info --system``: the CPU and which precisions it runs natively (``--precision``)."""

from __future__ import annotations

import argparse
import json

HELP = "show a video's frame count, frame rate, size, bit depth and duration"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("video", nargs="?",
                        help="video file (mkv/mp4/avi...), folder of PNG/TIFF frames, or .npy")
    parser.add_argument("--system", action="store_true",
                        help="instead: this CPU's instruction set and the precisions it runs "
                        "natively (what --precision auto|bf16|int8 may use)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--fps", type=float, help="frame rate for image folders and .npy arrays")
    parser.add_argument("--allow-truncated", action="store_true",
                        help="describe a recording cut short instead of refusing it")


def run_system(as_json: bool) -> int:
    from semioscope.core.runtime.cpu_features import detect_cpu

    cpu = detect_cpu()
    if as_json:
        print(json.dumps({**cpu.record(), "bf16_native": cpu.bf16_native,
                          "int8_native": cpu.int8_native}))
    else:
        print("\n".join(cpu.lines()))
    return 0


def run(args: argparse.Namespace) -> int:
    from semioscope.core.video import open_video
    from semioscope.errors import SemioscopeError

    if args.system:
        if args.video is not None:
            raise SemioscopeError("--system", "takes no video")
        return run_system(args.json)
    if args.video is None:
        raise SemioscopeError("info", "give a VIDEO, or --system")

    with open_video(args.video, fps=args.fps, allow_truncated=args.allow_truncated) as video:
        p = video.properties
    if args.json:
        print(json.dumps({
            "path": p.path, "frames": p.frames, "fps": p.fps, "width": p.width,
            "height": p.height, "bit_depth": p.bit_depth, "duration_s": round(p.duration_s, 6),
            "fps_source": p.fps_source, "pixel_format": p.pixel_format, "backend": p.backend,
            "codec": p.codec, "colour": p.colour, "variable_rate": p.variable_rate,
            "nominal_fps": p.nominal_fps, "missing_frames": p.missing_frames,
            "frame_interval_ms": None if p.interval_s is None else {
                k: round(v * 1000, 3) for k, v in zip(("mean", "min", "max"), p.interval_s,
                                                     strict=True)},
            "truncated": p.truncated, "declared_s": p.declared_s,
            "timestamps_usable": p.timestamps_usable,
        }))
        return 0
    codec = f"{p.codec}, " if p.codec else ""
    print(f"{p.path}\n  {p.frames} frames at {p.fps:g} fps ({p.fps_source}), "
          f"{p.duration_s:.2f} s\n  {p.width}x{p.height}, {p.bit_depth}-bit "
          f"({codec}{p.pixel_format}, {p.backend})")
    if p.colour:
        print("  colour source: read as its luma (gray), as the IR pipeline expects")
    if p.variable_rate and p.interval_s is not None:
        mean, low, high = (v * 1000 for v in p.interval_s)
        print(f"  variable frame rate: mean interval {mean:.1f} ms (min {low:.1f}, max "
              f"{high:.1f}); {p.missing_frames} frames missing against the "
              f"{p.nominal_fps:g} fps clock; analysis places frames by their timestamps")
    if not p.timestamps_usable:
        print("  TIMESTAMPS UNUSABLE: they repeat or go backwards; every frame is kept in decode "
              f"order at {p.fps:g} fps ({p.fps_source}{'; give --fps' if p.fps_source == 'assumed' else ''})")
    if p.truncated and p.declared_s:
        print(f"  TRUNCATED: only {p.duration_s:.2f} s of the {p.declared_s:.2f} s its header "
              f"declares are present ({100 * p.duration_s / p.declared_s:.0f}%)")
    if p.fps_source == "assumed":
        print("  note: this source states no frame rate; 30 fps was assumed (give --fps)")
    elif not p.is_nominal_rate and not p.variable_rate:
        print(f"  note: {p.fps:g} fps is not the Kinect's 30 fps; analysis resamples to 2-s windows")
    return 0
