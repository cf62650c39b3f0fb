"""Random hyper-parameter search over the paper's ranges, with nested cross-validation.

Outer folds (grouped by patient) give the estimate; inside each outer training set an inner
grouped CV picks the best of the trials, which is refitted there and scored once on the outer
fold. The outer patients are never used for any choice, so the nested estimate is not
optimistic (unlike the paper's search, which selected on the same folds it reported). The
configuration finally recommended is the best by CV over all patients; *its* CV score is
selected-on-the-same-folds and therefore labelled optimistic.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.metrics import f1_score

from semioscope.core.training.config import TrainConfig
from semioscope.core.training.cv import patient_folds
from semioscope.core.training.dataset import FeatureSet
from semioscope.core.training.metrics import binary_metrics, level_scores, mean_std
from semioscope.core.training.train import ModelFactory, fit_procedure, predict
from semioscope.errors import SemioscopeError

#: the paper's ranges (section 3.5.1), inclusive
RANGES: dict[str, tuple[Any, ...]] = {
    "lstm_units": (32, 256), "fc_units": (16, 128), "loss": ("mse", "bce"),
    "dropout": (0.0, 0.5), "recurrent_dropout": (0.0, 0.5), "epochs": (50, 2000),
    "batch_size": (50, 2000),
}
#: ``progress(done_fits, total_fits)``
SearchProgress = Callable[[int, int], None]


def sample_configs(base: TrainConfig, trials: int, seed: int,
                   max_epochs: int | None = None) -> list[TrainConfig]:
    """``trials`` configurations drawn uniformly from :data:`RANGES` (reproducible by seed)."""
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(trials):
        def units(key: str) -> int:
            lo, hi = RANGES[key]
            return int(rng.integers(lo, hi + 1))
        model = {**base.model, "lstm1": units("lstm_units"), "lstm2": units("lstm_units"),
                 "fc1": units("fc_units"), "fc2": units("fc_units"),
                 "dropout": round(float(rng.uniform(*RANGES["dropout"])), 3),
                 "recurrent_dropout": round(float(rng.uniform(*RANGES["recurrent_dropout"])), 3)}
        epochs = int(rng.integers(RANGES["epochs"][0], RANGES["epochs"][1] + 1))
        out.append(base.replace(
            model=model, loss=str(rng.choice(RANGES["loss"])),
            epochs=min(epochs, max_epochs) if max_epochs else epochs,
            batch_size=int(rng.integers(RANGES["batch_size"][0], RANGES["batch_size"][1] + 1))))
    return out


def inner_splits(data: FeatureSet, folds: int, seed: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """Patient-grouped folds of ``data`` whose every training part holds both classes."""
    splits, _ = patient_folds(data.y, data.patient, folds, seed)
    if any(len(np.unique(data.y[tr])) < 2 for tr, _ in splits):
        raise SemioscopeError("search", f"too few patients per class for {folds} inner folds "
                              f"inside {len(set(data.patient))} training patients: some "
                              "training part would hold one class only; use fewer folds or "
                              "more patients")
    return splits


def cv_score(data: FeatureSet, config: TrainConfig, folds: int, seed: int,
             model_factory: ModelFactory | None, tick: Callable[[], None]) -> float:
    """Mean window macro F1 over patient-grouped folds of ``data``."""
    scores = []
    for tr, va in inner_splits(data, folds, seed):
        model, _ = fit_procedure(data.subset(tr), config, evaluated=data.subset(va),
                                 model_factory=model_factory)
        scores.append(f1_score(data.y[va], predict(model, data.X[va]) >= 0.5, average="macro",
                               labels=[0, 1], zero_division=0))
        tick()
    return float(np.mean(scores))


@dataclass(frozen=True)
class SearchPlan:
    """The drawn configurations and the outer folds: the same for every engine."""

    configs: list[TrainConfig]
    outer: list[tuple[np.ndarray, np.ndarray]]
    method: str
    outer_folds: int
    inner_folds: int
    seed: int
    max_epochs: int | None

    @property
    def total_fits(self) -> int:
        return len(self.outer) * (len(self.configs) * self.inner_folds + 1) \
            + len(self.configs) * self.outer_folds


def plan_search(data: FeatureSet, base: TrainConfig, *, trials: int, seed: int = 0,
                outer_folds: int = 5, inner_folds: int = 3,
                max_epochs: int | None = None) -> SearchPlan:
    """Draw the trials and the outer folds; refuse data too small for the inner folds."""
    configs = sample_configs(base, trials, seed, max_epochs)
    outer, method = patient_folds(data.y, data.patient, outer_folds, seed)
    for tr, _ in outer:
        inner_splits(data.subset(tr), inner_folds, seed)
    return SearchPlan(configs, outer, method, outer_folds, inner_folds, seed, max_epochs)


def trial_inner_score(data: FeatureSet, plan: SearchPlan, config: TrainConfig, fold: int,
                      model_factory: ModelFactory | None, tick: Callable[[], None]) -> float:
    """One trial's inner-CV score inside the training patients of outer fold ``fold``."""
    return cv_score(data.subset(plan.outer[fold][0]), config, plan.inner_folds, plan.seed,
                    model_factory, tick)


def trial_overall_score(data: FeatureSet, plan: SearchPlan, config: TrainConfig,
                        model_factory: ModelFactory | None, tick: Callable[[], None]) -> float:
    """One trial's CV score over all patients (what picks the configuration finally advised)."""
    return cv_score(data, config, plan.outer_folds, plan.seed, model_factory, tick)


def outer_fold_result(data: FeatureSet, plan: SearchPlan, fold: int, inner: list[float],
                      aggregation: str, model_factory: ModelFactory | None) -> dict[str, Any]:
    """Refit the trial best inside outer fold ``fold`` and score it once on that fold."""
    tr, va = plan.outer[fold]
    train, val = data.subset(tr), data.subset(va)
    best = int(np.argmax(inner))
    model, _ = fit_procedure(train, plan.configs[best], evaluated=val,
                             model_factory=model_factory)
    p = predict(model, val.X)
    levels = level_scores(p, val.y, val.seizure, val.patient, aggregation)
    return {"fold": fold, "train_patients": sorted(set(train.patient)),
            "val_patients": sorted(set(val.patient)), "inner_scores": list(inner),
            "chosen_trial": best,
            "metrics": {lv: binary_metrics(y, s) for lv, (_, y, s) in levels.items()}}


def search_report(plan: SearchPlan, folds: list[dict[str, Any]],
                  overall: list[float]) -> dict[str, Any]:
    """The report object (search.json) from the outer folds and every trial's overall CV."""
    best = int(np.argmax(overall))
    configs = plan.configs
    return {
        "method": "nested cross-validation (outer folds for the estimate, inner CV on the outer "
                  "training patients for selection)",
        "fold_method": plan.method, "outer_folds": plan.outer_folds,
        "inner_folds": plan.inner_folds,
        "trials": [c.to_dict() for c in configs], "max_epochs": plan.max_epochs,
        "folds": folds,
        "nested_estimate": {lv: mean_std([f["metrics"][lv] for f in folds])
                            for lv in ("window", "seizure", "patient")},
        "selected": {"trial": best, "config": configs[best].to_dict(),
                     "cv_f1_macro_window": overall[best],
                     "label": "selected on the same folds (optimistic, as in the paper); "
                              "quote the nested estimate instead"},
        "all_trials_cv_f1_macro_window": list(overall),
    }


def nested_search(data: FeatureSet, base: TrainConfig, *, trials: int, seed: int = 0,
                  outer_folds: int = 5, inner_folds: int = 3, max_epochs: int | None = None,
                  model_factory: ModelFactory | None = None,
                  progress: SearchProgress | None = None) -> dict[str, Any]:
    """Run the search in this process; return the report object (search.json)."""
    plan = plan_search(data, base, trials=trials, seed=seed, outer_folds=outer_folds,
                       inner_folds=inner_folds, max_epochs=max_epochs)
    done = [0]

    def tick() -> None:
        done[0] += 1
        if progress is not None:
            progress(done[0], plan.total_fits)

    folds = []
    for k in range(len(plan.outer)):
        inner = [trial_inner_score(data, plan, c, k, model_factory, tick) for c in plan.configs]
        folds.append(outer_fold_result(data, plan, k, inner, base.aggregation, model_factory))
        tick()
    overall = [trial_overall_score(data, plan, c, model_factory, tick) for c in plan.configs]
    return search_report(plan, folds, overall)


def config_toml(config: TrainConfig) -> str:
    """A TOML file ``train``/``cv`` read back (flat keys, then the [model] table)."""
    def value(v: Any) -> str:
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, str):
            return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
        return repr(v)
    data = config.to_dict()
    model = data.pop("model")
    lines = [f"{k} = {value(v)}" for k, v in data.items()]
    lines += ["", "[model]", *(f"{k} = {value(v)}" for k, v in model.items())]
    return "\n".join(lines) + "\n"
