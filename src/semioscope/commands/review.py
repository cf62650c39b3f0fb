"""`semioscope review [VIDEO]`: the review window (also what `semioscope` alone opens)."""

from __future__ import annotations

import argparse

HELP = "open the review window (video, crop, clinical span, per-window FLE/TLE timeline)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("video", nargs="?", help="video to open (or open one from the File menu)")


def run(args: argparse.Namespace) -> int:
    from semioscope.app.launch import launch

    return launch(getattr(args, "video", None))
