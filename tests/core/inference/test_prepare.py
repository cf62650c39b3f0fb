"""Converting to OpenVINO when weights arrive: only backbones, only where auto would use it."""

from __future__ import annotations

import pytest

from semioscope.core.inference.prepare import prepare_openvino, wanted
from semioscope.core.inference.runtime import openvino_installed


def test_not_wanted_where_auto_means_torch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SEMIOSCOPE_RUNTIME", "torch")
    assert not wanted("i3d")
    assert prepare_openvino("i3d", "/nonexistent.pt") is None   # nothing loaded at all


def test_only_backbones_are_converted_ahead(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SEMIOSCOPE_RUNTIME", raising=False)
    assert not wanted("maskrcnn") and not wanted("fasterrcnn-mobilenet")
    assert wanted("i3d") == openvino_installed() == wanted("s3d")
