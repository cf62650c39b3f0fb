"""One I3D converted to OpenVINO IR per test session (a conversion takes 25-45 s on 2 cores).

The fixture is made available to every test by the root conftest, so tests/core/runtime/ and
the review window's OpenVINO test share the one conversion; torch is imported only when a test
asks for it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest


def random_i3d(seed: int = 0) -> Any:
    """An untrained I3D whose batch norm is far from identity, so BN folding matters."""
    import torch

    from semioscope.core.models.backbone import I3DBackbone
    from semioscope.core.models.i3d import InceptionI3d

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
def i3d_pair(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, Path]:
    """(the torch backbone, its exported IR ``i3d.xml``)."""
    import torch

    from semioscope.core.export.backbone import export_backbone

    torch.set_num_threads(2)
    backbone = random_i3d()
    folder = tmp_path_factory.mktemp("ov_i3d")
    entry = export_backbone(backbone, folder)
    return backbone, folder / entry["ir"]


def hand_ir_to_the_cache(monkeypatch: pytest.MonkeyPatch, pair: tuple[Any, Path]) -> None:
    """Make the real load path (load_backbone -> with_runtime -> the IR cache) give ``pair``:
    its torch I3D for every load, and a copy of its IR instead of a new conversion."""
    import shutil

    import semioscope.core.export.backbone as export_mod
    import semioscope.core.models.backbone as backbone_module

    backbone, xml = pair

    def copy_of_the_real_ir(model: Any, folder: Path) -> dict[str, Any]:
        for suffix in (".xml", ".bin"):
            shutil.copy(xml.with_suffix(suffix), folder / f"i3d{suffix}")
        return {"name": "i3d", "ir": "i3d.xml", "pretrained": False, "weights_sha256": None,
                "extend_to": None, "channels": 1}

    monkeypatch.setattr(export_mod, "export_backbone", copy_of_the_real_ir)
    monkeypatch.setattr(backbone_module, "load_backbone", lambda *a, **k: backbone)
