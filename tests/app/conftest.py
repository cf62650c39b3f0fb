"""Fixtures for the review GUI: small 16-bit videos, a deterministic detector, a dialog catcher."""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest

from semioscope.core.geometry import Box

WIDTH, HEIGHT, FPS = 120, 96, 30.0
PERSON_BOX = Box(45, 35, 25, 20)
BED_BOX = Box(40, 30, 40, 30)


def video_frames(n: int, width: int = WIDTH, height: int = HEIGHT, seed: int = 0) -> list[np.ndarray]:
    """16-bit frames whose row 1 encodes the index so that a wrong frame is visible after mapping."""
    rng = np.random.default_rng(seed)
    frames = []
    for i in range(n):
        f = rng.integers(2000, 9000, (height, width)).astype(np.uint16)
        f[1, :] = 1000 + 60 * i
        y = 20 + int(10 * np.sin(i / 5.0))
        f[y:y + 40, 40:70] = 14000   # a moving bright "patient"
        frames.append(f)
    return frames


def write_video(path: Path, seconds: float, fps: float = FPS) -> Path:
    from semioscope.core.video.writer import write_ffv1

    write_ffv1(path, video_frames(int(round(seconds * fps))), fps=fps)
    return path


@pytest.fixture(autouse=True)
def _collect_between_tests(qtbot) -> Iterator[None]:
    """Free each test's windows and threads between tests, after their deferred deletes, so
    the collector does not run into them in the middle of the next test while its workers run
    (twice on a fresh clone's CI a collection in a qtbot wait ended in a segfault)."""
    yield
    from PySide6.QtCore import QCoreApplication, QEvent

    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    gc.collect()


@pytest.fixture
def video(tmp_path: Path) -> Path:
    """6 s, 120x96, 16-bit FFV1: three 2-s analysis windows."""
    return write_video(tmp_path / "seizure.mkv", 6.0)


class FixedDetector:
    """Always sees the same person in the same bed (deterministic crop for tests)."""

    name = "fixed"
    weights_sha256: str | None = None
    pretrained = False

    def detect(self, rgb: np.ndarray) -> list:
        from semioscope.core.crop import BED, PERSON, Detection

        return [Detection(PERSON, 0.95, PERSON_BOX), Detection(BED, 0.9, BED_BOX)]


class Dialogs:
    """Records every error dialog instead of blocking on it."""

    def __init__(self) -> None:
        self.errors: list[tuple[str, str]] = []


@pytest.fixture
def dialogs(monkeypatch: pytest.MonkeyPatch) -> Dialogs:
    from PySide6.QtWidgets import QMessageBox

    caught = Dialogs()

    def critical(parent: object, title: str, text: str, *a: object, **k: object) -> int:
        caught.errors.append((title, text))
        return int(QMessageBox.StandardButton.Ok.value)

    monkeypatch.setattr(QMessageBox, "critical", staticmethod(critical))
    return caught


@pytest.fixture
def make_window(qtbot, dialogs) -> Iterator[Callable[..., object]]:
    """Build a real MainWindow (no torch warm-up) with an injected detector factory."""
    from semioscope.app.main_window import MainWindow
    from semioscope.app.settings import AppSettings

    made = []

    def make(detector: object | None = "fixed", settings: AppSettings | None = None) -> MainWindow:
        factory = (lambda: FixedDetector()) if detector == "fixed" else (lambda: detector)
        window = MainWindow(settings=settings or AppSettings(), detector_factory=factory,
                            warm_torch=False)
        qtbot.addWidget(window)
        window.show()
        made.append(window)
        return window

    yield make
    for window in made:
        window.close()


def wait_until(qtbot, condition: Callable[[], bool], timeout: float = 10.0) -> None:
    qtbot.waitUntil(condition, timeout=int(timeout * 1000))


def settle(qtbot, seconds: float = 0.05) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        qtbot.wait(5)
