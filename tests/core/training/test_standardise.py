"""Input standardisation ([model] standardise): fitted on the training windows, stored in the
classifier file, padding ignored; files without it keep loading."""

from __future__ import annotations

import numpy as np
import torch

from semioscope.core.models.classifier import (
    ClassifierMetadata,
    load_classifier,
    save_classifier,
)
from semioscope.core.training.train import fit, predict
from tests.core.training.helpers import fast_config, synthetic_set

SMALL = {"lstm1": 8, "lstm2": 8, "fc1": 8, "fc2": 8}


def test_statistics_come_from_the_unpadded_training_steps_and_travel_in_the_file(tmp_path) -> None:
    data = synthetic_set(patients=6, seizures=1)
    X = data.X.copy()
    real = (X != -1).any(axis=2)
    X[real] = X[real] * 3.0 + 40.0                       # a large common offset, as untrained I3D
    model, _ = fit(X, data.y, fast_config(epochs=2, model={**SMALL, "standardise": True}))
    steps = X[real]
    np.testing.assert_allclose(model.feature_mean.numpy(), steps.mean(axis=0), rtol=1e-4)
    np.testing.assert_allclose(model.feature_std.numpy(), steps.std(axis=0, ddof=1), rtol=1e-3)
    path = tmp_path / "m.semio"
    save_classifier(path, model, ClassifierMetadata(trained=True))
    loaded, _ = load_classifier(path)
    torch.testing.assert_close(loaded.feature_mean, model.feature_mean)
    np.testing.assert_allclose(predict(loaded, X), predict(model, X), atol=1e-6)


def test_without_standardise_the_file_has_no_extra_tensors(tmp_path) -> None:
    data = synthetic_set(patients=4, seizures=1)
    model, _ = fit(data.X, data.y, fast_config(epochs=1, model=SMALL))
    assert not hasattr(model, "feature_mean")
    save_classifier(tmp_path / "m.semio", model, ClassifierMetadata(trained=True))
    loaded, _ = load_classifier(tmp_path / "m.semio")
    assert "feature_mean" not in loaded.state_dict()
