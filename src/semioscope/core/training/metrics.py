"""Evaluation at three levels: window (the paper's unit), seizure and patient.

All classification metrics come from scikit-learn, macro-averaged (FLE and TLE count equally,
as in the paper). A seizure's score aggregates its windows (mean P(TLE), or the fraction of
windows voting TLE); a patient's score is the mean of their seizures' scores. A patient with
seizures of both classes counts once per class. ECE is not in scikit-learn; it is the usual
bin-count-weighted gap between mean confidence and observed frequency over equal-width bins.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from sklearn.metrics import (
    balanced_accuracy_score,
    confusion_matrix,
    f1_score,
    precision_score,
    recall_score,
    roc_auc_score,
)

LEVELS = ("window", "seizure", "patient")
SUMMARY_METRICS = ("f1_macro", "precision_macro", "recall_macro", "roc_auc", "balanced_accuracy")


def aggregate(score: np.ndarray, y: np.ndarray, groups: np.ndarray, method: str = "mean",
              threshold: float = 0.5) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(group ids, label, score)`` per group, in sorted id order, vectorised.

    ``method`` "mean": mean score; "vote": fraction of members with score >= ``threshold``.
    A group's label is its members' (groups never mix classes: callers key on the label).
    """
    if method not in ("mean", "vote"):
        raise ValueError(f"unknown aggregation {method!r}")
    ids, inverse = np.unique(groups, return_inverse=True)
    counts = np.bincount(inverse)
    values = score if method == "mean" else (score >= threshold).astype(np.float64)
    agg = np.bincount(inverse, weights=values) / counts
    labels = np.zeros(len(ids), dtype=np.int64)
    labels[inverse] = y
    return ids, labels, agg


def level_scores(score: np.ndarray, y: np.ndarray, seizure: np.ndarray, patient: np.ndarray,
                 method: str = "mean") -> dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Per level: ``(ids, y, score)``; patients are keyed by (patient, label)."""
    s_ids, s_y, s_score = aggregate(score, y, seizure, method)
    first = {sid: i for i, sid in enumerate(seizure)}
    s_patient = np.array([f"{patient[first[sid]]}|{lab}" for sid, lab in zip(s_ids, s_y,
                                                                              strict=True)])
    p_ids, p_y, p_score = aggregate(s_score, s_y, s_patient, "mean")
    return {"window": (np.arange(len(y)).astype(str), y, score),
            "seizure": (s_ids, s_y, s_score), "patient": (p_ids, p_y, p_score)}


def binary_metrics(y: np.ndarray, score: np.ndarray, threshold: float = 0.5) -> dict[str, Any]:
    """Macro metrics at ``threshold``; ROC AUC is NaN when only one class is present."""
    pred = (score >= threshold).astype(np.int64)
    both = len(np.unique(y)) == 2
    return {
        "n": int(len(y)),
        "f1_macro": float(f1_score(y, pred, average="macro", labels=[0, 1], zero_division=0)),
        "precision_macro": float(precision_score(y, pred, average="macro", labels=[0, 1],
                                                 zero_division=0)),
        "recall_macro": float(recall_score(y, pred, average="macro", labels=[0, 1],
                                           zero_division=0)),
        "roc_auc": float(roc_auc_score(y, score)) if both else math.nan,
        "balanced_accuracy": float(balanced_accuracy_score(y, pred)) if both else math.nan,
        "confusion": confusion_matrix(y, pred, labels=[0, 1]).tolist(),
    }


def mean_std(per_fold: list[dict[str, Any]]) -> dict[str, dict[str, float]]:
    """Mean and (population, as numpy) standard deviation over folds, NaN folds left out."""
    out: dict[str, dict[str, float]] = {}
    for name in SUMMARY_METRICS:
        values = np.array([m[name] for m in per_fold], dtype=np.float64)
        values = values[np.isfinite(values)]
        out[name] = {"mean": float(values.mean()) if len(values) else math.nan,
                     "std": float(values.std()) if len(values) else math.nan,
                     "folds": int(len(values))}
    return out


def bootstrap_ci(y: np.ndarray, score: np.ndarray, clusters: np.ndarray, *, n_boot: int = 1000,
                 seed: int = 0, threshold: float = 0.5) -> dict[str, list[float]]:
    """95% percentile CIs of macro F1 and ROC AUC, resampling whole patients (clusters).

    Windows of one patient are correlated; resampling them independently would give too-narrow
    intervals.
    """
    rng = np.random.default_rng(seed)
    ids, inverse = np.unique(clusters, return_inverse=True)
    members = [np.flatnonzero(inverse == i) for i in range(len(ids))]
    f1s: list[float] = []
    aucs: list[float] = []
    for _ in range(n_boot):
        pick = np.concatenate([members[i] for i in rng.integers(0, len(ids), len(ids))])
        yb, sb = y[pick], score[pick]
        if len(np.unique(yb)) < 2:
            continue
        f1s.append(f1_score(yb, sb >= threshold, average="macro", labels=[0, 1],
                            zero_division=0))
        aucs.append(roc_auc_score(yb, sb))
    def ci(values: list[float]) -> list[float]:
        if not values:
            return [math.nan, math.nan]
        return [float(v) for v in np.percentile(values, [2.5, 97.5])]
    return {"f1_macro": ci(f1s), "roc_auc": ci(aucs), "resamples": [float(len(f1s))]}


def calibration(y: np.ndarray, p: np.ndarray, bins: int = 10) -> dict[str, Any]:
    """Reliability table over ``bins`` equal-width bins of P(TLE), and the ECE."""
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.digitize(p, edges[1:-1]), 0, bins - 1)
    count = np.bincount(which, minlength=bins)
    conf = np.bincount(which, weights=p, minlength=bins)
    freq = np.bincount(which, weights=y.astype(np.float64), minlength=bins)
    used = count > 0
    mean_p = np.where(used, conf / np.maximum(count, 1), np.nan)
    frac = np.where(used, freq / np.maximum(count, 1), np.nan)
    ece = float(np.nansum(np.abs(frac - mean_p) * count) / max(len(p), 1))
    return {"ece": ece, "bins": [
        {"lo": float(edges[i]), "hi": float(edges[i + 1]), "n": int(count[i]),
         "mean_p_tle": None if not used[i] else float(mean_p[i]),
         "fraction_tle": None if not used[i] else float(frac[i])} for i in range(bins)]}
