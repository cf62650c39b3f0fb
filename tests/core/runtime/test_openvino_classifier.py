"""The classifier on OpenVINO against torch: P(TLE) within 1e-5 for every number of steps."""

from __future__ import annotations

import numpy as np
import torch

from semioscope.core.export.classifier import export_classifier
from semioscope.core.models.classifier import pad_features, random_classifier
from semioscope.core.runtime.classifier import OpenVINOClassifier, pad_steps


def test_p_tle_matches_torch_for_every_length(tmp_path) -> None:
    model, _ = random_classifier(5)
    xml = export_classifier(model, tmp_path / "classifier.xml")
    ov = OpenVINOClassifier(xml, steps=model.config.steps, threads=2)
    rng = np.random.default_rng(0)
    worst, seen = 0.0, []
    for t in range(1, model.config.steps + 3):  # short windows are pre-padded, long ones cut
        feats = rng.normal(0, 1, (t, model.config.features)).astype(np.float32)
        padded = pad_features(feats, model.config.steps)
        np.testing.assert_array_equal(pad_steps(feats, model.config.steps), padded)
        with torch.inference_mode():
            want = float(model(torch.from_numpy(np.asarray(padded))[None])[0])
        got = ov.p_tle(feats)
        worst = max(worst, abs(got - want))
        seen.append(want)
    assert worst < 1e-5
    assert max(seen) - min(seen) > 1e-4  # the inputs really changed the output
