"""The crop detector a command runs: ``--pack`` (OpenVINO, the clinician runtime) or torch.

``crop`` and ``project crop`` share this, so both accept a model pack's detector the same way
and refuse the same contradictions (``--weights`` with a pack, another ``--detector``).
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from semioscope.core.crop import Detector

PACK_HELP = ("use the crop detector of this model pack (OpenVINO, no torch: the clinician "
             "runtime); from `semioscope models export --detector`")


def add_pack_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--pack", metavar="DIR", help=PACK_HELP)


def detector_from_args(args: argparse.Namespace) -> Detector:
    """The pack's detector with ``--pack``, else the torch one ``--detector`` names (maskrcnn)."""
    from semioscope.errors import SemioscopeError, WeightsError

    if not args.pack:
        from semioscope.core.crop import load_detector

        return load_detector(args.detector or "maskrcnn", args.weights,
                             allow_untrained=args.allow_untrained, threads=args.threads)
    if args.weights:
        raise SemioscopeError("--weights", "not with --pack: the pack carries its detector")
    from semioscope.core.runtime.pack import ModelPack

    pack = ModelPack.open(args.pack)
    if args.detector is not None and args.detector != pack.detector_name:
        raise SemioscopeError("--detector", f"the pack's detector is {pack.detector_name or 'none'},"
                              f" not {args.detector}: leave --detector out with --pack")
    detector = pack.detector(threads=args.threads)
    if not detector.pretrained and not args.allow_untrained:
        raise WeightsError(pack.folder, f"the pack's {detector.name} detector has random weights "
                           "(its boxes are meaningless); pass --allow-untrained for a test run")
    return detector
