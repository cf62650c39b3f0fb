"""`semioscope crop`: find the patient and the bed, write a crop record (one video or a dataset)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from semioscope.commands.detector_choice import add_pack_argument, detector_from_args

if TYPE_CHECKING:
    from semioscope.core.crop import Detector
    from semioscope.core.manifest import ManifestRow

HELP = "find the patient and bed automatically and write a crop record (JSON)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("video", nargs="?", help="the video to crop (or use --manifest)")
    parser.add_argument("--manifest", metavar="CSV",
                        help="crop every video of a dataset manifest (columns video,seizure_id,...; "
                             "paths relative to the manifest); --out is then a folder")
    parser.add_argument("--out", required=True, metavar="PATH",
                        help="the crop record to write (a folder with --manifest: one "
                             "<seizure_id>.json per video; existing up-to-date records are kept)")
    parser.add_argument("--detector", default=None,
                        choices=("maskrcnn", "fasterrcnn-mobilenet", "truth"),
                        help="maskrcnn (default, the paper's model family, slow), "
                             "fasterrcnn-mobilenet (about 10x faster), or truth: NOT a detector, "
                             "replays a synthetic video's <stem>.truth.json (demos and tests)")
    parser.add_argument("--frames", type=int, default=5,
                        help="frames examined, spread over the first --seconds (default 5)")
    parser.add_argument("--seconds", type=float, default=3.0,
                        help="how far into the video to look (default 3.0)")
    parser.add_argument("--weights", metavar="PATH",
                        help="detector weights file (default: the one `semioscope models fetch` got)")
    add_pack_argument(parser)
    parser.add_argument("--allow-untrained", action="store_true",
                        help="run with random weights if none are found (testing only)")
    parser.add_argument("--mapping", default="kinect", choices=("kinect", "percentile"),
                        help="16-to-8-bit intensity mapping of the detector's input")
    parser.add_argument("--threads", type=int, default=None, help="CPU threads for the detector")
    parser.add_argument("--preview", metavar="PNG",
                        help="also draw the detections and the crop on the first examined frame")


def _check_args(args: argparse.Namespace) -> None:
    from semioscope.errors import SemioscopeError

    if bool(args.video) == bool(args.manifest):
        raise SemioscopeError("crop", "give either one VIDEO or --manifest CSV")
    if args.manifest and args.preview:
        raise SemioscopeError("--preview", "works for one video only, not with --manifest")
    if args.frames < 1:
        raise SemioscopeError("--frames", f"need at least 1 frame, got {args.frames}")
    from semioscope.core.plans import check_seconds, check_threads

    check_seconds(args.seconds)
    check_threads(args.threads)
    if args.video and Path(args.out).is_dir():
        raise SemioscopeError(args.out, "is a folder; --out names the crop record file to write")


def run(args: argparse.Namespace) -> int:
    from semioscope.core.outputs import check_outputs

    _check_args(args)
    reads = [("weights file", args.weights), ("model pack", args.pack)]
    if args.manifest:
        from semioscope.core.manifest import read_manifest

        rows = read_manifest(args.manifest, videos_must_exist=False)  # before loading a model
        check_outputs({"--out": args.out}, reads=[*reads, ("manifest", args.manifest)],
                      videos=[row.video for row in rows], folders={"--out"})
        return _run_batch(args, rows, detector_from_args(args))
    check_outputs({"--out": args.out, "--preview": args.preview}, reads=reads,
                  videos=[args.video])
    return _run_one(args, detector_from_args(args))


def _run_one(args: argparse.Namespace, detector: Detector) -> int:
    from semioscope.core.crop import auto_crop, mapped_rgb
    from semioscope.core.video import mapping_for, open_video

    with open_video(args.video) as reader:
        mapping = mapping_for(reader, args.mapping)
        record = auto_crop(reader, detector, frames=args.frames, seconds=args.seconds,
                           mapping=mapping,
                           progress=lambda done, n: print(f"frame {done}/{n}", file=sys.stderr))
        record.save(args.out)
        if args.preview:
            from semioscope.core.crop.preview import render_preview, save_preview

            first = record.frames[0].index
            rgb = mapped_rgb(reader.read(first), mapping)
            save_preview(args.preview, render_preview(rgb, record))
    for warning in record.warnings:
        print(f"semioscope: warning: {warning}", file=sys.stderr)
    reasons = f" ({', '.join(record.reasons)})" if record.reasons else ""
    print(f"crop {record.box} [x,y,w,h]: {record.status}{reasons}")
    return 0


def _run_batch(args: argparse.Namespace, rows: list[ManifestRow], detector: Detector) -> int:
    from semioscope.core.crop import batch_crop

    def progress(position: int, total: int, row: ManifestRow, what: str) -> None:
        print(f"[{position}/{total}] {row.seizure_id}: {what}", file=sys.stderr,
              flush=True)

    summary = batch_crop(rows, args.out, detector, frames=args.frames,
                         seconds=args.seconds, mapping_name=args.mapping, progress=progress)
    for warning in getattr(detector, "warnings", ()):
        print(f"semioscope: warning: {warning}", file=sys.stderr)
    print("\n".join(summary.lines()))
    return 2 if summary.failed else 0
