"""Every backbone builder carries its weights' description, and the network keeps to it."""

from __future__ import annotations

import pytest
import torch

from semioscope.core.models.backbone import BACKBONES, BUILDERS, load_backbone
from semioscope.core.models.classifier import ClassifierConfig, random_classifier
from semioscope.core.models.registry import weight_file
from semioscope.core.models.s3d import S3DFeatures
from semioscope.core.models.weights import (
    BACKBONE_WEIGHTS,
    BackboneWeights,
    backbone_weights,
)
from semioscope.core.windows import MIN_WINDOW_FRAMES, WINDOW_FRAMES

torch.set_num_threads(2)


def test_every_builder_has_a_description_of_its_weights():
    assert set(BUILDERS) == set(BACKBONES) == set(BACKBONE_WEIGHTS)
    for name, cls in BUILDERS.items():
        described = cls.weights
        assert isinstance(described, BackboneWeights) and described is backbone_weights(name)
        assert described.file == weight_file(name) and described.name == name
        assert described.meta["file"]["sha256"] == weight_file(name).sha256
        # the engine never cuts a window shorter than a backbone accepts
        assert described.min_frames <= MIN_WINDOW_FRAMES
    with pytest.raises(KeyError, match="known: i3d, s3d"):
        backbone_weights("resnet")


@pytest.mark.parametrize("name", BACKBONES)
def test_the_network_keeps_to_its_contract(name: str):
    backbone = load_backbone(name, allow_untrained=True, device="cpu")
    w = backbone.weights
    assert (backbone.feature_dim, backbone.max_steps, backbone.min_frames) == (
        w.feature_dim, w.steps_per_window, w.min_frames)
    assert backbone.timesteps(WINDOW_FRAMES) == w.steps_per_window
    clip = torch.rand(1, 3, w.min_frames, 64, 64) * 2 - 1
    assert backbone.features(clip).shape == (1, backbone.timesteps(w.min_frames), w.feature_dim)
    with pytest.raises(ValueError, match=f"at least {w.min_frames} frames"):
        backbone.features(clip[:, :, 1:])


def test_input_normalisation_comes_from_the_description():
    i3d, s3d = backbone_weights("i3d"), backbone_weights("s3d")
    assert i3d.input_range == (-1.0, 1.0) and i3d.mean == i3d.std == (0.5, 0.5, 0.5)  # as fed
    x = torch.rand(1, 3, 2, 4, 4) * 2 - 1
    expected = torch.stack([((x[:, c] + 1) / 2 - s3d.mean[c]) / s3d.std[c] for c in range(3)], 1)
    assert torch.allclose(S3DFeatures().normalise(x), expected, atol=1e-6)


def test_the_classifier_input_shape_comes_from_the_backbone():
    assert (ClassifierConfig().steps, ClassifierConfig().features) == (7, 1024)   # the paper's
    for name in BACKBONES:
        config = ClassifierConfig.for_backbone(name, lstm1=16)
        w = backbone_weights(name)
        assert (config.steps, config.features, config.lstm1) == (w.steps_per_window,
                                                                 w.feature_dim, 16)
        model, _ = random_classifier(0, name)
        assert model.config.steps == w.steps_per_window
    assert ClassifierConfig.for_backbone("s3d").steps == 6
