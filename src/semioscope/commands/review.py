"""`semioscope review [VIDEO]`: the review window (also what `semioscope` alone opens)."""

from __future__ import annotations

import argparse

HELP = "open the review window (video, crop, clinical span, per-window FLE/TLE timeline)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("video", nargs="?", help="video to open (or open one from the File menu)")


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    video = getattr(args, "video", None)
    if video and (Path(video) / "project.sqlite").is_file():  # a project folder
        from semioscope.app.dataset import open_project_window

        return open_project_window(video)
    from semioscope.app.launch import launch

    return launch(getattr(args, "video", None))
