"""`semioscope train`: fit the classifier on all patients and write the model file.

The decision threshold, uncertain band and quoted metrics come from cross-validation of the same
config on the same data: given with ``--cv-report``, otherwise run here first.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from semioscope.core.training.dataset import FeatureSet
    from semioscope.core.training.manifest import Manifest

HELP = "train the FLE/TLE classifier on cached features and write the model file"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from semioscope.commands.cv import add_data_arguments

    add_data_arguments(parser)
    parser.add_argument("--out", type=Path, required=True, metavar="MODELFILE",
                        help="classifier file to write (.safetensors)")
    parser.add_argument("--cv-report", type=Path, metavar="DIR",
                        help="cv.json (or its folder) from `semioscope cv` with this config; "
                        "default: run the cross-validation now")
    parser.add_argument("--demo", action="store_true",
                        help="mark the model as a demo model: every result made with it says so")
    parser.add_argument("--precision-check", choices=("bf16",), metavar="PRECISION",
                        help="then run the seizures (the training manifest, or "
                        "--check-manifest) through the backbone in f32 and in bf16 on OpenVINO "
                        "and record the agreement in the classifier file: `analyze --precision "
                        "auto` uses bf16 only with a passed record (no seizure verdict flips, "
                        "no window's P(TLE) moves by more than 0.02)")
    parser.add_argument("--check-manifest", type=Path, metavar="CSV",
                        help="the seizures --precision-check runs on (default: the training "
                        "manifest)")
    parser.add_argument("--threads", type=int, metavar="N",
                        help="CPU threads for the --precision-check backbone")


def run(args: argparse.Namespace) -> int:
    from semioscope.commands.cv import epoch_bar, load_inputs
    from semioscope.core.results import band_text, prob_text
    from semioscope.core.training.cv import run_cv
    from semioscope.core.training.export import read_cv_report, train_and_save

    args.out_is_file = True
    if args.precision_check is not None:   # refused before any training
        from semioscope.core.inference.precision_check import refuse_early

        refuse_early(args.precision_check)
    manifest, config, data, _ = load_inputs(args)
    if args.cv_report is not None:
        cv = read_cv_report(args.cv_report, config, data)
    else:
        bar = epoch_bar("cross-validating")
        try:
            cv = run_cv(data, config, n_boot=200, progress=lambda f, n, e, m: (
                setattr(bar, "total", n * m), bar.update((f - 1) * m + e - bar.n)))
        finally:
            bar.close()
        cv.pop("predictions", None)
    bar = epoch_bar("training")
    try:
        meta = train_and_save(data, config, args.out, cv=cv,
                              allow_untrained=args.allow_untrained, demo=args.demo,
                              progress=lambda e, n: (setattr(bar, "total", n),
                                                     bar.update(e - bar.n)))
    finally:
        bar.close()
    print(f"wrote {args.out}: threshold {prob_text(meta['threshold'])}, "
          f"{band_text(meta['uncertain_band'])}, best epoch {meta['training']['fit']['best_epoch']}"
          + ("" if meta["backbone_pretrained"] else " (DEMO model: untrained backbone)"))
    if args.precision_check is not None:
        _precision_check(args, manifest, data)
    return 0


def _precision_check(args: argparse.Namespace, manifest: Manifest, data: FeatureSet) -> None:
    """The agreement record, written into the classifier file just made."""
    import sys

    from semioscope.core.inference.precision_check import check_classifier_precision
    from semioscope.core.manifest import read_manifest

    rows = (read_manifest(args.check_manifest) if args.check_manifest is not None
            else list(manifest.rows))
    record = check_classifier_precision(
        args.out, rows, precision=args.precision_check,
        backbone=str(data.meta["backbone"]), allow_untrained=args.allow_untrained,
        mapping=args.mapping, threads=args.threads,
        say=lambda text: print(f"semioscope: {text}", file=sys.stderr, flush=True))
    words = "passed" if record["passed"] else f"FAILED ({record['reason']}): auto keeps f32 " \
        "and an explicit --precision bf16 is refused"
    print(f"{args.precision_check}: agreement check {words} on {record['cpu']['model']} "
          f"({record['cpu']['instruction_set']}): max |dP(TLE)| {record['max_abs_dp']:.4f}, "
          f"p99 {record['p99_abs_dp']:.4f}, {record['seizure_verdicts_agree']}/"
          f"{record['seizures']} seizure verdicts equal; recorded in {args.out}")
