"""--runtime: what auto picks, the refusals, the fall-back to torch, the IR cache, equal numbers.

The one conversion of this test session is the shared ``i3d_pair`` fixture's; the cache tests
hand its IR to the cache through a stand-in converter that copies it (and counts its calls).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
import torch

from semioscope.core.export import ir_cache
from semioscope.core.inference.runtime import choose_runtime, with_runtime
from semioscope.core.runtime.backbone import OpenVINOBackbone
from semioscope.errors import SemioscopeError


@pytest.mark.parametrize(("requested", "device", "installed", "chosen"), [
    ("auto", "cpu", True, "openvino"), ("auto", "cpu", False, "torch"),
    ("auto", "cuda", True, "torch"), ("torch", "cpu", True, "torch"),
    ("openvino", "cpu", True, "openvino")])
def test_choice(monkeypatch: pytest.MonkeyPatch, requested: str, device: str, installed: bool,
                chosen: str) -> None:
    monkeypatch.delenv("SEMIOSCOPE_RUNTIME", raising=False)
    assert choose_runtime(requested, device, installed=installed) == chosen


def test_refusals_are_one_line_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SEMIOSCOPE_RUNTIME", raising=False)
    with pytest.raises(SemioscopeError, match=r"^--runtime: openvino requested but not "
                                              r"installed: pip install"):
        choose_runtime("openvino", "cpu", installed=False)
    with pytest.raises(SemioscopeError, match=r"^--runtime: openvino runs on the CPU"):
        choose_runtime("openvino", "cuda", installed=True)
    with pytest.raises(SemioscopeError, match=r"^--runtime: unknown runtime 'onnx'"):
        choose_runtime("onnx", "cpu")


def test_the_environment_sets_what_auto_means(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SEMIOSCOPE_RUNTIME", "torch")
    assert choose_runtime("auto", "cpu", installed=True) == "torch"
    assert choose_runtime("openvino", "cpu", installed=True) == "openvino"  # asked: obeyed
    monkeypatch.setenv("SEMIOSCOPE_RUNTIME", "openvino")
    assert choose_runtime("auto", "cuda", installed=True) == "torch"   # never OpenVINO on GPU


class Unconvertible:
    """A backbone-like object OpenVINO cannot take (no torch module inside)."""

    name, pretrained, weights_sha256, runtime = "i3d", False, None, "torch"


def test_a_failed_conversion_falls_back_to_torch_aloud() -> None:
    said: list[str] = []
    backbone = Unconvertible()
    assert with_runtime(backbone, "openvino", notice=said.append) is backbone
    assert said and "torch is used" in said[-1]
    with pytest.raises(SemioscopeError, match="^--runtime: OpenVINO could not take"):
        with_runtime(backbone, "openvino", strict=True)
    assert with_runtime(backbone, "torch") is backbone


def test_converted_once_cached_and_equal_to_torch(i3d_pair, monkeypatch) -> None:
    backbone, xml = i3d_pair
    calls: list[Path] = []

    def copy_of_the_real_ir(model, folder: Path):
        calls.append(folder)
        for suffix in (".xml", ".bin"):
            shutil.copy(xml.with_suffix(suffix), folder / f"i3d{suffix}")
        return {"name": "i3d", "ir": "i3d.xml", "pretrained": False, "weights_sha256": None,
                "extend_to": None, "channels": 1}

    import semioscope.core.export.backbone as export_mod

    monkeypatch.setattr(export_mod, "export_backbone", copy_of_the_real_ir)
    said: list[str] = []
    first = with_runtime(backbone, "openvino", threads=2, notice=said.append, strict=True)
    second = with_runtime(backbone, "openvino", threads=2, notice=said.append, strict=True)
    assert isinstance(first, OpenVINOBackbone) and isinstance(second, OpenVINOBackbone)
    assert len(calls) == 1 and len(said) == 1 and said[0].startswith("converting i3d")
    folder = next((Path(calls[0]).parent).glob("i3d-*"))
    assert json.loads((folder / "entry.json").read_text())["channels"] == 1
    assert len(list(folder.parent.iterdir())) == 1     # no half-written folder left
    assert first.device.kind == "cpu" and first.provenance()["runtime"].startswith("openvino")
    x = np.random.default_rng(3).random((2, 1, 24, 64, 64), dtype=np.float32) * 2 - 1
    want = backbone.features(torch.from_numpy(x)).numpy()
    got = first.features(x)
    assert float(np.abs(got - want).max() / np.abs(want).max()) < 1e-4
    # the second load took OpenVINO's compiled network from the cache beside the IR: same numbers
    assert list((folder / "compiled").glob("*.blob"))
    assert np.array_equal(second.features(x), got)


def test_changed_weights_get_another_ir(i3d_pair) -> None:
    backbone, _ = i3d_pair
    key = ir_cache.ir_key(backbone)
    assert ir_cache.ir_key(backbone) == key
    weight = backbone.model.Conv3d_1a_7x7.conv3d.weight
    with torch.no_grad():
        weight[0, 0, 0, 0, 0] += 1.0
        try:
            assert ir_cache.ir_key(backbone) != key
        finally:
            weight[0, 0, 0, 0, 0] -= 1.0
