"""``make demo``: the whole product path on synthetic data, through the real CLI.

    python -m semioscope.demo OUTDIR [--quick]

Synthetic IR seizures → crop → analysis → PDF report, then a small labelled dataset →
feature extraction → patient-grouped cross-validation → a trained model file → analysis with it
→ an annotator project. No pretrained weights are needed (none can be downloaded here): every
output made without them says "untrained backbone: not for clinical use".
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from pathlib import Path

from semioscope import UNTRAINED_WARNING
from semioscope.cli import main as cli
from semioscope.core.models.registry import find_weights


def _step(title: str, args: list[str], log: list[str]) -> None:
    print(f"\n=== {title}\n$ semioscope {' '.join(args)}", flush=True)
    t0 = time.perf_counter()
    status = cli(args)
    took = time.perf_counter() - t0
    if status != 0:
        raise SystemExit(f"demo step failed ({title}): exit status {status}")
    log.append(f"{title}: {took:.1f} s")


def run_demo(out: Path, quick: bool = False) -> list[str]:
    out.mkdir(parents=True, exist_ok=True)
    log: list[str] = []
    pretrained = find_weights("i3d") is not None
    untrained = [] if pretrained else ["--allow-untrained"]
    fle, tle = out / "fle_seizure.mkv", out / "tle_seizure.mkv"
    steps: list[tuple[str, list[str]]] = [
        ("synthetic FLE-like seizure", ["synth", str(fle), "--label", "FLE", "--seconds",
                                        "8" if quick else "14", "--seed", "11"]),
        ("synthetic TLE-like seizure", ["synth", str(tle), "--label", "TLE", "--seconds",
                                        "10" if quick else "24", "--seed", "12"]),
        ("video facts", ["info", str(tle)]),
        ("automatic crop (ground-truth detector: the demo has no detector weights)",
         ["crop", str(tle), "--detector", "truth", "--out", str(out / "tle_crop.json"),
          "--preview", str(out / "tle_crop.png")]),
        ("analysis", ["analyze", str(tle), "--crop-file", str(out / "tle_crop.json"),
                      *untrained, "--out", str(out / "tle_results.json"),
                      "--csv", str(out / "tle_windows.csv")]),
        ("PDF case report", ["report", str(out / "tle_results.json"), "--out",
                             str(out / "tle_report.pdf"), "--patient", "DEMO-001",
                             "--reviewer", "Demo Reviewer"]),
    ]
    dataset = out / "dataset"
    cache = out / "features"
    config = out / "train_config.toml"
    config.write_text("# short training for the demo; the defaults are the paper's\n"
                      f"epochs = 60\nbatch_size = 64\nseed = 0\nfolds = {2 if quick else 3}\n")
    steps += [
        ("synthetic labelled dataset", ["synth", "--dataset", str(dataset), "--patients",
                                        "4" if quick else "6", "--seizures", "2",
                                        "--max-seconds", "4" if quick else "6", "--seed", "3"]),
        ("feature extraction", ["extract", str(dataset / "manifest.csv"), "--cache", str(cache),
                                *untrained]),
        ("patient-grouped cross-validation", ["cv", str(dataset / "manifest.csv"), "--cache",
                                              str(cache), "--out", str(out / "cv_report"),
                                              "--config", str(config), *untrained]),
        ("train the model file", ["train", str(dataset / "manifest.csv"), "--cache", str(cache),
                                  "--out", str(out / "demo_model.semio"), "--config",
                                  str(config), "--cv-report", str(out / "cv_report"),
                                  *untrained]),
        ("model provenance", ["models", "inspect", str(out / "demo_model.semio")]),
        ("analysis with the trained model", ["analyze", str(fle), "--classifier",
                                             str(out / "demo_model.semio"), *untrained, "--out",
                                             str(out / "fle_results.json")]),
        ("annotator project", ["project", "create", str(out / "project"), "--manifest",
                               str(dataset / "manifest.csv")]),
        ("batch crop", ["project", "crop", str(out / "project"), "--detector", "truth"]),
        ("project status", ["project", "status", str(out / "project")]),
        ("export confirmed crops", ["project", "export", str(out / "project"), "--out",
                                    str(out / "project_manifest.csv")]),
    ]
    for title, args in steps:
        _step(title, args, log)
    return log


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m semioscope.demo", description=__doc__)
    ap.add_argument("out", type=Path, help="folder for everything the demo writes")
    ap.add_argument("--quick", action="store_true", help="shorter videos, fewer folds")
    ap.add_argument("--fresh", action="store_true", help="delete OUT first")
    args = ap.parse_args(argv)
    if args.fresh and args.out.exists():
        shutil.rmtree(args.out)
    t0 = time.perf_counter()
    log = run_demo(args.out, quick=args.quick)
    took = time.perf_counter() - t0
    print(f"\n=== demo finished in {took:.0f} s; everything is in {args.out.resolve()}")
    for line in log:
        print("  " + line)
    if find_weights("i3d") is None:
        print(f"\nNOTE: no pretrained I3D weights were found, so every score above comes from an "
              f"{UNTRAINED_WARNING.upper()}. Run `semioscope models fetch all` on a machine "
              "with internet access, or pass --weights PATH.")
    print("Open the review window with:  .venv/bin/semioscope review "
          f"{args.out / 'tle_seizure.mkv'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
