"""The backbone options `analyze` and `extract` share (not a subcommand): which network, its
weights, the 16->8-bit mapping, and where and how the features are computed.

One definition, so the two commands that make features cannot drift apart in names, defaults
or help; each command adds its own options around them.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from semioscope.core import DEFAULT_BATCH_SIZE


def add_backbone_arguments(parser: argparse.ArgumentParser, *, runtime_note: str = "") -> None:
    """``--backbone --weights --mapping --device --runtime --precision --batch-size --threads
    --seed``;
    ``runtime_note`` ends the ``--runtime`` help (what differs for that command)."""
    parser.add_argument("--backbone", choices=("i3d", "s3d"), default="i3d",
                        help="feature network (default i3d, as in the paper)")
    parser.add_argument("--weights", type=Path, metavar="PATH",
                        help="backbone weights file (default: fetched)")
    parser.add_argument("--mapping", choices=("kinect", "percentile"), default="kinect",
                        help="16->8-bit intensity mapping (default kinect)")
    parser.add_argument("--device", default="auto", metavar="auto|cpu|cuda",
                        help="where the backbone runs: auto (default) takes an NVIDIA GPU when "
                        "torch sees one, else the CPU; cuda or cuda:N insists on a GPU")
    parser.add_argument("--runtime", choices=("auto", "torch", "openvino"), default="auto",
                        help="what computes the backbone: auto (default) = OpenVINO on the CPU "
                        "when it is installed (converted once, cached), else torch"
                        + (f"; {runtime_note}" if runtime_note else ""))
    parser.add_argument("--precision", choices=("auto", "f32", "bf16", "int8"), default="auto",
                        help="the backbone's numbers: auto (default) = f32 unless the model "
                        "carries a passed agreement check for bf16/int8 and this CPU runs it "
                        "natively (`semioscope info --system`); bf16/int8 are refused where "
                        "the CPU would only emulate them")
    parser.add_argument("--batch-size", type=int, metavar="N",
                        help=f"windows per backbone call (default {DEFAULT_BATCH_SIZE} on the CPU, "
                        "which keeps an analysis under 2 GB; on a GPU as many as half its free "
                        "memory holds, at most 16; see bench/RESULTS.md)")
    parser.add_argument("--threads", type=int, metavar="N", help="CPU threads for the networks")
    parser.add_argument("--seed", type=int, default=0, help="seed for untrained weights")
