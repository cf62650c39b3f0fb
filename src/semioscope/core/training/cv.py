"""Cross-validation grouped by patient (paper section 3.6): no patient is ever on both sides.

Folds come from scikit-learn's StratifiedGroupKFold (classes balanced across folds), falling
back to GroupKFold when stratification is impossible. Each fold's model is trained by
:func:`~.train.fit_procedure`, so the CV estimates exactly the procedure ``train`` uses.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from sklearn.model_selection import GroupKFold, StratifiedGroupKFold

from semioscope.core.training import metrics as M
from semioscope.core.training.config import TrainConfig
from semioscope.core.training.dataset import FeatureSet
from semioscope.core.training.decision import choose_band, choose_threshold
from semioscope.core.training.train import ModelFactory, fit_procedure, predict
from semioscope.errors import SemioscopeError

#: ``progress(fold, folds, epoch, epochs)``
CVProgress = Callable[[int, int, int, int], None]


def patient_folds(y: np.ndarray, patients: np.ndarray, n_splits: int, seed: int = 0
                  ) -> tuple[list[tuple[np.ndarray, np.ndarray]], str]:
    """``([(train_idx, val_idx), ...], method)``; every patient validates in exactly one fold."""
    n_patients = len(np.unique(patients))
    if n_splits > n_patients:
        raise SemioscopeError("cross-validation", f"{n_splits} folds need at least {n_splits} "
                              f"patients; the data has {n_patients}")
    dummy = np.zeros((len(y), 1))
    try:
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            folds = list(StratifiedGroupKFold(n_splits, shuffle=True, random_state=seed)
                         .split(dummy, y, patients))
        if all(len(v) for _, v in folds):
            return folds, "StratifiedGroupKFold"
    except ValueError:
        pass
    return list(GroupKFold(n_splits).split(dummy, y, patients)), "GroupKFold"


def _fold_metrics(data: FeatureSet, p: np.ndarray, aggregation: str) -> dict[str, Any]:
    levels = M.level_scores(p, data.y, data.seizure, data.patient, aggregation)
    return {level: M.binary_metrics(ys, s) for level, (_, ys, s) in levels.items()}


def run_cv(data: FeatureSet, config: TrainConfig, *, folds: int | None = None,
           model_factory: ModelFactory | None = None, progress: CVProgress | None = None,
           cancel: Any = None, n_boot: int = 1000) -> dict[str, Any]:
    """Train and evaluate every fold; return the report object (see ``commands/cv.py``)."""
    n_splits = folds or config.folds
    splits, method = patient_folds(data.y, data.patient, n_splits, config.seed)
    oof = np.full(len(data), np.nan)
    fold_of = np.full(len(data), -1)
    out_folds = []
    for k, (tr, va) in enumerate(splits):
        train, val = data.subset(tr), data.subset(va)
        cb = None if progress is None else (
            lambda e, n, k=k: progress(k + 1, len(splits), e, n))
        model, info = fit_procedure(train, config, evaluated=val, model_factory=model_factory,
                                    progress=cb, cancel=cancel)
        oof[va] = predict(model, val.X)
        fold_of[va] = k
        out_folds.append({
            "fold": k, "train_patients": sorted(set(train.patient)),
            "val_patients": sorted(set(val.patient)), "train": train.summary(),
            "val": val.summary(), "fit": {**info.to_dict(), "losses": info.losses[-1:]},
            "metrics": _fold_metrics(val, oof[va], config.aggregation),
            "metrics_vote": _fold_metrics(val, oof[va], "vote")["seizure"],
        })
    return summarise(data, config, out_folds, oof, fold_of, method, n_boot)


def summarise(data: FeatureSet, config: TrainConfig, folds: list[dict[str, Any]],
              oof: np.ndarray, fold_of: np.ndarray, method: str, n_boot: int) -> dict[str, Any]:
    """Mean ± std over folds, pooled CIs, calibration and the decision rule."""
    summary = {level: M.mean_std([f["metrics"][level] for f in folds]) for level in M.LEVELS}
    levels = M.level_scores(oof, data.y, data.seizure, data.patient, config.aggregation)
    pooled = {level: M.binary_metrics(ys, s) for level, (_, ys, s) in levels.items()}
    seizure_patient = _seizure_patients(data, levels["seizure"][0])
    clusters = {"window": data.patient, "seizure": seizure_patient,
                "patient": np.array([i.split("|")[0] for i in levels["patient"][0]])}
    ci = {level: M.bootstrap_ci(ys, s, clusters[level], n_boot=n_boot, seed=config.seed)
          for level, (_, ys, s) in levels.items()}
    _, sy, ss = levels["seizure"]
    threshold = choose_threshold(sy, ss)
    band = choose_band(sy, ss, threshold, config.precision_target)
    vote = M.mean_std([f["metrics_vote"] for f in folds])
    return {
        "folds": folds, "fold_method": method, "summary": summary, "pooled": pooled,
        "bootstrap_ci95": ci, "calibration": {
            "window": M.calibration(data.y, oof), "seizure": M.calibration(sy, ss)},
        "aggregation": {"used": config.aggregation, "seizure_mean": summary["seizure"],
                        "seizure_vote": vote},
        "decision": {"threshold": threshold, **band},
        "config": config.to_dict(), "data": data.summary(), "features": data.meta,
        "best_epochs": [f["fit"]["best_epoch"] for f in folds],
        "predictions": {"p_tle": oof, "fold": fold_of},
    }


def _seizure_patients(data: FeatureSet, seizure_ids: np.ndarray) -> np.ndarray:
    first = {sid: i for i, sid in enumerate(data.seizure)}
    return np.array([data.patient[first[s]] for s in seizure_ids])
