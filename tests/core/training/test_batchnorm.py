"""Batch-norm statistics: after a handful of training steps, eval mode computes what was learned."""

from __future__ import annotations

import copy

import numpy as np
import pytest
import torch

from semioscope.core.models.classifier import ClassifierConfig, build_classifier
from semioscope.core.training import batchnorm
from semioscope.core.training.batchnorm import recompute_batchnorm
from semioscope.core.training.train import fit, predict
from tests.core.training.helpers import fast_config, synthetic_set


def batch_statistics_predict(model: torch.nn.Module, X: np.ndarray) -> np.ndarray:
    """P(TLE) with every batch-norm layer using the statistics of ``X`` itself (one batch) and
    every dropout off: what the network computes with the statistics it was trained with.
    Running statistics are left untouched."""
    layers = batchnorm.batchnorm_layers(model)
    saved = [(m.running_mean.clone(), m.running_var.clone(), m.num_batches_tracked.clone())
             for m in layers]
    model.eval()
    for m in layers:
        m.train()
    try:
        with torch.no_grad():
            p = model(torch.as_tensor(np.ascontiguousarray(X, dtype=np.float32)))
    finally:
        with torch.no_grad():
            for m, (mean, var, steps) in zip(layers, saved, strict=True):
                m.running_mean.copy_(mean)
                m.running_var.copy_(var)
                m.num_batches_tracked.copy_(steps)
        model.eval()
    return p.reshape(-1).double().numpy()


SMALL = {"lstm1": 16, "lstm2": 8, "fc1": 16, "fc2": 8, "dropout": 0.3, "recurrent_dropout": 0.2}


def _fitted(epochs: int = 3) -> tuple[torch.nn.Module, np.ndarray, str]:
    data = synthetic_set(patients=8, seizures=2, separation=1.5)
    model, info = fit(data.X, data.y, fast_config(epochs=epochs, batch_size=16, lr=0.01,
                                                  model=SMALL))
    return model, data.X, info.batchnorm


def test_a_handful_of_steps_then_eval_mode_reproduces_the_learned_network() -> None:
    model, X, note = _fitted()       # 3 epochs x 4 batches = 12 steps, as the demo's model
    assert "2 layer(s) recomputed over the 64 training windows" in note
    eval_p = predict(model, X)
    learned = batch_statistics_predict(model, X)
    np.testing.assert_allclose(eval_p, learned, atol=1e-5)
    assert eval_p.std() > 0.02       # not the flat bars of running statistics near 0/1


def test_running_statistics_after_few_steps_do_not_match_until_recomputed() -> None:
    model, X, _ = _fitted()
    stale = copy.deepcopy(model)
    for layer in batchnorm.batchnorm_layers(stale):   # what 12 steps at momentum 0.01 leave
        layer.reset_running_stats()
    learned = batch_statistics_predict(stale, X)
    assert np.abs(predict(stale, X) - learned).max() > 0.01   # the bug this module fixes
    assert recompute_batchnorm(stale, X) == 2
    np.testing.assert_allclose(predict(stale, X), learned, atol=1e-5)
    for a, b in zip(batchnorm.batchnorm_layers(stale), batchnorm.batchnorm_layers(model),
                    strict=True):
        torch.testing.assert_close(a.running_mean, b.running_mean)


def test_statistics_over_chunks_equal_one_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    torch.manual_seed(0)
    model = build_classifier(ClassifierConfig(**SMALL, features=8))
    X = np.random.default_rng(0).normal(size=(50, 7, 8)).astype(np.float32)
    one = copy.deepcopy(model)
    recompute_batchnorm(one, X)
    monkeypatch.setattr(batchnorm, "CHUNK", 7)
    recompute_batchnorm(model, X)
    for a, b in zip(batchnorm.batchnorm_layers(one), batchnorm.batchnorm_layers(model),
                    strict=True):
        torch.testing.assert_close(a.running_var, b.running_var)
    assert not model.training


def test_a_model_without_batch_norm_is_left_alone() -> None:
    linear = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(14, 1))
    before = copy.deepcopy(linear.state_dict())
    assert recompute_batchnorm(linear, np.zeros((4, 7, 2), np.float32)) == 0
    assert all(torch.equal(before[k], v) for k, v in linear.state_dict().items())
