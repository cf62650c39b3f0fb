"""Fitting the LSTM-FC classifier on cached features (paper section 3.5.1), vectorised.

The whole training set is one tensor; an epoch is a seeded permutation cut into mini-batches (no
per-sample Python). The loss is class-weighted (see :mod:`.config`) plus the model's
regularisation terms. Validation macro F1 (windows, threshold 0.5) is measured every
``eval_every`` epochs and the weights of the best epoch are kept. Before every validation and
before the weights are returned, the batch-norm statistics are recomputed over the training
windows (:mod:`.batchnorm`), so eval mode computes what was learned. Same data, config and seed on
the same machine and thread count give the same weights.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sklearn.metrics import f1_score
from sklearn.model_selection import StratifiedGroupKFold
from sklearn.utils.class_weight import compute_class_weight

from semioscope.core.training.batchnorm import batchnorm_layers, recompute_batchnorm
from semioscope.core.training.config import TrainConfig
from semioscope.core.training.dataset import FeatureSet
from semioscope.errors import CancelledError, SemioscopeError

#: ``progress(epoch, epochs)``
EpochProgress = Callable[[int, int], None]
ModelFactory = Callable[[TrainConfig, int], Any]


@dataclass
class FitInfo:
    """What happened in one fit: which epoch was kept and why."""

    best_epoch: int
    best_val_f1: float | None
    epochs_run: int
    stopping: str
    note: str = ""
    losses: list[float] = field(default_factory=list)
    batchnorm: str = ""

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def class_weights(y: np.ndarray) -> np.ndarray:
    """``[w_FLE, w_TLE]`` with ``w_c = N / (2 N_c)``: inversely proportional to frequency."""
    if len(np.unique(y)) < 2:
        raise SemioscopeError("training data", "both FLE and TLE windows are needed")
    return compute_class_weight("balanced", classes=np.array([0, 1]), y=y)


def weighted_loss(p: Any, y: Any, weights: Any, kind: str = "mse") -> Any:
    """``mean_i w_{y_i} * l_i`` with l = squared error or binary cross-entropy."""
    import torch
    import torch.nn.functional as F

    if kind == "mse":
        per = (p - y) ** 2
    else:
        per = F.binary_cross_entropy(p.clamp(1e-7, 1 - 1e-7), y, reduction="none")
    w = weights[y.long()] if weights is not None else torch.ones_like(p)
    return (w * per).mean()


def default_model_factory(config: TrainConfig, features: int, steps: int | None = None) -> Any:
    """The project's classifier with ``config.model`` settings; its input shape is the data's
    ``(steps, features)``, i.e. its backbone's (``core/models/weights.py``)."""
    from semioscope.core.models.classifier import ClassifierConfig, build_classifier

    try:
        shape = {"features": features, **({} if steps is None else {"steps": steps})}
        cfg = ClassifierConfig(**{**config.model, **shape})
    except TypeError as exc:
        raise SemioscopeError("config [model]", str(exc)) from None
    return build_classifier(cfg)


def predict(model: Any, X: np.ndarray, batch: int = 2048) -> np.ndarray:
    """P(TLE) per window, in eval mode, without gradients, on the model's device."""
    import torch

    model.eval()
    device = next(model.parameters()).device
    out = []
    with torch.inference_mode():
        for start in range(0, len(X), batch):
            x = torch.from_numpy(X[start:start + batch]).to(device)
            out.append(model(x).reshape(-1).float().cpu())
    return torch.cat(out).numpy().astype(np.float64) if out else np.zeros(0)


def training_device(name: str) -> str:
    """The torch device for the config's ``device`` (``models.device.resolve_device``'s rule),
    a refusal naming the config."""
    from semioscope.core.models.device import resolve_device

    try:
        return resolve_device(name).torch_device
    except SemioscopeError as exc:
        raise SemioscopeError("config", f"device = {name!r}: {exc.message}") from None


def fit(X: np.ndarray, y: np.ndarray, config: TrainConfig, *,
        val: tuple[np.ndarray, np.ndarray] | None = None,
        model_factory: ModelFactory | None = None, progress: EpochProgress | None = None,
        cancel: Any = None) -> tuple[Any, FitInfo]:
    """Train one model; keep the best-validation-F1 weights when ``val`` is given.
    Long because the epoch loop (batches, validation, the best weights, stopping) shares its
    state."""
    import torch

    torch.set_num_threads(config.threads)
    torch.manual_seed(config.seed)
    device = training_device(config.device)
    factory = model_factory or functools.partial(default_model_factory, steps=X.shape[1])
    model = factory(config, X.shape[2]).to(device)
    opt = torch.optim.Adam(model.parameters(), lr=config.lr, betas=(config.beta1, config.beta2))
    weights = torch.tensor(class_weights(y), dtype=torch.float32, device=device) \
        if config.class_weighting else None
    Xt = torch.from_numpy(np.ascontiguousarray(X, dtype=np.float32)).to(device)
    standardise = getattr(model, "fit_standardisation", None)
    if callable(standardise):
        standardise(Xt)
    yt = torch.from_numpy(y.astype(np.float32)).to(device)
    gen = torch.Generator().manual_seed(config.seed)
    best: tuple[float, int, dict[str, Any]] | None = None
    losses: list[float] = []
    for epoch in range(1, config.epochs + 1):
        if cancel is not None and cancel.cancelled:
            raise CancelledError("cancelled")
        model.train()
        total = torch.zeros((), device=device)
        for idx in torch.randperm(len(yt), generator=gen).to(device).split(config.batch_size):
            opt.zero_grad(set_to_none=True)
            p = model(Xt[idx]).reshape(-1)
            loss = weighted_loss(p, yt[idx], weights, config.loss)
            (loss + model.regularisation_loss()).backward()
            opt.step()
            total += loss.detach() * len(idx)
        losses.append(float(total) / len(yt))
        if val is not None and (epoch % config.eval_every == 0 or epoch == config.epochs):
            recompute_batchnorm(model, Xt)
            score = float(f1_score(val[1], predict(model, val[0]) >= 0.5, average="macro",
                                   labels=[0, 1], zero_division=0))
            if best is None or score > best[0]:
                best = (score, epoch, {k: v.detach().clone() for k, v in
                                       model.state_dict().items()})
        if progress is not None:
            progress(epoch, config.epochs)
    if best is not None:
        model.load_state_dict(best[2])     # its batch-norm statistics were recomputed too
        layers = len(batchnorm_layers(model))
    else:
        layers = recompute_batchnorm(model, Xt)
    model.cpu()
    note = (f"batch-norm statistics of {layers} layer(s) recomputed over the {len(yt)} "
            "training windows" if layers else "")
    if best is not None:
        return model, FitInfo(best[1], best[0], config.epochs, "val", losses=losses,
                              batchnorm=note)
    return model, FitInfo(config.epochs, None, config.epochs, "fixed", losses=losses,
                          batchnorm=note)


def holdout_split(data: FeatureSet, config: TrainConfig) -> tuple[np.ndarray, np.ndarray] | None:
    """A patient-grouped, class-stratified 1/``holdout_folds`` of ``data`` (masks), or None."""
    import warnings

    splitter = StratifiedGroupKFold(config.holdout_folds, shuffle=True, random_state=config.seed)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # "least populated class": expected
            train_idx, val_idx = next(splitter.split(data.X[:, 0, :1], data.y, data.patient))
    except ValueError:
        return None
    if len(np.unique(data.y[val_idx])) < 2 or len(np.unique(data.y[train_idx])) < 2:
        return None
    train = np.zeros(len(data), bool)
    train[train_idx] = True
    return train, ~train


def fit_procedure(data: FeatureSet, config: TrainConfig, *, evaluated: FeatureSet | None = None,
                  model_factory: ModelFactory | None = None,
                  progress: EpochProgress | None = None, cancel: Any = None
                  ) -> tuple[Any, FitInfo]:
    """Train as ``config.stopping`` says; ``evaluated`` is the fold under test ("paper" only)."""
    kwargs = {"model_factory": model_factory, "progress": progress, "cancel": cancel}
    if config.stopping == "paper" and evaluated is not None:
        model, info = fit(data.X, data.y, config, val=(evaluated.X, evaluated.y), **kwargs)
        info.stopping = "paper"
        info.note = "best epoch chosen on the evaluated patients themselves (optimistic)"
        return model, info
    if config.stopping in ("holdout", "paper"):
        split = holdout_split(data, config)
        if split is not None:
            train, held = data.subset(split[0]), data.subset(split[1])
            model, info = fit(train.X, train.y, config, val=(held.X, held.y), **kwargs)
            info.stopping = "holdout"
            info.note = (f"best epoch chosen on {len(set(held.patient))} held-out training "
                         f"patients; fitted on the other {len(set(train.patient))}")
            return model, info
    model, info = fit(data.X, data.y, config, **kwargs)
    if config.stopping != "fixed":
        info.note = "too few patients for a hold-out: weights after the last epoch"
    return model, info
