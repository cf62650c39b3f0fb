"""`semioscope train`: fit the classifier on all patients and write the model file.

The decision threshold, uncertain band and quoted metrics come from cross-validation of the same
config on the same data: given with ``--cv-report``, otherwise run here first.
"""

from __future__ import annotations

import argparse
from pathlib import Path

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


def run(args: argparse.Namespace) -> int:
    from semioscope.commands.cv import epoch_bar, load_inputs
    from semioscope.core.results import band_text, prob_text
    from semioscope.core.training.cv import run_cv
    from semioscope.core.training.export import read_cv_report, train_and_save

    args.out_is_file = True
    _, config, data, _ = load_inputs(args)
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
    return 0
