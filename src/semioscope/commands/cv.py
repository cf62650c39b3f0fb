"""`semioscope cv`: patient-grouped cross-validation of the training procedure, as a report folder.

Writes REPORTDIR/cv.json, folds.csv, predictions.csv, roc.png, confusion.png, reliability.png
and summary.md (results beside the paper's, with what they do and do not mean).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

HELP = "cross-validate the classifier grouped by patient and write a report folder"


def add_data_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments shared by cv, train and search."""
    parser.add_argument("manifest", type=Path, help="the training manifest CSV")
    parser.add_argument("--cache", type=Path, required=True, metavar="DIR",
                        help="feature cache written by `semioscope extract`")
    parser.add_argument("--config", type=Path, metavar="FILE",
                        help="training settings TOML (default: the paper's)")
    parser.add_argument("--backbone", choices=("i3d", "s3d"),
                        help="which cached features (default: the only ones in the cache)")
    parser.add_argument("--mapping", choices=("kinect", "percentile"), default="kinect",
                        help="intensity mapping the features were extracted with")
    parser.add_argument("--allow-untrained", action="store_true",
                        help="accept features from an untrained backbone (demo only)")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_data_arguments(parser)
    parser.add_argument("--out", type=Path, required=True, metavar="REPORTDIR",
                        help="report folder to write")
    parser.add_argument("--folds", type=int, metavar="K", help="folds (default 5 or config)")
    parser.add_argument("--bootstrap", type=int, default=1000, metavar="N",
                        help="bootstrap resamples for the 95%% CIs (default 1000)")


def load_inputs(args: argparse.Namespace) -> tuple[Any, Any, Any, bool]:
    """``(manifest, config, FeatureSet, synthetic)``; refuses untrained features unless allowed."""
    from semioscope import UNTRAINED_WARNING
    from semioscope.core.outputs import check_outputs
    from semioscope.core.training.config import load_config
    from semioscope.core.training.dataset import load_dataset
    from semioscope.core.training.manifest import load_manifest
    from semioscope.errors import SemioscopeError

    config = load_config(args.config)
    manifest = load_manifest(args.manifest)
    out_is_file = getattr(args, "out_is_file", False)   # train: a model file; cv, search: folders
    check_outputs({"--out": getattr(args, "out", None)},
                  reads=[("manifest", args.manifest), ("training config", args.config),
                         ("feature cache", args.cache),
                         ("cv report", getattr(args, "cv_report", None))],
                  videos=[row.video for row in manifest.rows],
                  folders=() if out_is_file else {"--out"})
    for warning in manifest.warnings:
        print(f"semioscope: warning: {args.manifest}: {warning}", file=sys.stderr)
    data = load_dataset(manifest, args.cache, backbone=args.backbone, mapping=args.mapping)
    if not data.meta["backbone_pretrained"]:
        if not args.allow_untrained:
            raise SemioscopeError(args.cache, "the cached features come from an untrained "
                                  "backbone; pass --allow-untrained (demo only)")
        print(f"semioscope: warning: {UNTRAINED_WARNING}", file=sys.stderr)
    synthetic = any(row.video.with_name(row.video.stem + ".truth.json").exists()
                    for row in manifest.rows)
    return manifest, config, data, synthetic


def epoch_bar(desc: str) -> Any:
    """A tqdm bar (ETA included) on a terminal; a no-op object otherwise."""
    from tqdm import tqdm

    return tqdm(total=0, desc=desc, unit="epoch", file=sys.stderr,
                disable=not sys.stderr.isatty())


def run(args: argparse.Namespace) -> int:
    from semioscope.core.training.cv import run_cv
    from semioscope.core.training.report import write_cv_report
    from semioscope.errors import SemioscopeError

    _, config, data, synthetic = load_inputs(args)
    folds = args.folds or config.folds
    if folds < 2:
        raise SemioscopeError("--folds", f"must be at least 2, got {folds}")
    config = config.replace(folds=folds)
    bar = epoch_bar("cross-validating")

    def progress(fold: int, n_folds: int, epoch: int, epochs: int) -> None:
        bar.total = n_folds * epochs
        bar.n = (fold - 1) * epochs + epoch
        bar.set_postfix_str(f"fold {fold}/{n_folds}", refresh=False)
        bar.refresh()

    try:
        result = run_cv(data, config, progress=progress, n_boot=args.bootstrap)
    finally:
        bar.close()
    path = write_cv_report(result, data, args.out, synthetic=synthetic)
    s = result["summary"]
    print(f"window macro F1 {s['window']['f1_macro']['mean']:.3f} ± "
          f"{s['window']['f1_macro']['std']:.3f}, AUC {s['window']['roc_auc']['mean']:.3f} ± "
          f"{s['window']['roc_auc']['std']:.3f} (paper 0.844 ± 0.042, 0.90 ± 0.04); "
          f"report {path.parent}")
    return 0
