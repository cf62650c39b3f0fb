"""Learnability, short version of bench/bench_learnability.py: the real command-line path
(synth → project crop → export → extract → cv → train → analyze) learns a synthetic FLE/TLE
task with an untrained backbone. The bar is lower than the benchmark's (8 patients cannot
measure generalisation: that is bench/bench_learnability.py's job, 16 patients), but broken
learning fails it: flat eval-mode predictions (the batch-norm bug), labels mixed up, a model
that cannot separate its own training windows, or training and analysis preprocessing
differently.

Generalisation is judged on the mean out-of-fold AUC over ten training seeds, not on one run:
with 8 patients one run's AUC is a draw from 0.51-0.86 (mean 0.74 over seeds 0-9), and features
that differ by 5e-6 (the thread count of the process that extracted them) move it as much as a
new seed does; with the labels of half the patients of each class swapped, single runs reach
0.88, while the ten-seed mean stays at 0.42-0.51.

The first four of its eight training videos are byte for byte the quick demo's (same seed and
length), so the feature cache starts from the session's demo build (tests/conftest.py) and
`extract` computes the other four: half the I3D work."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sklearn.metrics import roc_auc_score

from semioscope.cli import main as cli
from semioscope.demo import small_data_config


def run(*args: str) -> None:
    assert cli(list(args)) == 0, args


#: the training seeds of the generalisation check (seed 0: the `cv` command's own run)
SEEDS = range(10)


def out_of_fold_auc(dataset: Any, config: Path, seed: int) -> float:
    """Pooled out-of-fold window AUC of the cross-validation `cv` runs, with another seed."""
    from semioscope.core.training.config import load_config
    from semioscope.core.training.cv import run_cv

    report = run_cv(dataset, load_config(config).replace(seed=seed), n_boot=1)
    return float(report["pooled"]["window"]["roc_auc"])


@pytest.mark.slow
@pytest.mark.timeout(1800)   # 2 min beside the demo build, heavily shared machine
def test_the_cli_path_learns_synthetic_fle_versus_tle(tmp_path: Path,
                                                     built_demo: tuple[Any, Path, str]) -> None:
    from semioscope.core.models.classifier import load_classifier
    from semioscope.core.training.dataset import load_dataset
    from semioscope.core.training.manifest import load_manifest
    from semioscope.core.training.train import predict

    data, proj, cropped = tmp_path / "data", tmp_path / "proj", tmp_path / "cropped.csv"
    feats, cv, model = tmp_path / "feats", tmp_path / "cv", tmp_path / "model.semio"
    (tmp_path / "train.toml").write_text(small_data_config(epochs=60, folds=2))
    common = ["--allow-untrained"]
    run("synth", "--dataset", str(data), "--patients", "8", "--seizures", "1",
        "--max-seconds", "6", "--seed", "11")
    run("project", "create", str(proj), "--manifest", str(data / "manifest.csv"))
    run("project", "crop", str(proj), "--detector", "truth")
    run("project", "export", str(proj), "--out", str(cropped))
    shutil.copytree(built_demo[0].features, feats)  # P001..P004's entries (a copy: read only)
    run("extract", str(cropped), "--cache", str(feats), *common)
    run("cv", str(cropped), "--cache", str(feats), "--out", str(cv), "--config",
        str(tmp_path / "train.toml"), "--bootstrap", "20", *common)
    run("train", str(cropped), "--cache", str(feats), "--config", str(tmp_path / "train.toml"),
        "--cv-report", str(cv), "--out", str(model), *common)

    # eval mode reproduces what was learned: the shipped model separates its training windows
    dataset = load_dataset(load_manifest(cropped), feats)
    classifier, meta = load_classifier(model)
    p = predict(classifier, dataset.X)
    assert roc_auc_score(dataset.y, p) >= 0.9 and p.std() > 0.1, (p.min(), p.max())
    assert "standardise" in json.dumps(meta.config)
    report = json.loads((cv / "cv.json").read_text())
    assert len(report["folds"]) == 2
    # and it generalises to patients it never saw: the out-of-fold scores of its 24 windows
    # rank them above chance, on average over training seeds (see the module docstring:
    # measured 0.73-0.74 on three extractions; labels half swapped 0.42-0.51)
    aucs = [float(report["pooled"]["window"]["roc_auc"])]
    aucs += [out_of_fold_auc(dataset, tmp_path / "train.toml", seed) for seed in SEEDS[1:]]
    assert float(np.mean(aucs)) >= 0.65, aucs

    # analysis with the shipped model on a training video preprocesses as training did
    row = load_manifest(cropped).rows[-1]   # features this test extracted
    crop = tmp_path / "crop.json"
    run("crop", str(row.video), "--detector", "truth", "--out", str(crop))
    out = tmp_path / "r.json"
    run("analyze", str(row.video), "--classifier", str(model), "--crop-file", str(crop),
        "--onset", f"{row.onset_s:g}", "--offset", f"{row.offset_s:g}", *common,
        "--out", str(out))
    analysed = [w["p_tle"] for w in json.loads(out.read_text())["windows"]]
    np.testing.assert_allclose(analysed, p[dataset.seizure == row.seizure_id], atol=1e-4)
