"""Learnability, end to end: does the real command-line path learn a task whose labels we know?

    python bench/bench_learnability.py [--dir DIR] [--patients 32] [--seizures 1]
        [--max-seconds 8] [--heldout 2] [--folds 4] [--setting v2|v1|hard]
        [--backbones pretrained,random] [--out bench/results/learnability.md]

``--backbones``: the arms run side by side on the same data, crops and folds: ``pretrained``
(the I3D in the user cache, `semioscope models import i3d`; refused when there is none) and/or
``random`` (seeded random weights: the arm runs with an empty cache of its own under DIR). The
data steps are shared; features, cv, model and analyses go to ``DIR/<arm>/``. Without the option:
the pretrained arm when weights are there, else the random one.

Synthetic FLE and TLE seizures (``semioscope synth --dataset``) go through exactly what a
researcher runs: ``project create`` → ``project crop --detector truth`` (the synthetic ground
truth stands in for Mask R-CNN) → ``project export`` → ``extract`` (untrained I3D unless
weights were fetched) → patient-grouped ``cv`` → ``train --cv-report`` → ``crop`` and
``analyze`` of seizures of patients never seen in training. Every step is skipped when its
output exists, so a rerun (e.g. with another ``--config``) only redoes what changed; the
table goes to stdout and ``--out``.

Also printed: a linear probe on the cached features (logistic regression on each window's mean
and standard deviation over its steps, leave-one-patient-out), which says whether the features
carry the class at all, independently of the LSTM's training.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.common import emit, machine  # noqa: E402


def cli(args: list[str]) -> None:
    from semioscope.cli import main

    print("$ semioscope " + " ".join(args), flush=True)
    status = main(args)
    if status != 0:
        raise SystemExit(f"semioscope {args[0]} failed with exit status {status}")


ARMS = ("pretrained", "random")


def data_steps(work: Path, a: argparse.Namespace) -> list[tuple[Path, list[str]]]:
    """The steps both arms share: datasets, project, crops with the truth, the manifest."""
    from semioscope.demo import DATASET_SEED

    data, heldout = work / "dataset", work / "heldout"
    proj, cropped = work / "project", work / "cropped.csv"
    setting = ["--setting", a.setting]
    return [
        (data / "manifest.csv", ["synth", "--dataset", str(data), "--patients", str(a.patients),
                                 "--seizures", str(a.seizures), "--max-seconds",
                                 f"{a.max_seconds:g}", "--seed", str(DATASET_SEED), *setting]),
        (heldout / "manifest.csv", ["synth", "--dataset", str(heldout), "--patients",
                                    str(a.heldout), "--seizures", "1", "--max-seconds",
                                    f"{a.max_seconds:g}", "--seed", "12", *setting]),
        (proj / "project.sqlite", ["project", "create", str(proj), "--manifest",
                                   str(data / "manifest.csv")]),
        (work / "project-cropped", ["project", "crop", str(proj), "--detector", "truth"]),
        (cropped, ["project", "export", str(proj), "--out", str(cropped)]),
    ]


def arm_steps(work: Path, arm: Path, a: argparse.Namespace) -> list[tuple[Path, list[str]]]:
    """One backbone's steps: features, patient-grouped cv, the trained model."""
    untrained = [] if a.pretrained else ["--allow-untrained"]
    cropped, feats = work / "cropped.csv", arm / "features"
    config, cv, model = arm / "train.toml", arm / "cv", arm / "model.semio"
    from semioscope.demo import small_data_config

    config_text = small_data_config(a.epochs, a.folds)
    if not config.exists() or config.read_text() != config_text:
        config.write_text(config_text)
        for stale in (cv / "cv.json", model, *arm.glob("heldout-*.results.json"),
                      *arm.glob("limbs/*.results.json")):
            stale.unlink(missing_ok=True)
    return [
        (feats / "complete", ["extract", str(cropped), "--cache", str(feats), *untrained]),
        (cv / "cv.json", ["cv", str(cropped), "--cache", str(feats), "--out", str(cv),
                          "--config", str(config), "--bootstrap", "200", *untrained]),
        (model, ["train", str(cropped), "--cache", str(feats), "--config", str(config),
                 "--cv-report", str(cv), "--out", str(model), *untrained]),
    ]


def build(steps: list[tuple[Path, list[str]]]) -> dict[str, float]:
    """Every step through the CLI, skipping those already done; returns seconds per step."""
    seconds: dict[str, float] = {}
    for done, args in steps:
        if done.exists():
            continue
        t0 = time.perf_counter()
        cli(args)
        if done.name in ("project-cropped", "complete"):
            done.write_text("done\n")
        seconds[" ".join(args[:2]) if args[0] == "project" else args[0]] = \
            seconds.get(args[0], 0.0) + time.perf_counter() - t0
    return seconds


def analyse_heldout(work: Path, arm: Path, a: argparse.Namespace) -> list[dict[str, object]]:
    """Crop and analyse each held-out seizure with the arm's trained model."""
    from semioscope.core.training.manifest import load_manifest

    untrained = [] if a.pretrained else ["--allow-untrained"]
    out = []
    for row in load_manifest(work / "heldout" / "manifest.csv").rows:
        crop = work / f"heldout-{row.seizure_id}.crop.json"
        results = arm / f"heldout-{row.seizure_id}.results.json"
        if not crop.exists():
            cli(["crop", str(row.video), "--detector", "truth", "--out", str(crop)])
        if not results.exists():
            cli(["analyze", str(row.video), "--classifier", str(arm / "model.semio"),
                 "--crop-file", str(crop), "--onset", f"{row.onset_s:g}",
                 "--offset", f"{row.offset_s:g}", *untrained, "--out", str(results)])
        summary = json.loads(results.read_text())["summary"]
        out.append({"seizure": row.seizure_id, "truth": row.label, "verdict": summary["label"],
                    "p_tle_mean": summary["p_tle_mean"], "windows": summary["n_windows"]})
    return out


LIMBS = ("l_arm", "r_arm", "l_leg", "r_leg")


def limb_evidence(work: Path, arm: Path, a: argparse.Namespace) -> list[dict[str, object]]:
    """Saliency sanity check on the learned model: a calm patient (a scene never trained on)
    moves one limb as in a hypermotor seizure; how much of each window's evidence lies on that
    limb's ground-truth box (the union of its per-frame boxes over the window), against the
    share of the crop that box covers (what evidence spread evenly would give)."""
    from semioscope.core.explain import saliency_for_results
    from semioscope.core.results import load_results
    from semioscope.core.synth import SceneOptions, part_box_during, render_seizure

    untrained = [] if a.pretrained else ["--allow-untrained"]
    out = []
    for k, limb in enumerate(LIMBS):
        video = work / "limbs" / f"{limb}.mkv"
        crop, results = video.with_suffix(".crop.json"), arm / "limbs" / f"{limb}.results.json"
        results.parent.mkdir(parents=True, exist_ok=True)
        if not video.exists():
            options = SceneOptions.random(np.random.default_rng([77, k]))
            render_seizure(video, "FLE", seconds=a.max_seconds, seed=500 + k,
                           options=options, limb=limb)
        if not crop.exists():
            cli(["crop", str(video), "--detector", "truth", "--out", str(crop)])
        if not results.exists():
            truth = json.loads(video.with_name(f"{video.stem}.truth.json").read_text())
            cli(["analyze", str(video), "--classifier", str(arm / "model.semio"),
                 "--crop-file", str(crop), "--onset", f"{truth['onset_s']:g}", "--offset",
                 f"{truth['offset_s']:g}", *untrained, "--saliency", "--out", str(results)])
        truth = json.loads(video.with_name(f"{video.stem}.truth.json").read_text())
        loaded = load_results(results)
        maps = saliency_for_results(loaded, results)
        assert maps is not None
        for w in loaded.windows:
            region = part_box_during(truth, limb, w.start_s, w.end_s)
            x0, y0, x1, y1 = region.x, region.y, region.x2, region.y2
            placed = maps.placed(w.index)
            assert placed is not None
            inside = placed.fraction_inside(region)
            crop_box = maps.box
            overlap = max(0, min(x1, crop_box.x2) - max(x0, crop_box.x)) * \
                max(0, min(y1, crop_box.y2) - max(y0, crop_box.y))
            out.append({"limb": limb, "window": w.index, "p_tle": w.p_tle,
                        "on_limb": inside, "in_crop": placed.in_crop,
                        "limb_share_of_crop": overlap / crop_box.area})
    return out


def probe(work: Path, arm: Path) -> dict[str, float]:
    """Leave-one-patient-out logistic regression on per-window mean and std of the features."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import f1_score, roc_auc_score
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from semioscope.core.training.dataset import load_dataset
    from semioscope.core.training.manifest import load_manifest

    data = load_dataset(load_manifest(work / "cropped.csv"), arm / "features")
    rows = []
    for x in data.X:
        steps = x[(x != -1).any(axis=1)]
        rows.append(np.concatenate([steps.mean(0), steps.std(0)]))
    X = np.array(rows)
    oof = np.zeros(len(data))
    for patient in np.unique(data.patient):
        m = data.patient == patient
        clf = make_pipeline(StandardScaler(), LogisticRegression(C=0.1, max_iter=3000))
        clf.fit(X[~m], data.y[~m])
        oof[m] = clf.predict_proba(X[m])[:, 1]
    seizures = np.unique(data.seizure)
    sy = np.array([data.y[data.seizure == s][0] for s in seizures])
    sp = np.array([oof[data.seizure == s].mean() for s in seizures])
    return {"window_auc": float(roc_auc_score(data.y, oof)),
            "window_f1": float(f1_score(data.y, oof >= 0.5, average="macro")),
            "seizure_auc": float(roc_auc_score(sy, sp)),
            "seizure_f1": float(f1_score(sy, sp >= 0.5, average="macro"))}


def table(arm: Path, heldout: list[dict[str, object]], linear: dict[str, float],
          seconds: dict[str, float], a: argparse.Namespace,
          limbs: list[dict[str, object]] | None = None) -> str:
    report = json.loads((arm / "cv" / "cv.json").read_text())
    levels = ("window", "seizure", "patient")

    def cell(m: dict[str, float]) -> str:
        auc = m.get("roc_auc")
        return f"{m['f1_macro']:.2f} / {'-' if auc is None or auc != auc else f'{auc:.2f}'}"

    lines = [
        f"### Backbone: {'pretrained' if a.pretrained else 'UNTRAINED (random weights, seed 0)'}"
        f" ({arm.name} arm)", "",
        f"Machine: {machine()} (shared with other work while it ran).",
        f"Data: {a.patients} synthetic patients x {a.seizures} seizures (at most "
        f"{a.max_seconds:g} s each, setting {a.setting}), cropped with the ground truth; "
        f"{report['fold_method']} with {len(report['folds'])} folds, patient-grouped.",
        "", "| fold | val patients | window F1 / AUC | seizure F1 / AUC | patient F1 / AUC |",
        "|---|---|---|---|---|"]
    for fold in report["folds"]:
        lines.append(f"| {fold['fold']} | {', '.join(fold['val_patients'])} | "
                     + " | ".join(cell(fold["metrics"][lv]) for lv in levels) + " |")
    lines.append("| mean ± std | | " + " | ".join(
        f"{report['summary'][lv]['f1_macro']['mean']:.2f} ± "
        f"{report['summary'][lv]['f1_macro']['std']:.2f} F1" for lv in levels) + " |")
    lines.append("| pooled | | " + " | ".join(cell(report["pooled"][lv]) for lv in levels)
                 + " |")
    lines += ["", f"Linear probe (window mean+std, logistic regression, leave-one-patient-out): "
              f"window F1 {linear['window_f1']:.2f} / AUC {linear['window_auc']:.2f}, seizure "
              f"F1 {linear['seizure_f1']:.2f} / AUC {linear['seizure_auc']:.2f}.", "",
              "Held-out patients (never in training), `semioscope analyze` with the trained "
              "model:", "", "| seizure | truth | verdict | mean P(TLE) | windows |",
              "|---|---|---|---|---|"]
    lines += [f"| {h['seizure']} | {h['truth']} | {h['verdict']} | {h['p_tle_mean']:.3f} | "
              f"{h['windows']} |" for h in heldout]
    if limbs:
        lines += ["", "Saliency on the learned model, one limb moving (a calm patient in a scene "
                  "never trained on; `on limb` = share of the stored map's mass (over the crop, "
                  "in source-frame coordinates) inside that limb's truth box; `chance` = the "
                  "share of the crop that box covers; `on crop` = share of the whole Grad-CAM "
                  "mass not on the padding):", "",
                  "| limb | window | P(TLE) | on limb | chance | on crop |", "|---|---|---|---|---|---|"]
        def share(v: object) -> str:
            return "-" if v is None else f"{float(v):.2f}"  # type: ignore[arg-type]

        lines += [f"| {r['limb']} | {r['window']} | {share(r['p_tle'])} | {share(r['on_limb'])} | "
                  f"{share(r['limb_share_of_crop'])} | {share(r['in_crop'])} |" for r in limbs]
    if seconds:
        lines += ["", "Step times this run: " + ", ".join(f"{k} {v:.0f} s"
                                                          for k, v in seconds.items())]
    return "\n".join(lines)


def side_by_side(work: Path, arms: list[str]) -> str:
    """Per fold and pooled, seizure macro F1 and window AUC of every arm (same folds)."""
    reports = {arm: json.loads((work / arm / "cv" / "cv.json").read_text()) for arm in arms}
    first = reports[arms[0]]
    for arm in arms[1:]:
        if [f["val_patients"] for f in reports[arm]["folds"]] != \
                [f["val_patients"] for f in first["folds"]]:
            raise SystemExit(f"the {arm} arm's folds differ from the {arms[0]} arm's")

    def auc(m: dict[str, float]) -> str:
        v = m.get("roc_auc")
        return "-" if v is None or v != v else f"{v:.2f}"

    head = "| fold | val patients | " + " | ".join(
        f"{arm}: seizure F1 | {arm}: window F1 / AUC" for arm in arms) + " |"
    lines = ["Side by side (same data, crops and patient-grouped folds):", "", head,
             "|---" * (2 + 2 * len(arms)) + "|"]
    def row(label: str, cells_of: Callable[[str], list[str]]) -> str:
        """One table row: the label cells, then each arm's cells side by side."""
        return f"| {label} | " + " | ".join(c for arm in arms for c in cells_of(arm)) + " |"

    def spread(m: dict[str, Any]) -> str:
        return f"{m['f1_macro']['mean']:.2f} ± {m['f1_macro']['std']:.2f}"

    for k, fold in enumerate(first["folds"]):
        def fold_cells(arm: str, k: int = k) -> list[str]:
            m = reports[arm]["folds"][k]["metrics"]
            return [f"{m['seizure']['f1_macro']:.2f}",
                    f"{m['window']['f1_macro']:.2f} / {auc(m['window'])}"]
        lines.append(row(f"{fold['fold']} | {', '.join(fold['val_patients'])}", fold_cells))
    lines.append(row("mean ± sd |", lambda arm: [spread(reports[arm]["summary"]["seizure"]),
                                                  spread(reports[arm]["summary"]["window"])]))
    lines.append(row("pooled |", lambda arm: [
        f"{reports[arm]['pooled']['seizure']['f1_macro']:.2f} "
        f"(AUC {auc(reports[arm]['pooled']['seizure'])})",
        f"{reports[arm]['pooled']['window']['f1_macro']:.2f} / "
        f"{auc(reports[arm]['pooled']['window'])}"]))
    return "\n".join(lines)


def seed_spread(work: Path, arms: list[str], seeds: int) -> str:
    """The patient-grouped cv again with training seeds 1..seeds-1 (which also draw the folds;
    the arms share each seed's folds) on the cached features: pooled seizure macro F1 and
    window AUC per seed, seed 0 being the ``cv`` command's own run."""
    import statistics

    from semioscope.core.training.config import load_config
    from semioscope.core.training.cv import run_cv
    from semioscope.core.training.dataset import load_dataset
    from semioscope.core.training.manifest import load_manifest

    manifest = load_manifest(work / "cropped.csv")
    got: dict[str, list[tuple[float, float]]] = {}
    for arm in arms:
        report = json.loads((work / arm / "cv" / "cv.json").read_text())
        got[arm] = [(report["pooled"]["seizure"]["f1_macro"],
                     report["pooled"]["window"]["roc_auc"])]
        data = load_dataset(manifest, work / arm / "features")
        config = load_config(work / arm / "train.toml")
        for seed in range(1, seeds):
            r = run_cv(data, config.replace(seed=seed), n_boot=1)
            got[arm].append((r["pooled"]["seizure"]["f1_macro"], r["pooled"]["window"]["roc_auc"]))
            print(f"seed {seed} {arm}: seizure F1 {got[arm][-1][0]:.2f}, window AUC "
                  f"{got[arm][-1][1]:.2f}", flush=True)
    lines = [f"Training seeds 0-{seeds - 1} (each also draws the patient-grouped folds; both arms "
             "get the same folds per seed), pooled out-of-fold:", "",
             "| seed | " + " | ".join(f"{arm}: seizure F1 / window AUC" for arm in arms) + " |",
             "|---" * (1 + len(arms)) + "|"]
    for seed in range(seeds):
        lines.append(f"| {seed} | " + " | ".join(
            f"{got[arm][seed][0]:.2f} / {got[arm][seed][1]:.2f}" for arm in arms) + " |")

    def spread(values: list[float]) -> str:
        return f"{statistics.median(values):.2f} ({min(values):.2f}-{max(values):.2f})"

    lines.append("| median (range) | " + " | ".join(
        f"{spread([v[0] for v in got[arm]])} / {spread([v[1] for v in got[arm]])}"
        for arm in arms) + " |")
    return "\n".join(lines)


def run_arm(work: Path, name: str, a: argparse.Namespace) -> str:
    """One backbone's steps and tables; the random arm gets an empty cache of its own."""
    import os

    arm = work / name
    arm.mkdir(parents=True, exist_ok=True)
    saved = os.environ.get("SEMIOSCOPE_CACHE_DIR")
    if name == "random":
        os.environ["SEMIOSCOPE_CACHE_DIR"] = str(work / "random-cache")
    try:
        from semioscope.demo import pretrained_available

        a.pretrained = pretrained_available()
        if name == "pretrained" and not a.pretrained:
            raise SystemExit("no pretrained I3D in the cache: run `semioscope models import i3d`")
        if name == "random" and a.pretrained:
            raise SystemExit(f"{work / 'random-cache'} has weights; the random arm needs none")
        seconds = build(arm_steps(work, arm, a))
        heldout = analyse_heldout(work, arm, a)
        limbs = [] if a.no_limbs else limb_evidence(work, arm, a)
        return table(arm, heldout, probe(work, arm), seconds, a, limbs)
    finally:
        if saved is None:
            os.environ.pop("SEMIOSCOPE_CACHE_DIR", None)
        else:
            os.environ["SEMIOSCOPE_CACHE_DIR"] = saved


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dir", type=Path, default=Path("bench-learnability"))
    ap.add_argument("--patients", type=int, default=32)
    ap.add_argument("--seizures", type=int, default=1)
    ap.add_argument("--max-seconds", type=float, default=8.0)
    ap.add_argument("--heldout", type=int, default=2)
    ap.add_argument("--folds", type=int, default=4)
    ap.add_argument("--epochs", type=int, default=40)
    ap.add_argument("--setting", choices=("v2", "v1", "hard"), default="v2",
                    help="the synthetic data setting (semioscope synth --setting)")
    ap.add_argument("--backbones", help="comma-separated arms: pretrained, random")
    ap.add_argument("--seeds", type=int, default=1,
                    help="also run the cv with training seeds 1..N-1 on the cached features")
    ap.add_argument("--no-limbs", action="store_true",
                    help="skip the one-limb saliency check")
    ap.add_argument("--out")
    a = ap.parse_args()
    from semioscope.demo import pretrained_available

    if a.backbones:
        arms = [x.strip() for x in a.backbones.split(",") if x.strip()]
        bad = [x for x in arms if x not in ARMS]
        if bad or not arms:
            ap.error(f"--backbones: choose from {', '.join(ARMS)}")
    else:
        arms = ["pretrained" if pretrained_available() else "random"]
    a.dir.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    shared = build(data_steps(a.dir, a))
    parts = [run_arm(a.dir, arm, a) for arm in arms]
    head = [f"Setting {a.setting}; shared data steps: "
            + (", ".join(f"{k} {v:.0f} s" for k, v in shared.items()) or "all done before")
            + f"; whole run {time.perf_counter() - t0:.0f} s.", ""]
    spread = [seed_spread(a.dir, arms, a.seeds)] if a.seeds > 1 else []
    emit("\n\n".join(["\n".join(head) + side_by_side(a.dir, arms), *spread, *parts]), a.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
