"""``semioscope info VIDEO [--json]``: what a video is, read from its container."""

from __future__ import annotations

import argparse
import json

HELP = "show a video's frame count, frame rate, size, bit depth and duration"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("video", help="video file (mkv/mp4/avi...), folder of PNG/TIFF frames, or .npy")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--fps", type=float, help="frame rate for image folders and .npy arrays")


def run(args: argparse.Namespace) -> int:
    from semioscope.core.video import open_video

    with open_video(args.video, fps=args.fps) as video:
        p = video.properties
    if args.json:
        print(json.dumps({
            "path": p.path, "frames": p.frames, "fps": p.fps, "width": p.width,
            "height": p.height, "bit_depth": p.bit_depth, "duration_s": round(p.duration_s, 6),
            "fps_source": p.fps_source, "pixel_format": p.pixel_format, "backend": p.backend,
        }))
        return 0
    print(f"{p.path}\n  {p.frames} frames at {p.fps:g} fps ({p.fps_source}), "
          f"{p.duration_s:.2f} s\n  {p.width}x{p.height}, {p.bit_depth}-bit "
          f"({p.pixel_format}, {p.backend})")
    if p.fps_source == "assumed":
        print("  note: this source states no frame rate; 30 fps was assumed (give --fps)")
    elif not p.is_nominal_rate:
        print(f"  note: {p.fps:g} fps is not the Kinect's 30 fps; analysis resamples to 2-s windows")
    return 0
