"""The paper's LSTM classifier: masking, dropout, regularisation, file format and its refusals."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np
import pytest
import torch

from semioscope.core.models.classifier import (
    FORMAT,
    ClassifierConfig,
    ClassifierMetadata,
    SeizureClassifier,
    build_classifier,
    load_classifier,
    pad_features,
    random_classifier,
    read_metadata,
    save_classifier,
)
from semioscope.errors import WeightsError

torch.set_num_threads(1)


def feats(n: int, t: int, f: int = 1024, seed: int = 0) -> torch.Tensor:
    return torch.randn(n, t, f, generator=torch.Generator().manual_seed(seed))


def test_output_is_one_probability_per_sequence() -> None:
    model, _ = random_classifier(0)
    with torch.no_grad():
        p = model(feats(5, 7))
    assert p.shape == (5,) and bool(((p > 0) & (p < 1)).all())
    assert len({round(float(v), 6) for v in p}) > 1  # depends on the input


@pytest.mark.parametrize("real", [1, 3, 6])
def test_pre_padding_does_not_change_the_output(real: int) -> None:
    model, _ = random_classifier(1)
    x = feats(2, real, seed=real)
    padded = torch.stack([pad_features(s, 7) for s in x])
    assert padded.shape == (2, 7, 1024) and bool((padded[:, : 7 - real] == -1).all())
    with torch.no_grad():
        assert torch.allclose(model(x), model(padded), atol=1e-6)
        # a step that is not entirely -1 is data, not padding: the output must move
        changed = padded.clone()
        changed[:, 0, 0] = 0.5
        if real < 7:
            assert not torch.allclose(model(changed), model(padded))


def test_pad_features_numpy_and_long_input() -> None:
    a = np.arange(6, dtype=np.float32).reshape(2, 3)
    out = pad_features(a, steps=4)
    assert isinstance(out, np.ndarray) and out.dtype == np.float32
    np.testing.assert_array_equal(out, [[-1, -1, -1], [-1, -1, -1], [0, 1, 2], [3, 4, 5]])
    long = np.arange(27, dtype=np.float32).reshape(9, 3)
    np.testing.assert_array_equal(pad_features(long, steps=7), long[2:])
    with pytest.raises(ValueError):
        pad_features(np.zeros(5), 7)


def test_recurrent_dropout_and_dropout_only_in_training() -> None:
    model, _ = random_classifier(2)
    x = feats(8, 7)
    with torch.no_grad():
        assert torch.equal(model(x), model(x))           # eval: deterministic
        model.train()
        torch.manual_seed(0)
        a = model(x)
        torch.manual_seed(1)
        b = model(x)
    assert not torch.allclose(a, b)
    only_recurrent = SeizureClassifier(ClassifierConfig(dropout=0.0)).train()
    with torch.no_grad():
        torch.manual_seed(0)
        c = only_recurrent.lstm1(x, torch.ones(8, 7, dtype=torch.bool))
        torch.manual_seed(1)
        d = only_recurrent.lstm1(x, torch.ones(8, 7, dtype=torch.bool))
        only_recurrent.eval()
        e = only_recurrent.lstm1(x, torch.ones(8, 7, dtype=torch.bool))
        f = only_recurrent.lstm1(x, torch.ones(8, 7, dtype=torch.bool))
    assert torch.allclose(c[:, 0], d[:, 0])              # step 1: h0 = 0, nothing to drop
    assert not torch.allclose(c[:, 1:], d[:, 1:])        # later steps see dropped h
    assert torch.equal(e, f)


def test_regularisation_loss_counts_every_term_and_trains() -> None:
    model = build_classifier().train()
    x, y = feats(16, 7), torch.randint(0, 2, (16,)).float()
    zero = build_classifier(ClassifierConfig(kernel_l2=0, recurrent_l2=0, activity_l2=0,
                                             bias_l2=0))
    zero(x)
    assert float(zero.regularisation_loss().detach()) == 0.0
    p = model(x)
    reg = model.regularisation_loss()
    expected_kernel = 1e-4 * sum(float(k.detach().square().sum()) for k in (
        model.lstm1.kernel, model.lstm2.kernel, model.fc1.weight, model.fc2.weight,
        model.out.weight))
    assert float(reg.detach()) > expected_kernel > 0
    loss = torch.nn.functional.mse_loss(p, y) + reg
    loss.backward()
    assert model.lstm1.recurrent_kernel.grad is not None
    assert float(model.lstm1.kernel.grad.abs().sum()) > 0   # type: ignore[union-attr]


def test_dense_layers_use_he_uniform_and_batch_norm() -> None:
    model = build_classifier()
    bound = (6 / model.fc1.in_features) ** 0.5
    weight = model.fc1.weight.detach()
    assert float(weight.abs().max()) <= bound
    assert float(weight.abs().max()) > 0.8 * bound
    assert (model.bn1.num_features, model.bn2.num_features) == (64, 32)
    assert model.drop.p == 0.5 and model.lstm1.recurrent_dropout == 0.3


def test_save_load_round_trip(tmp_path: Path) -> None:
    config = ClassifierConfig(lstm1=32, lstm2=16, fc1=16, fc2=8, features=64)
    model = build_classifier(config).train()
    model(feats(8, 7, 64))                       # move the BN running statistics
    model.eval()
    meta = ClassifierMetadata(backbone="s3d", backbone_weights_sha256="ab" * 32,
                              backbone_pretrained=True, preprocessing_version="pre-v9",
                              mapping={"name": "kinect", "params": {"gain": 0.24}},
                              threshold=0.42, uncertain_band=(0.3, 0.55), trained=True,
                              training={"patients": 35, "seizures": 126},
                              metrics={"f1_macro": 0.84})
    path = tmp_path / "clf.semio"
    save_classifier(path, model, meta)
    loaded, meta2 = load_classifier(path)
    assert not loaded.training and loaded.config == config
    x = feats(3, 7, 64, seed=9)
    with torch.no_grad():
        assert torch.equal(loaded(x), model(x))
    assert meta2.config == dataclasses.asdict(config)
    assert dataclasses.replace(meta2, config={}, software_version="") == dataclasses.replace(
        meta, config={}, software_version="")
    assert meta2.software_version and read_metadata(path) == meta2
    assert json.loads(json.dumps(meta2.to_dict()))["uncertain_band"] == [0.3, 0.55]
    assert [p.name for p in tmp_path.iterdir()] == ["clf.semio"]   # no temporary left


def test_random_classifier_records_the_backbone() -> None:
    class Loaded:
        name, pretrained, weights_sha256 = "i3d", True, "cd" * 32

    model, meta = random_classifier(4, Loaded())
    assert meta.trained is False and meta.backbone == "i3d"
    assert meta.backbone_weights_sha256 == "cd" * 32 and meta.backbone_pretrained is True
    from semioscope.core.preprocess import PREPROCESSING_VERSION

    assert meta.preprocessing_version == PREPROCESSING_VERSION
    again, _ = random_classifier(4, "s3d")
    x = feats(2, 7)
    with torch.no_grad():
        assert torch.equal(model(x), again(x))


def test_wrong_files_are_refused(tmp_path: Path) -> None:
    from safetensors.torch import save_file

    junk = tmp_path / "junk.semio"
    junk.write_bytes(b"this is not a model" * 10)
    other = tmp_path / "other.safetensors"
    save_file({"w": torch.zeros(2)}, str(other))
    good = tmp_path / "good.semio"
    model, meta = random_classifier(0)
    save_classifier(good, model, meta)
    truncated = tmp_path / "truncated.semio"
    truncated.write_bytes(good.read_bytes()[:-1000])
    wrong_keys = tmp_path / "wrong_keys.semio"
    tensors = {k: v.contiguous() for k, v in model.state_dict().items() if k != "fc1.weight"}
    save_file(tensors, str(wrong_keys), metadata={"format": FORMAT,
                                                  "semioscope": json.dumps(meta.to_dict())})
    cases = {junk: "not a semioscope classifier", other: "not a semioscope classifier",
             truncated: "not a semioscope classifier", wrong_keys: r"missing \['fc1.weight'\]",
             tmp_path / "absent.semio": "not found"}
    for path, message in cases.items():
        with pytest.raises(WeightsError, match=message) as err:
            load_classifier(path)
        assert str(path) in str(err.value)
