"""Cross-validation: patients never leak, metrics behave, the report folder follows its contract."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from semioscope.core.results import has_band
from semioscope.core.training import metrics as M
from semioscope.core.training.cv import patient_folds, run_cv
from semioscope.core.training.decision import choose_band, choose_threshold
from semioscope.core.training.report import write_cv_report
from tests.core.training.helpers import fast_config, synthetic_set, tiny_factory


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_no_patient_in_both_training_and_validation(seed: int) -> None:
    data = synthetic_set(patients=12, seizures=3, seed=seed)
    folds, method = patient_folds(data.y, data.patient, 5, seed)
    assert method == "StratifiedGroupKFold"
    validated = []
    for train, val in folds:
        assert not set(data.patient[train]) & set(data.patient[val])
        assert len(train) + len(val) == len(data)
        validated += sorted(set(data.patient[val]))
    assert sorted(validated) == sorted(set(data.patient))  # each patient validated once


def test_too_many_folds_is_a_user_error() -> None:
    from semioscope.errors import SemioscopeError

    data = synthetic_set(patients=4, seizures=1)
    with pytest.raises(SemioscopeError, match="5 folds need at least 5 patients"):
        patient_folds(data.y, data.patient, 5)


def test_constant_predictor_macro_f1_at_most_half() -> None:
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 200)
    for constant in (0.0, 0.3, 0.7, 1.0):
        m = M.binary_metrics(y, np.full(len(y), constant))
        assert m["f1_macro"] <= 0.5 and m["balanced_accuracy"] == 0.5
        assert m["roc_auc"] == 0.5


def test_aggregation_mean_vs_vote() -> None:
    score = np.array([0.9, 0.4, 0.45, 0.1, 0.2, 0.3])
    y = np.array([1, 1, 1, 0, 0, 0])
    groups = np.array(["a", "a", "a", "b", "b", "b"])
    ids, labels, mean = M.aggregate(score, y, groups, "mean")
    assert list(ids) == ["a", "b"] and list(labels) == [1, 0]
    np.testing.assert_allclose(mean, [0.5833333, 0.2], rtol=1e-6)
    _, _, vote = M.aggregate(score, y, groups, "vote")
    np.testing.assert_allclose(vote, [1 / 3, 0.0])


def test_threshold_and_band_reach_the_precision_target() -> None:
    y = np.array([0, 0, 0, 0, 1, 1, 1, 1])
    s = np.array([0.1, 0.2, 0.3, 0.55, 0.45, 0.7, 0.8, 0.9])
    t = choose_threshold(y, s)
    band = choose_band(y, s, t, target=1.0)
    assert band["reached"]
    lo, hi = band["band"]
    assert lo <= 0.45 and hi >= 0.55 and band["n_in_band"] == 2
    outside = (s < lo) | (s > hi)
    assert ((s[outside] > hi) == (y[outside] == 1)).all()


def test_calibration_ece_is_zero_when_calibrated_and_large_when_not() -> None:
    y = np.array([0] * 8 + [1] * 2 + [1] * 8 + [0] * 2)
    p = np.array([0.2] * 10 + [0.8] * 10)
    assert M.calibration(y, p)["ece"] == pytest.approx(0.0)
    assert M.calibration(1 - y, p)["ece"] == pytest.approx(0.6)


def test_run_cv_writes_the_report_folder(tmp_path: Path) -> None:
    data = synthetic_set(patients=12, seizures=3, separation=1.5)
    result = run_cv(data, fast_config(), model_factory=tiny_factory, n_boot=50)
    path = write_cv_report(result, data, tmp_path / "rep", synthetic=True)
    report = json.loads(path.read_text())
    assert len(report["folds"]) == 5
    for fold in report["folds"]:
        assert not set(fold["train_patients"]) & set(fold["val_patients"])
        assert set(fold["metrics"]) == {"window", "seizure", "patient"}
    for level in ("window", "seizure", "patient"):
        assert set(report["summary"][level]) == set(M.SUMMARY_METRICS)
        assert {"mean", "std"} <= set(report["summary"][level]["f1_macro"])
    assert report["summary"]["window"]["f1_macro"]["mean"] > 0.7  # learnable data is learnt
    assert report["data"]["FLE"] == {"patients": 6, "seizures": 18, "windows": 72}
    assert report["config"]["epochs"] == 30
    for name in ("folds.csv", "predictions.csv", "roc.png", "confusion.png", "reliability.png"):
        assert (tmp_path / "rep" / name).stat().st_size > 0
    preds = (tmp_path / "rep" / "predictions.csv").read_text().splitlines()
    assert len(preds) == len(data) + 1
    md = (tmp_path / "rep" / "summary.md").read_text()
    assert "0.844 ± 0.042" in md and "say nothing about clinical accuracy" in md
    if has_band(report["decision"]["band"]):
        assert f"{report['decision']['n_in_band']} of 36 seizures fall in the band" in md
    else:   # the one rule's words for an empty band, never a zero-width interval
        assert "no uncertain band" in md and "no seizure is called uncertain" in md
