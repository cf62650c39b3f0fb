"""Training: class weighting as the paper describes, reproducibility, best-epoch selection."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from safetensors.torch import save

from semioscope.core.training.config import TrainConfig, load_config
from semioscope.core.training.train import class_weights, fit, fit_procedure, predict, weighted_loss
from semioscope.errors import SemioscopeError
from tests.core.training.helpers import fast_config, synthetic_set, tiny_factory

TINY = {"lstm1": 8, "lstm2": 8, "fc1": 8, "fc2": 8}


def test_class_weights_are_inverse_frequency() -> None:
    y = np.array([0] * 30 + [1] * 10)
    w = class_weights(y)
    np.testing.assert_allclose(w, [40 / (2 * 30), 40 / (2 * 10)])
    assert w[0] * 30 == pytest.approx(w[1] * 10)  # each class weighs the same in total


def test_weighting_makes_the_minority_count_as_much_as_the_majority() -> None:
    y = torch.tensor([0.0] * 30 + [1.0] * 10)
    p = torch.full_like(y, 0.5)
    p[y == 1] = 0.1                         # bad on the minority class only
    w = torch.tensor(class_weights(y.numpy().astype(int)), dtype=torch.float32)
    weighted = float(weighted_loss(p, y, w, "mse"))
    plain = float(weighted_loss(p, y, None, "mse"))
    per_class = [float(((p[y == c] - c) ** 2).mean()) for c in (0, 1)]
    assert weighted == pytest.approx(np.mean(per_class))       # classes count equally
    assert plain == pytest.approx((30 * per_class[0] + 10 * per_class[1]) / 40)
    assert weighted > plain
    bce = float(weighted_loss(p, y, w, "bce"))
    assert bce == pytest.approx(float(torch.nn.functional.binary_cross_entropy(
        p, y, weight=w[y.long()])))


def test_same_seed_same_model_bytes_other_seed_differs() -> None:
    data = synthetic_set(patients=6, seizures=2)
    cfg = fast_config(epochs=5, model=TINY)

    def weights(seed: int) -> bytes:
        model, _ = fit(data.X, data.y, cfg.replace(seed=seed))
        return save({k: v.contiguous() for k, v in model.state_dict().items()})

    assert weights(3) == weights(3)
    assert weights(3) != weights(4)


def test_best_validation_epoch_is_kept() -> None:
    data = synthetic_set(patients=8, seizures=2)
    train, val = data.subset(data.patient < "P06"), data.subset(data.patient >= "P06")
    model, info = fit(train.X, train.y, fast_config(epochs=25), val=(val.X, val.y),
                      model_factory=tiny_factory)
    assert 1 <= info.best_epoch <= 25 and len(info.losses) == 25
    from sklearn.metrics import f1_score

    got = f1_score(val.y, predict(model, val.X) >= 0.5, average="macro")
    assert got == pytest.approx(info.best_val_f1)
    assert info.losses[-1] < info.losses[0]


def test_holdout_procedure_never_uses_the_evaluated_patients() -> None:
    data = synthetic_set(patients=10, seizures=1)
    train, val = data.subset(data.patient < "P08"), data.subset(data.patient >= "P08")
    _, info = fit_procedure(train, fast_config(epochs=3), evaluated=val,
                            model_factory=tiny_factory)
    assert info.stopping == "holdout" and "held-out training patients" in info.note
    _, paper = fit_procedure(train, fast_config(epochs=3, stopping="paper"), evaluated=val,
                             model_factory=tiny_factory)
    assert paper.stopping == "paper" and "optimistic" in paper.note


def test_one_class_is_refused() -> None:
    with pytest.raises(SemioscopeError, match="both FLE and TLE"):
        class_weights(np.zeros(5, dtype=int))


def test_config_defaults_are_the_papers_and_errors_name_the_key(tmp_path) -> None:
    cfg = load_config(None)
    assert (cfg.loss, cfg.lr, cfg.beta1, cfg.beta2, cfg.batch_size, cfg.epochs) == (
        "mse", 1e-3, 0.9, 0.999, 500, 2000)
    path = tmp_path / "c.toml"
    path.write_text('loss = "bce"\nepochs = 7\n[model]\nlstm1 = 16\n')
    assert load_config(path) == TrainConfig(loss="bce", epochs=7, model={"lstm1": 16})
    path.write_text("epoch = 7\n")
    with pytest.raises(SemioscopeError, match=r"c.toml: unknown setting\(s\) epoch"):
        load_config(path)
    path.write_text('epochs = "many"\n')
    with pytest.raises(SemioscopeError, match="epochs must be int"):
        load_config(path)
    path.write_text('loss = "hinge"\n')
    with pytest.raises(SemioscopeError, match="loss must be one of"):
        load_config(path)
