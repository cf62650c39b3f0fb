"""One I3D converted to OpenVINO IR per test session (a conversion takes 25-45 s on 2 cores)."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from semioscope.core.models.backbone import I3DBackbone
from semioscope.core.models.i3d import InceptionI3d


def random_i3d(seed: int = 0) -> I3DBackbone:
    """An untrained I3D whose batch norm is far from identity, so BN folding matters."""
    gen = torch.Generator().manual_seed(seed)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        model = InceptionI3d()
    for m in model.modules():
        if isinstance(m, torch.nn.BatchNorm3d):
            n = m.num_features
            m.running_mean.copy_(torch.rand(n, generator=gen) * 0.2 - 0.1)
            m.running_var.copy_(torch.rand(n, generator=gen) + 0.5)
            m.weight.data.copy_(torch.rand(n, generator=gen) + 0.5)
            m.bias.data.copy_(torch.rand(n, generator=gen) * 0.2 - 0.1)
    return I3DBackbone(model, pretrained=False, weights_sha256=None)


@pytest.fixture(scope="session")
def i3d_pair(tmp_path_factory: pytest.TempPathFactory) -> tuple[I3DBackbone, Path]:
    """(the torch backbone, its exported IR ``i3d.xml``)."""
    from semioscope.core.export.backbone import export_backbone

    torch.set_num_threads(2)
    backbone = random_i3d()
    folder = tmp_path_factory.mktemp("ov_i3d")
    entry = export_backbone(backbone, folder)
    return backbone, folder / entry["ir"]
