"""--device: what auto picks, the one-line refusals, GPU batch sizing, and the CPU path end to end.

CI has no GPU, so the CUDA branch of the selection is driven through torch's own query functions
(replaced by a fake "one 80-GiB GPU"); the computation itself is only run on the CPU here and on a
real GPU by bench/bench_pipeline.py --device cuda.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
import torch

from semioscope.core import DEFAULT_BATCH_SIZE
from semioscope.core.models import device as device_mod
from semioscope.core.models.backbone import load_backbone
from semioscope.core.models.device import (
    MAX_GPU_BATCH,
    Device,
    auto_batch_size,
    parse_device,
    resolve_device,
)
from semioscope.errors import SemioscopeError

GIB = 2**30


def fake_gpus(monkeypatch: pytest.MonkeyPatch, count: int) -> None:
    monkeypatch.setattr(torch.cuda, "is_available", lambda: count > 0)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: count)
    monkeypatch.setattr(torch.cuda, "get_device_properties",
                        lambda i: SimpleNamespace(name=f"Fake GPU {i}", total_memory=80 * GIB))


@pytest.mark.parametrize(("text", "parsed"), [
    ("auto", ("auto", None)), ("CPU", ("cpu", None)), ("cuda", ("cuda", None)),
    ("cuda:1", ("cuda", 1)), (" cuda:0 ", ("cuda", 0))])
def test_parse_device(text: str, parsed: tuple[str, int | None]) -> None:
    assert parse_device(text) == parsed


@pytest.mark.parametrize("text", ["gpu", "cuda:", "cuda:x", "mps", ""])
def test_unknown_device_is_a_one_line_error(text: str) -> None:
    with pytest.raises(SemioscopeError, match=r"^--device: unknown device .*auto, cpu, cuda"):
        parse_device(text)


def test_auto_without_gpu_is_the_cpu(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_gpus(monkeypatch, 0)
    assert resolve_device("auto") == Device("cpu")
    assert resolve_device("cpu").describe() == "cpu"


def test_cuda_without_gpu_is_refused_not_ignored(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_gpus(monkeypatch, 0)
    with pytest.raises(SemioscopeError, match=r"^--device: cuda requested, but .*--device cpu"):
        resolve_device("cuda")


def test_auto_takes_the_gpu_when_torch_sees_one(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_gpus(monkeypatch, 2)
    chosen = resolve_device("auto")
    assert (chosen.kind, chosen.torch_device) == ("cuda", "cuda:0")
    assert chosen.describe() == "cuda:0 (Fake GPU 0, 80 GiB)"
    assert resolve_device("cuda:1").torch_device == "cuda:1"
    assert resolve_device("cpu").kind == "cpu"     # the CPU stays choosable
    with pytest.raises(SemioscopeError, match=r"only 2 GPU\(s\)"):
        resolve_device("cuda:2")


def test_batch_is_sized_to_gpu_memory() -> None:
    gpu = Device("cuda", 0, "Fake", 80 * GIB)
    assert auto_batch_size(Device("cpu")) == DEFAULT_BATCH_SIZE
    assert auto_batch_size(gpu, "i3d", free_bytes=80 * GIB) == MAX_GPU_BATCH
    per = device_mod.GPU_BYTES_PER_WINDOW["i3d"]
    assert auto_batch_size(gpu, "i3d", free_bytes=2 * 5 * per) == 5   # half the free memory
    assert auto_batch_size(gpu, "i3d", free_bytes=per) == 1           # never below one


def test_cpu_path_runs_and_says_where(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_gpus(monkeypatch, 0)
    backbone = load_backbone("i3d", allow_untrained=True, device="auto")
    assert backbone.device == Device("cpu")
    assert backbone.provenance() == {"runtime": f"torch {torch.__version__}", "device": "cpu"}
    out = backbone.features(torch.zeros(1, 3, 10, 32, 32))
    assert out.device.type == "cpu" and out.shape == (1, 1, 1024)


def test_loading_for_cuda_without_gpu_fails_before_building(
        monkeypatch: pytest.MonkeyPatch) -> None:
    fake_gpus(monkeypatch, 0)
    with pytest.raises(SemioscopeError, match="--device"):
        load_backbone("i3d", allow_untrained=True, device="cuda")
