"""Shared fixtures: small synthetic videos written by the project's own writer."""

from __future__ import annotations

import os
import signal
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tests.ov_i3d import i3d_pair  # noqa: F401 - the session's one I3D converted to OpenVINO
from tests.pretrained import pretrained_i3d  # noqa: F401 - the official I3D, converted once

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# A shell without job control starts background jobs (`make test &`) with SIGINT ignored, and an
# ignored signal stays ignored across exec: the CLI processes the Ctrl-C tests start would then never
# see the SIGINT they send and run to the end. Catching it here makes every child start with the
# default disposition, as a command typed at a terminal does.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)



def pytest_configure(config: pytest.Config) -> None:
    """Session-wide user folders before any fixture runs: module- and session-scoped fixtures are
    made before the per-test isolation below, and would otherwise find the real cache (where
    `make weights` put the pretrained I3D) and silently get different weights on each machine."""
    import tempfile

    base = Path(tempfile.mkdtemp(prefix="semioscope-test-userdirs-"))
    os.environ["SEMIOSCOPE_CACHE_DIR"] = str(base / "cache")
    os.environ["SEMIOSCOPE_DATA_DIR"] = str(base / "data")


@pytest.fixture(autouse=True)
def _isolated_user_dirs(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """Never touch the real user cache or data folders from a test."""
    base = tmp_path_factory.mktemp("userdirs")
    monkeypatch.setenv("SEMIOSCOPE_CACHE_DIR", str(base / "cache"))
    monkeypatch.setenv("SEMIOSCOPE_DATA_DIR", str(base / "data"))
    # `--runtime auto` would convert I3D to OpenVINO (tens of seconds) in every test's fresh
    # cache: tests mean torch by auto; tests/core/runtime/test_runtime_choice.py checks the rest
    monkeypatch.setenv("SEMIOSCOPE_RUNTIME", "torch")


def ramp_frames(n: int, height: int = 64, width: int = 80, dtype=np.uint16) -> list[np.ndarray]:
    """Frames whose content identifies their index (so a wrong frame is caught)."""
    rng = np.random.default_rng(n)
    top = 60000 if dtype == np.uint16 else 250
    frames = []
    for i in range(n):
        f = rng.integers(0, top // 4, (height, width)).astype(dtype)
        f[0, 0] = i  # the index itself
        f[1, :] = (i * 997) % top
        frames.append(f)
    return frames


@pytest.fixture
def mkv16(tmp_path: Path) -> tuple[Path, list[np.ndarray]]:
    from semioscope.core.video.writer import write_ffv1

    frames = ramp_frames(45)
    path = tmp_path / "clip16.mkv"
    write_ffv1(path, frames, fps=30)
    return path, frames


@pytest.fixture(scope="session")
def model_pack(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(a model pack folder, its source classifier): converted once per session (~1 min)."""
    from tests.packs import export_test_pack

    return export_test_pack(tmp_path_factory.mktemp("pack"))


@pytest.fixture(scope="session")
def built_demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, Path, str]:
    """(DemoLayout, its report, its base folder): one quick demo built through the real CLI
    (about a minute on two cores). Read only: tests/test_demo.py checks it, and
    tests/test_learnability.py starts its feature cache from it (the demo's four training
    videos are, byte for byte, the first four of the learnability data: same seed)."""
    from semioscope.cli import main as cli
    from semioscope.demo import DemoLayout

    base = tmp_path_factory.mktemp("demo")
    old = {k: os.environ.get(k) for k in ("SEMIOSCOPE_CACHE_DIR", "SEMIOSCOPE_DATA_DIR")}
    os.environ["SEMIOSCOPE_CACHE_DIR"] = str(base / "cache")
    os.environ["SEMIOSCOPE_DATA_DIR"] = str(base / "data")
    try:
        pdf = base / "case.pdf"
        assert cli(["demo", "--quick", "--report", str(pdf)]) == 0
    finally:
        for key, value in old.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    return DemoLayout(base / "cache" / "demo"), pdf, str(base)
