"""BackboneCache: one load per GUI session, a new one when anything that matters changes."""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

import pytest

from semioscope.core.inference.backbone_cache import BackboneCache
from semioscope.core.models import backbone as backbone_module
from semioscope.errors import WeightsError


class Loaded:
    weights_sha256: str | None = None   # as a Backbone has (the precision check reads it)

    def __init__(self, **kwargs: Any) -> None:
        self.kwargs = kwargs


@pytest.fixture
def loads(monkeypatch: pytest.MonkeyPatch) -> list[Loaded]:
    made: list[Loaded] = []
    gate = threading.Lock()

    def load(name: str, weights: Any = None, **kwargs: Any) -> Loaded:
        if not kwargs.get("allow_untrained") and weights is None:
            raise WeightsError(name, "no weights")
        with gate:
            made.append(Loaded(name=name, weights=weights, **kwargs))
        return made[-1]

    monkeypatch.setattr(backbone_module, "load_backbone", load)
    return made


def test_same_settings_same_object(loads: list[Loaded]) -> None:
    cache = BackboneCache()
    a = cache.get("i3d", allow_untrained=True, threads=2, device="cpu")
    b = cache.get("i3d", allow_untrained=True, threads=2, device="cpu")
    assert a is b and cache.loaded is a and cache.loads == len(loads) == 1


@pytest.mark.parametrize("change", [{"seed": 1}, {"threads": 1}, {"device": "auto"},
                                    {"name": "s3d"}])
def test_a_changed_setting_loads_again(loads: list[Loaded], change: dict[str, Any]) -> None:
    cache = BackboneCache()
    base = {"name": "i3d", "allow_untrained": True, "threads": 2, "seed": 0, "device": "cpu"}
    first = cache.get(**base)
    second = cache.get(**{**base, **change})
    assert second is not first and cache.loaded is second and cache.loads == 2


def test_a_rewritten_weights_file_loads_again(loads: list[Loaded], tmp_path: Path) -> None:
    weights = tmp_path / "i3d.pt"
    weights.write_bytes(b"one")
    cache = BackboneCache()
    first = cache.get("i3d", weights)
    assert cache.get("i3d", weights) is first
    weights.write_bytes(b"other weights")
    os.utime(weights, ns=(1, 1))
    assert cache.get("i3d", weights) is not first and cache.loads == 2


def test_errors_are_not_cached(loads: list[Loaded]) -> None:
    cache = BackboneCache()
    with pytest.raises(WeightsError):
        cache.get("i3d", allow_untrained=False)
    assert cache.loaded is None and cache.loads == 0
    assert cache.get("i3d", allow_untrained=True) is cache.loaded


def test_concurrent_callers_share_one_load(loads: list[Loaded]) -> None:
    cache = BackboneCache()
    got: list[Any] = []
    threads = [threading.Thread(target=lambda: got.append(
        cache.get("i3d", allow_untrained=True, device="cpu"))) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(got) == 4 and all(g is got[0] for g in got) and cache.loads == 1
