"""`semioscope demo`: the whole product on synthetic seizures (what `make demo` runs)."""

from __future__ import annotations

import argparse
from pathlib import Path

HELP = ("build a synthetic dataset, cross-validate and train a demo model, then review a "
        "held-out synthetic seizure (built once into the user cache)")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--report", type=Path, metavar="PDF",
                        help="write the held-out seizure's case report here and open no window")
    parser.add_argument("--dir", type=Path, metavar="DIR",
                        help="build the demo here instead of the user cache")
    parser.add_argument("--quick", action="store_true",
                        help="fewer and shorter videos, shorter training (a minute or two)")
    parser.add_argument("--fresh", action="store_true", help="rebuild everything from scratch")
    parser.add_argument("--no-gui", action="store_true",
                        help="write the report and a picture of the review window instead of "
                             "opening it (automatic when there is no display)")


def run(args: argparse.Namespace) -> int:
    from semioscope.core.outputs import check_outputs
    from semioscope.demo import run as run_demo

    check_outputs({"--report": args.report, "--dir": args.dir}, folders={"--dir"})

    return run_demo(args.dir, quick=args.quick, fresh=args.fresh, report=args.report,
                    no_gui=args.no_gui)
