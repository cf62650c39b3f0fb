"""I3D to one OpenVINO model that is exact for every clip length.

Why not a plain ``convert_model``: our I3D pads like TensorFlow's ``SAME``, computed in Python
from the input's length, so a traced model freezes the padding of the traced length (12 % off at
other lengths). Only the three layers with a temporal stride of 2 (Conv3d_1a, MaxPool3d_4a,
MaxPool3d_5a) have a length-dependent padding, and it depends only on the parity ``p`` of their
input length: front ``(k - 2 + p) // 2``, back the rest of ``k - 2 + p``. Every other layer pads by
a constant (stride 1 in time; 224 is a multiple of 32, so every spatial size is even).

So the network is traced as three segments, each starting with one of those layers *without* its
temporal padding, and joined in OpenVINO by ``Pad`` nodes whose amounts are computed in the graph
from the tensor's length (``ShapeOf`` -> ``mod 2`` -> ``Select``). The result takes any length
(and any spatial size that is a multiple of 32) and matches the torch path for all of them.
The head averages over H and W, then over pairs of time steps: the (2, 7, 7) average pool of
:meth:`InceptionI3d.extract_features` at 224 (and its shrunken kernel below 224).

The model has two outputs: the features, and the last 3D map before the head (Mixed_5c,
``(N, 1024, t, h, w)``), which Grad-CAM differentiates the classifier against
(:mod:`semioscope.core.explain`), so saliency needs no torch backbone.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from semioscope.core.models.i3d import (
    InceptionI3d,
    MaxPool3dSame,
    Unit3D,
    fold_batchnorm,
    same_pads,
)
from semioscope.core.runtime.ov import import_openvino

__all__ = ["STRIDED_LAYERS", "convert_i3d", "export_i3d"]

#: the layers whose temporal padding depends on the input length: (name, temporal kernel)
STRIDED_LAYERS = (("Conv3d_1a_7x7", 7), ("MaxPool3d_4a_3x3", 3), ("MaxPool3d_5a_2x2", 2))


class _NoTimePad(nn.Module):
    """A stride-2 SAME layer whose temporal padding is done outside (by the graph's Pad)."""

    def __init__(self, layer: Unit3D | MaxPool3dSame) -> None:
        super().__init__()
        self.layer = layer
        self.kernel: tuple[int, int, int] = layer.kernel
        self.stride: tuple[int, int, int] = layer.stride

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        layer = self.layer
        # the temporal pair is ignored: the graph's Pad node did it already
        _, (hf, hb), (wf, wb) = same_pads(tuple(x.shape[2:]), self.kernel, self.stride)
        x = F.pad(x, [wf, wb, hf, hb, 0, 0])
        if isinstance(layer, Unit3D):
            weight = layer.conv3d.weight
            if x.shape[1] == 1 and weight.shape[1] > 1:  # gray clip: as Unit3D.forward does
                weight = weight.sum(dim=1, keepdim=True)
            x = F.conv3d(x, weight, layer.conv3d.bias, layer.stride)
            if layer.bn is not None:
                x = layer.bn(x)
            return F.relu(x) if layer.relu else x
        assert isinstance(layer, MaxPool3dSame)
        return F.max_pool3d(x, layer.kernel, layer.stride)


class _Segment(nn.Module):
    def __init__(self, layers: list[nn.Module], head: bool = False) -> None:
        super().__init__()
        self.layers = nn.Sequential(*layers)
        self.head = head

    def forward(self, x: torch.Tensor) -> torch.Tensor | tuple[torch.Tensor, torch.Tensor]:
        y = self.layers(x)
        if not self.head:
            return y
        pooled = F.avg_pool3d(y.mean(dim=(3, 4), keepdim=True), (2, 1, 1), stride=1)
        return pooled.flatten(2).transpose(1, 2), y    # the features, and the map they pool


def _segments(model: InceptionI3d) -> list[_Segment]:
    """The trunk cut before each strided layer, that layer's temporal padding taken out."""
    cuts = [name for name, _ in STRIDED_LAYERS]
    groups: list[list[nn.Module]] = []
    for name, module in model.named_children():
        if name in ("logits", "dropout"):
            continue
        if name in cuts:
            assert isinstance(module, Unit3D | MaxPool3dSame)
            groups.append([_NoTimePad(module)])
        else:
            groups[-1].append(module)
    return [_Segment(g, head=i == len(groups) - 1) for i, g in enumerate(groups)]


def _time_pad(ops: Any, x: Any, kernel: int) -> Any:
    """A Pad node giving ``x`` (N, C, T, H, W) the SAME temporal padding of a stride-2 layer."""
    import numpy as np

    def vec(front: int, back: int) -> tuple[Any, Any]:
        return (ops.constant(np.array([0, 0, front, 0, 0], dtype=np.int64)),
                ops.constant(np.array([0, 0, back, 0, 0], dtype=np.int64)))

    even_total, odd_total = max(kernel - 2, 0), kernel - 1
    even = vec(even_total // 2, even_total - even_total // 2)
    odd = vec(odd_total // 2, odd_total - odd_total // 2)
    length = ops.gather(ops.shape_of(x, "i64"), ops.constant(np.array([2], dtype=np.int64)),
                        ops.constant(np.array(0, dtype=np.int64)))
    is_odd = ops.equal(ops.floor_mod(length, ops.constant(np.array([2], dtype=np.int64))),
                       ops.constant(np.array([1], dtype=np.int64)))
    begin = ops.select(is_odd, odd[0], even[0])
    end = ops.select(is_odd, odd[1], even[1])
    return ops.pad(x, begin, end, "constant", ops.constant(np.array(0.0, dtype=np.float32)))


def convert_i3d(model: nn.Module, *, example_frames: int = 16, size: int = 224,
                channels: int = 1) -> Any:
    """The ``openvino.Model`` of ``model``'s features: (N, channels, T, H, W) -> (N, T', 1024),
    and as its second output the last 3D map (N, 1024, t, H/32, W/32).

    ``channels`` 1 takes the gray clip whose RGB copy has three equal channels (the stem's RGB
    weights summed, as the torch path does); 3 takes RGB. ``model`` is copied and batch norm
    folded; the example only fixes the trace, not the shapes.
    """
    ov = import_openvino()
    ops = ov.opset13
    net = fold_batchnorm(copy.deepcopy(model).float().eval())
    net = net.to(memory_format=torch.contiguous_format)  # type: ignore[call-overload]
    assert isinstance(net, InceptionI3d)
    segments = _segments(net)
    x = ops.parameter(ov.PartialShape([-1, channels, -1, -1, -1]), ov.Type.f32, name="clips")
    current: Any = x
    outputs: list[Any] = []
    example = torch.zeros(1, channels, example_frames, size, size)
    for (_, kernel), segment in zip(STRIDED_LAYERS, segments, strict=True):
        padded = _time_pad(ops, current, kernel)
        t = example.shape[2]
        front = (kernel - 2 + t % 2) // 2
        back = max(kernel - 2 + t % 2, 0) - front
        example_in = F.pad(example, [0, 0, 0, 0, front, back])
        with torch.no_grad():
            channels = example.shape[1]
            converted = ov.convert_model(segment, example_input=example_in,
                                         input=[ov.PartialShape([-1, channels, -1, -1, -1])])
            example = segment(example_in)
        (param,) = converted.get_parameters()
        param.output(0).replace(padded.output(0))
        outputs = [r.input_value(0) for r in converted.get_results()]   # the head's: 2
        current = outputs[0]
    return ov.Model([ops.result(o) for o in outputs], [x], "i3d_features")


def export_i3d(model: nn.Module, xml: Path, **kwargs: Any) -> Path:
    """Convert ``model`` and save it as fp32 IR ``xml`` (+ ``.bin``); returns ``xml``."""
    ov = import_openvino()
    ov_model = convert_i3d(model, **kwargs)
    ov.save_model(ov_model, str(xml), compress_to_fp16=False)
    return xml
