"""Pictures of the review window for the docs, from the demo's real run.

    python -m semioscope.pictures.review docs/screenshot-review.png [--evidence]

Opens the held-out seizure that ``semioscope demo`` built and analysed (synthetic data, demo
model, untrained backbone unless weights were fetched), as the demo leaves it; ``--evidence``
turns the evidence overlay on. ``--synthetic`` instead analyses a fresh synthetic seizure with a
random classifier in a throw-away data folder (a smoke picture: its scores mean nothing).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from semioscope.app.screenshot import grab_review, make_screenshot


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--evidence", action="store_true", help="evidence overlay on")
    parser.add_argument("--synthetic", action="store_true",
                        help="a fresh synthetic seizure and a random classifier instead")
    parser.add_argument("--seconds", type=float, default=20.0, help="with --synthetic")
    args = parser.parse_args()
    if args.synthetic:
        print(make_screenshot(args.out, args.seconds))
        return 0
    from semioscope import demo

    layout = demo.DemoLayout(demo.default_folder())
    if not layout.results.is_file():
        print(f"no demo in {layout.root}: run `semioscope demo --no-gui` first",
              file=sys.stderr)
        return 2
    os.environ["SEMIOSCOPE_DATA_DIR"] = tempfile.mkdtemp(prefix="semioscope-shot-")
    print(grab_review(layout.video, args.out, classifier=layout.model,
                      banner=demo.banner_text(), evidence=args.evidence,
                      restore=lambda: demo.restore_review_state(layout)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
