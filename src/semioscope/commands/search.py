"""`semioscope search`: random hyper-parameter search in the paper's ranges, nested CV.

Writes DIR/search.json (every trial, the nested estimate, the selected config), DIR/best.toml
(usable with ``--config``) and DIR/summary.md. With ``--engine ray`` the trials run as a Ray Tune
experiment in DIR/tune (core/cluster/search.py), same draws, same report; rerunning an
interrupted search resumes it.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from semioscope.commands.engine import add_engine_arguments, check_engine_arguments

HELP = "random hyper-parameter search (paper's ranges) scored by nested cross-validation"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from semioscope.commands.cv import add_data_arguments

    add_data_arguments(parser)
    parser.add_argument("--out", type=Path, required=True, metavar="DIR", help="output folder")
    parser.add_argument("--trials", type=int, default=20, metavar="N", help="configurations")
    parser.add_argument("--seed", type=int, default=0, help="seed for the draws and folds")
    parser.add_argument("--folds", type=int, default=5, metavar="K", help="outer folds")
    parser.add_argument("--inner-folds", type=int, default=3, metavar="K", help="inner folds")
    parser.add_argument("--max-epochs", type=int, metavar="N",
                        help="cap the drawn epochs (50-2000) to save time")
    add_engine_arguments(parser, what="one Ray Tune trial per configuration, resumable")


def _summary(result: dict, out: Path) -> str:
    est = result["nested_estimate"]["window"]
    sel = result["selected"]
    return "\n".join([
        "# Hyper-parameter search", "",
        f"{len(result['trials'])} random trials; {result['method']}.", "",
        f"Nested estimate (window macro F1): {est['f1_macro']['mean']:.3f} ± "
        f"{est['f1_macro']['std']:.3f}; AUC {est['roc_auc']['mean']:.3f} ± "
        f"{est['roc_auc']['std']:.3f}. This is the number to quote.", "",
        f"Selected trial {sel['trial']} (CV window macro F1 {sel['cv_f1_macro_window']:.3f}, "
        f"{sel['label']}); its config is in {out / 'best.toml'}.", ""])


def _search_ray(args: argparse.Namespace, data: Any, config: Any,
                options: dict[str, Any]) -> dict[str, Any]:
    import sys

    from semioscope.core.cluster.search import SearchInterrupted, nested_search_ray
    from semioscope.core.cluster.session import choose_device, ray_session

    experiment = args.out / "tune"
    with ray_session(args.address, debug=bool(getattr(args, "debug", False)), tune=True) as info:
        device = choose_device(config.device, info, flag="config device =")
        where = "local Ray instance" if info.started_local and not args.address else \
            f"Ray cluster {info.address}"
        print(f"semioscope: {where} "
              f"({info.cpus} CPUs, {info.gpus} GPUs, ready in {info.start_s:.1f} s): trials on "
              f"{device}, {config.threads} thread(s) each; experiment {experiment}",
              file=sys.stderr)
        try:
            return nested_search_ray(data, config, experiment=experiment, workers=args.workers,
                                     device=device, **options)
        except SearchInterrupted as exc:
            print(f"semioscope: search stopped ({exc}); run the same command again to resume "
                  f"from {experiment}", file=sys.stderr)
            raise


def run(args: argparse.Namespace) -> int:
    from semioscope.commands.cv import epoch_bar, load_inputs
    from semioscope.core.atomic import write_json, write_text
    from semioscope.core.training.config import TrainConfig
    from semioscope.core.training.search import config_toml, nested_search
    from semioscope.errors import SemioscopeError

    for name in ("trials", "folds", "inner_folds"):
        if getattr(args, name) < (1 if name == "trials" else 2):
            raise SemioscopeError(f"--{name.replace('_', '-')}", "is too small")
    check_engine_arguments(args, tune=True)
    _, config, data, _ = load_inputs(args)
    config = config.replace(seed=args.seed)
    bar = epoch_bar("searching")
    bar.unit = "fit"
    options = {"trials": args.trials, "seed": args.seed, "outer_folds": args.folds,
               "inner_folds": args.inner_folds, "max_epochs": args.max_epochs,
               "progress": lambda d, n: (setattr(bar, "total", n), bar.update(d - bar.n))}
    try:
        if args.engine == "ray":
            result = _search_ray(args, data, config, options)
        else:
            result = nested_search(data, config, **options)
    finally:
        bar.close()
    args.out.mkdir(parents=True, exist_ok=True)
    write_json(args.out / "search.json", result)
    write_text(args.out / "best.toml",
               config_toml(TrainConfig.from_dict(result["selected"]["config"])))
    write_text(args.out / "summary.md", _summary(result, args.out))
    est = result["nested_estimate"]["window"]["f1_macro"]
    print(f"nested CV window macro F1 {est['mean']:.3f} ± {est['std']:.3f}; "
          f"best config {args.out / 'best.toml'}")
    return 0
