"""Random search: the paper's ranges, reproducible draws, nested selection without leakage."""

from __future__ import annotations

import tomllib

from semioscope.core.training.config import TrainConfig
from semioscope.core.training.search import RANGES, config_toml, nested_search, sample_configs
from tests.core.training.helpers import fast_config, synthetic_set, tiny_factory


def test_draws_are_in_the_papers_ranges_and_reproducible() -> None:
    configs = sample_configs(TrainConfig(), 40, seed=1)
    assert configs == sample_configs(TrainConfig(), 40, seed=1)
    assert configs != sample_configs(TrainConfig(), 40, seed=2)
    for c in configs:
        assert 32 <= c.model["lstm1"] <= 256 and 32 <= c.model["lstm2"] <= 256
        assert 16 <= c.model["fc1"] <= 128 and 16 <= c.model["fc2"] <= 128
        assert 0 <= c.model["dropout"] <= 0.5 and 0 <= c.model["recurrent_dropout"] <= 0.5
        assert RANGES["epochs"][0] <= c.epochs <= 2000 and 50 <= c.batch_size <= 2000
    assert {c.loss for c in configs} == {"mse", "bce"}
    assert max(c.epochs for c in sample_configs(TrainConfig(), 10, 0, max_epochs=60)) <= 60


def test_best_toml_reads_back() -> None:
    config = sample_configs(TrainConfig(), 1, seed=3)[0]
    assert TrainConfig.from_dict(tomllib.loads(config_toml(config))) == config


def test_nested_search_selects_inside_the_outer_training_patients() -> None:
    data = synthetic_set(patients=9, seizures=1, windows=3)
    result = nested_search(data, fast_config(epochs=5), trials=2, seed=0, outer_folds=3,
                           inner_folds=2, max_epochs=5, model_factory=tiny_factory)
    assert "nested" in result["method"] and "optimistic" in result["selected"]["label"]
    assert len(result["folds"]) == 3
    for fold in result["folds"]:
        assert not set(fold["train_patients"]) & set(fold["val_patients"])
        assert len(fold["inner_scores"]) == 2
        assert fold["chosen_trial"] == max(range(2), key=lambda i: fold["inner_scores"][i])
    assert 0 <= result["nested_estimate"]["window"]["f1_macro"]["mean"] <= 1
