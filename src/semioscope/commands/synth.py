"""``semioscope synth``: synthetic Kinect v2 IR seizure videos with ground truth (tests, demos).

    semioscope synth OUT.mkv --label FLE|TLE [--seconds S] [--seed N] [--format mkv|png]
        [--setting v2|v1|hard]
    semioscope synth --dataset DIR --patients N --seizures M [--max-seconds S] [--seed N]
        [--setting v2|v1|hard]

Not real patients: FLE-like and TLE-like movements drawn on a cartoon patient in a bed.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

HELP = "make synthetic IR seizure videos (FLE-like / TLE-like) with ground-truth boxes"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("out", nargs="?", type=Path,
                        help="video to write (.mkv, or a folder for --format png); the ground "
                             "truth goes beside it as <stem>.truth.json")
    parser.add_argument("--label", help="FLE (hypermotor) or TLE (automatisms, head turn)")
    parser.add_argument("--seconds", type=float,
                        help="total length including a calm lead-in (default: drawn from the "
                             "class's typical length: FLE 12-45 s, TLE 42-125 s)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (same seed, same frames)")
    parser.add_argument("--format", choices=("mkv", "png"),
                        help="16-bit FFV1 .mkv or a folder of 16-bit PNGs (default: from OUT)")
    scene = parser.add_argument_group("scene (single video)")
    scene.add_argument("--blanket", action="store_true", help="a blanket over the legs")
    scene.add_argument("--nurse", action="store_true", help="a nurse walks through once")
    scene.add_argument("--random-camera", action="store_true",
                       help="camera distance, offset and angle drawn from the seed")
    data = parser.add_argument_group("dataset")
    data.add_argument("--dataset", type=Path, metavar="DIR",
                      help="write a labelled dataset and DIR/manifest.csv instead of one video")
    data.add_argument("--patients", type=int, default=4,
                      help="patients, half per class; odd: FLE gets one more (default 4)")
    data.add_argument("--seizures", type=int, default=2, help="seizures per patient (default 2)")
    data.add_argument("--force", action="store_true",
                      help="write into a non-empty folder (files synth did not write there are "
                           "still never replaced)")
    data.add_argument("--max-seconds", type=float, help="cap on every seizure's length")
    parser.add_argument("--setting", choices=("v2", "v1", "hard"), default="v2",
                      help="v2 (default): vigorous hypermotor FLE; v1: the first, milder FLE; "
                           "hard: smaller FLE, TLE that moves more, more variety, a nurse at "
                           "the bedside in half the videos")
    data.add_argument("--jobs", type=int, metavar="N",
                      help="videos rendered at once, one process each (default: one per core; "
                           "the dataset is the same for any number)")


def _format_for(out: Path, fmt: str | None) -> str:
    from semioscope.errors import SemioscopeError

    if fmt is not None:
        if fmt == "mkv" and out.suffix.lower() != ".mkv":
            raise SemioscopeError(out, "an FFV1 video needs the .mkv extension")
        return fmt
    if out.suffix.lower() == ".mkv":
        return "mkv"
    if out.suffix == "":
        return "png"
    raise SemioscopeError(out, "give a .mkv name, or a folder name with --format png")


def run(args: argparse.Namespace) -> int:
    import numpy as np

    from semioscope.core.synth import SceneOptions, make_dataset, render_seizure
    from semioscope.errors import SemioscopeError

    if args.dataset is not None:
        if args.out is not None or args.label is not None or args.seconds is not None:
            raise SemioscopeError("--dataset", "give either OUT --label ... or --dataset DIR, "
                                  "not both")
        from semioscope.core.outputs import check_outputs

        check_outputs({"--dataset": args.dataset}, folders={"--dataset"})
        if args.jobs is not None and args.jobs < 1:
            raise SemioscopeError("--jobs", f"give at least 1, not {args.jobs}")
        manifest = make_dataset(args.dataset, args.patients, args.seizures,
                                max_seconds=args.max_seconds, seed=args.seed,
                                progress=lambda msg: print(msg, flush=True), jobs=args.jobs,
                                force=args.force, setting=args.setting)
        print(f"wrote {manifest}")
        return 0
    if args.out is None or args.label is None:
        raise SemioscopeError("synth", "give OUT and --label FLE|TLE, or --dataset DIR")
    from semioscope.core.outputs import check_outputs, refuse_unknown_video
    from semioscope.core.synth import truth_path

    refuse_unknown_video(args.out, own_marker=args.out.stem + ".truth.json")
    fmt = _format_for(args.out, args.format)
    if not args.out.exists():   # an existing one is ours (its truth file says so, above)
        check_outputs({"OUT": args.out, "truth file": truth_path(args.out)},
                      folders={"OUT"} if fmt == "png" else ())
    base = (SceneOptions.random(np.random.default_rng([args.seed, 7]))
            if args.random_camera else SceneOptions())
    options = SceneOptions(**{**base.to_dict(), "blanket": args.blanket, "nurse": args.nurse,
                              "side": 0})

    def progress(done: int, total: int) -> None:
        if done % 300 == 0 or done == total:
            print(f"  {done}/{total} frames", file=sys.stderr, flush=True)

    truth = render_seizure(args.out, args.label, seconds=args.seconds, seed=args.seed, fmt=fmt,
                           options=options, progress=progress, setting=args.setting)
    print(f"wrote {args.out} ({truth.label}-like, {truth.frames} frames, {truth.seconds:.1f} s, "
          f"onset {truth.onset_s:.1f} s) and {args.out.with_name(args.out.stem + '.truth.json')}")
    return 0
