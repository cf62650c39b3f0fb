"""BatchNorm step counters (``num_batches_tracked``) in weights files load as torchvision loads
them; every other key is still checked strictly."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch
from torch import nn
from torchvision.ops.misc import FrozenBatchNorm2d

from semioscope.cli import main
from semioscope.core.models.registry import load_state_dict_file
from semioscope.errors import WeightsError
from tests.indexed_clips import write_clip


def _net(norm: type[nn.Module]) -> nn.Sequential:
    torch.manual_seed(0)
    return nn.Sequential(nn.Conv2d(1, 4, 3), norm(4), nn.Conv2d(4, 2, 1))


def test_counters_of_frozen_layers_are_dropped_and_missing_ones_accepted(tmp_path: Path):
    plain = _net(nn.BatchNorm2d)
    plain[1].running_mean += 0.5
    torch.save(plain.state_dict(), tmp_path / "plain.pt")
    frozen = _net(FrozenBatchNorm2d)
    load_state_dict_file(frozen, tmp_path / "plain.pt", "test")     # counters dropped
    assert torch.equal(frozen[1].running_mean, plain[1].running_mean)
    torch.save(frozen.state_dict(), tmp_path / "frozen.pt")
    again = _net(nn.BatchNorm2d)
    load_state_dict_file(again, tmp_path / "frozen.pt", "test")     # counters absent: zero
    assert int(again[1].num_batches_tracked) == 0


@pytest.mark.parametrize("extra", ["0.num_batches_tracked", "1.extra", "3.weight"])
def test_every_other_stray_key_is_still_refused(tmp_path: Path, extra: str):
    state = _net(nn.BatchNorm2d).state_dict()
    state[extra] = torch.zeros(())
    torch.save(state, tmp_path / "odd.pt")
    with pytest.raises(WeightsError, match=f"unexpected keys.*{extra}"):
        load_state_dict_file(_net(FrozenBatchNorm2d), tmp_path / "odd.pt", "test")


def test_detector_weights_saved_from_plain_batchnorm_load_in_the_cli(tmp_path: Path, capsys):
    """What torchvision's training scripts save: every BatchNorm2d with its step counter."""
    from torchvision.models import detection

    torch.manual_seed(1)
    model = detection.fasterrcnn_mobilenet_v3_large_fpn(weights=None, weights_backbone=None)
    state = model.state_dict()
    assert any(k.startswith("backbone.body.") and k.endswith("num_batches_tracked")
               for k in state)
    torch.save(state, tmp_path / "detector.pth")
    video = write_clip(tmp_path / "v.mp4", "h264-mp4", frames=10)
    out = tmp_path / "crop.json"
    assert main(["crop", str(video), "--detector", "fasterrcnn-mobilenet", "--weights",
                 str(tmp_path / "detector.pth"), "--frames", "1", "--out", str(out)]) == 0, \
        capsys.readouterr().err
    record = json.loads(out.read_text())
    assert record["detector"]["pretrained"] is True
    state["backbone.body.0.0.weight_extra"] = torch.zeros(1)       # strictness kept
    torch.save(state, tmp_path / "odd.pth")
    assert main(["crop", str(video), "--detector", "fasterrcnn-mobilenet", "--weights",
                 str(tmp_path / "odd.pth"), "--frames", "1", "--out", str(out)]) == 2
    assert "1 unexpected keys" in capsys.readouterr().err
