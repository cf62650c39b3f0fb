"""The nested hyper-parameter search as a Ray Tune experiment, one trial per configuration.

The configurations and outer folds are drawn by :func:`~semioscope.core.training.search.plan_search`
exactly as for the local search (same seed, same draws from the paper's ranges); Tune runs each as
a trial doing that configuration's full patient-grouped CV (its inner CV inside every outer
training set, then its CV over all patients), checkpointing after each outer fold. The driver then
refits each outer fold's winner as Ray tasks and builds the same report object as the local
search. Tune keeps the experiment in ``experiment`` (``--out DIR/tune``): a search stopped with
Ctrl-C, or whose driver died, resumes from there when the same command is run again; trials that
had finished are not run again.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
from ray import tune  # this module is imported for --engine ray only, after require_ray()

from semioscope.core.atomic import write_json
from semioscope.core.training.config import TrainConfig
from semioscope.core.training.dataset import FeatureSet
from semioscope.core.training.search import (
    SearchPlan,
    SearchProgress,
    outer_fold_result,
    plan_search,
    search_report,
    trial_inner_score,
    trial_overall_score,
)
from semioscope.errors import CancelledError, SemioscopeError

REQUEST = "semioscope-search.json"    # what the experiment folder holds a search of
STATE = "state.json"                  # a trial's checkpoint: the outer folds done so far

#: the driver's progress callback (module level so the pickled Tune callback stays stateless)
_PROGRESS: dict[str, Any] = {}


class SearchInterrupted(CancelledError):
    """The search stopped before every trial finished; rerunning resumes it."""


def data_fingerprint(data: FeatureSet) -> str:
    """SHA-256 of the features, labels and groups: a resumed search must see the same data."""
    h = hashlib.sha256()
    for array in (data.X, data.y, data.patient, data.seizure):
        h.update(np.ascontiguousarray(array).tobytes())
    return h.hexdigest()


def search_request(data: FeatureSet, plan: SearchPlan) -> dict[str, Any]:
    return {"configs": [c.to_dict() for c in plan.configs],
            "outer_val_patients": [sorted({str(p) for p in data.patient[va]})
                                   for _, va in plan.outer],
            "inner_folds": plan.inner_folds, "seed": plan.seed, "max_epochs": plan.max_epochs,
            "data_sha256": data_fingerprint(data)}


def tune_trial(params: dict[str, Any], data: FeatureSet, plan: SearchPlan,
               device: str) -> None:
    """One Tune trial: configuration ``params["trial"]`` through its full grouped CV."""
    index = int(params["trial"])
    config = plan.configs[index]
    if device == "gpu":
        config = config.replace(device="cuda")
    state: dict[str, Any] = {"inner": [], "fits": 0}
    checkpoint = tune.get_checkpoint()
    if checkpoint is not None:
        with checkpoint.as_directory() as folder:
            state = json.loads((Path(folder) / STATE).read_text(encoding="utf-8"))

    def tick() -> None:
        state["fits"] += 1

    for fold in range(len(state["inner"]), len(plan.outer)):
        state["inner"].append(trial_inner_score(data, plan, config, fold, None, tick))
        _report(index, state)
    if "overall" not in state:   # (a resumed trial may have finished all but the report)
        state["overall"] = trial_overall_score(data, plan, config, None, tick)
    _report(index, state)


def _report(index: int, state: dict[str, Any]) -> None:
    """Report a trial's progress with its state as the checkpoint (written to the experiment
    folder before ``report`` returns, so a stopped search resumes from the last one)."""
    complete = "overall" in state
    metrics = {"trial": index, "fits": state["fits"], "complete": complete}
    if complete:
        metrics.update(inner_scores=state["inner"], overall=state["overall"])
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / STATE).write_text(json.dumps(state), encoding="utf-8")
        tune.report(metrics, checkpoint=tune.Checkpoint.from_directory(folder))


class _Progress(tune.Callback):   # type: ignore[misc]
    """Counts the fits the trials report and calls the current driver's progress (a module-level
    class: Tune pickles it with the experiment, and a resumed driver must find its own)."""

    def on_trial_result(self, iteration: int, trials: list[Any], trial: Any,
                        result: dict[str, Any], **info: Any) -> None:
        fn = _PROGRESS.get("fn")
        if fn is not None:
            _PROGRESS.setdefault("fits", {})[trial.trial_id] = int(result.get("fits", 0))
            fn(sum(_PROGRESS["fits"].values()), _PROGRESS["total"])


def _tuner(experiment: Path, request: dict[str, Any], trainable: Any, plan: SearchPlan,
           workers: int | None, retries: int) -> Any:
    stored = experiment / REQUEST
    if tune.Tuner.can_restore(str(experiment)):
        try:
            previous = json.loads(stored.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            previous = None
        if previous != request:
            raise SemioscopeError(experiment, "holds a search with other settings or other "
                                  "data; use another --out folder")
        return tune.Tuner.restore(str(experiment), trainable, resume_unfinished=True,
                                  resume_errored=True)
    if stored.exists():   # ours, stopped before Tune saved any state: start it afresh
        shutil.rmtree(experiment)
    elif experiment.exists() and any(experiment.iterdir()):
        raise SemioscopeError(experiment, "exists and is not a search experiment; use another "
                              "--out folder")
    write_json(stored, request)
    return tune.Tuner(
        trainable,
        param_space={"trial": tune.grid_search(list(range(len(plan.configs))))},
        tune_config=tune.TuneConfig(max_concurrent_trials=workers, reuse_actors=True),
        run_config=tune.RunConfig(name=experiment.name, storage_path=str(experiment.parent),
                                  verbose=0, callbacks=[_Progress()],
                                  failure_config=tune.FailureConfig(max_failures=retries)))


def nested_search_ray(
    data: FeatureSet, base: TrainConfig, *, trials: int, experiment: str | Path, seed: int = 0,
    outer_folds: int = 5, inner_folds: int = 3, max_epochs: int | None = None,
    workers: int | None = None, device: str = "cpu", retries: int = 2,
    progress: SearchProgress | None = None,
) -> dict[str, Any]:
    """Run (or resume) the search on the Ray cluster of this process; the report object.

    Each trial asks Ray for ``base.threads`` CPUs (and a GPU when ``device`` is ``"gpu"``); at
    most ``workers`` run at once. A trial whose worker fails is retried ``retries`` times.
    """
    import ray

    plan = plan_search(data, base, trials=trials, seed=seed, outer_folds=outer_folds,
                       inner_folds=inner_folds, max_epochs=max_epochs)
    experiment = Path(experiment).resolve()
    resources: dict[str, float] = {"cpu": base.threads, "gpu": 1 if device == "gpu" else 0}
    trainable = tune.with_resources(
        tune.with_parameters(tune_trial, data=data, plan=plan, device=device), resources)
    tuner = _tuner(experiment, search_request(data, plan), trainable, plan, workers, retries)
    os.environ.setdefault("RAY_AIR_NEW_OUTPUT", "0")   # Tune's console table off (verbose=0)
    _PROGRESS.clear()
    _PROGRESS.update(fn=progress, total=plan.total_fits, fits={})
    try:
        grid = tuner.fit()
    finally:
        _PROGRESS.clear()
    results: dict[int, dict[str, Any]] = {}
    for result in grid:
        if result.error is not None:
            raise SemioscopeError(experiment, f"trial {result.config.get('trial')} failed: "
                                  f"{str(result.error).strip().splitlines()[-1]}")
        if result.metrics and result.metrics.get("complete"):
            results[int(result.metrics["trial"])] = result.metrics
    if len(results) < len(plan.configs):
        raise SearchInterrupted(f"{len(results)} of {len(plan.configs)} trials finished")
    inner = [[results[i]["inner_scores"][k] for i in range(len(plan.configs))]
             for k in range(len(plan.outer))]
    refit = ray.remote(outer_fold_result).options(
        name="search_refit", num_cpus=base.threads, max_retries=retries)  # refits on CPUs
    data_ref, plan_ref = ray.put(data), ray.put(plan)
    folds = ray.get([refit.remote(data_ref, plan_ref, k, inner[k], base.aggregation, None)
                     for k in range(len(plan.outer))])
    if progress is not None:
        progress(plan.total_fits, plan.total_fits)
    return search_report(plan, folds, [results[i]["overall"] for i in range(len(plan.configs))])
