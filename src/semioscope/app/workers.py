"""Background work in QThreads: hashing, automatic crop, analysis, and warming up the engine.

Each worker reports through signals only (delivered on the GUI thread) and turns every exception
into a message, so a failure becomes a dialog and never takes the window down.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QThread, Signal

from semioscope.core.cancel import CancelToken
from semioscope.core.results import Results
from semioscope.errors import CancelledError, SemioscopeError

log = logging.getLogger(__name__)

DetectorFactory = Callable[[], Any]   # returns a Detector, or None when there are no weights


def _message(exc: BaseException) -> str:
    if isinstance(exc, SemioscopeError):
        return str(exc)
    return f"internal error: {type(exc).__name__}: {exc} (please report it)"


class HashWorker(QThread):
    """SHA-256 of the video, the key of its saved review state."""

    done = Signal(str)
    failed = Signal(str)

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path

    def run(self) -> None:
        from semioscope.core.hashing import file_sha256

        try:
            self.done.emit(file_sha256(self.path))
        except Exception as exc:  # noqa: BLE001 - reported to the user
            self.failed.emit(f"{self.path.name}: cannot read ({exc})")


class CropWorker(QThread):
    """Runs the automatic crop with a detector the factory builds (None: no weights)."""

    done = Signal(object)         # crop record dict (Crop record JSON)
    no_detector = Signal()
    failed = Signal(str)

    def __init__(self, path: Path, sha256: str, mapping: Any, factory: DetectorFactory) -> None:
        super().__init__()
        self.path, self.sha256, self.mapping, self.factory = path, sha256, mapping, factory
        self.cancel = CancelToken()

    def run(self) -> None:
        try:
            detector = self.factory()
            if detector is None:
                self.no_detector.emit()
                return
            from semioscope.core.crop import auto_crop
            from semioscope.core.video import open_video

            with open_video(self.path, allow_truncated=True) as reader:
                record = auto_crop(reader, detector, mapping=self.mapping,
                                   video_sha256=self.sha256, cancel=self.cancel)
            self.done.emit(record.to_dict())
        except CancelledError:
            return
        except Exception as exc:  # noqa: BLE001 - reported to the user
            self.failed.emit(_message(exc))


def keep_saliency(results: Results, saliency: Any) -> Results:
    """Store a GUI analysis' maps in the user data folder (keyed by the video's hash); the
    results the window keeps name them by absolute path."""
    from dataclasses import replace

    from semioscope.core.explain import attach_saliency
    from semioscope.core.paths import data_dir

    folder = data_dir() / "saliency"
    folder.mkdir(parents=True, exist_ok=True)
    results, path = attach_saliency(results, saliency, folder / f"{results.video.sha256}.json")
    assert results.saliency is not None
    return replace(results, saliency=results.saliency.with_file(path))


class AnalysisWorker(QThread):
    """Runs ``analyze``; ``progress(done, total, eta_s or -1, stage)``; ``partial(results so
    far)`` after each window. ``backbones`` is the window's session cache (loaded once)."""

    progress = Signal(int, int, float, str)
    partial = Signal(object)
    done = Signal(object)
    failed = Signal(str)
    cancelled = Signal()

    def __init__(self, request: Any, backbones: Any = None) -> None:
        super().__init__()
        self.request = request
        self.backbones = backbones
        self.cancel = CancelToken()

    def _report(self, p: Any) -> None:
        self.progress.emit(int(p.done), int(p.total), -1.0 if p.eta_s is None else float(p.eta_s),
                           str(p.stage))

    def run(self) -> None:
        try:
            from semioscope.core.analysis import analyze

            kept: list[Any] = []
            extra = {"on_saliency": kept.append} if getattr(self.request, "saliency",
                                                             False) else {}
            results = analyze(self.request, progress=self._report, cancel=self.cancel,
                              backbones=self.backbones, on_partial=self.partial.emit, **extra)
            if kept and not self.cancel.cancelled:
                results = keep_saliency(results, kept[0])
        except CancelledError:
            self.cancelled.emit()
            return
        except Exception as exc:  # noqa: BLE001 - reported to the user
            log.debug("analysis failed", exc_info=True)
            self.failed.emit(_message(exc))
            return
        if self.cancel.cancelled:
            self.cancelled.emit()
        else:
            self.done.emit(results)


def engine_description(backbone: Any) -> str:
    """``openvino 2026.4.1 on cpu`` / ``torch 2.14.1 on cuda:0 (…)``: what will compute."""
    provenance = getattr(backbone, "provenance", None)
    runtime = provenance()["runtime"] if callable(provenance) else "torch"
    return f"{runtime} on {backbone.device.describe()}"


class EngineWarmup(QThread):
    """After the window is shown: import torch, load the backbone the settings name into the
    session cache and run one small forward pass, so Analyse starts computing at once.

    ``done(seconds, text)``: text says what is ready and on which runtime, or why nothing was
    loaded (no weights and no permission for random ones: the analysis itself will then say so
    in a dialog). ``notice(text)``: a slow one-off step has begun (the first conversion to
    OpenVINO on this machine, about a minute).
    """

    done = Signal(float, str)
    notice = Signal(str)

    def __init__(self, backbones: Any, load_args: dict[str, Any]) -> None:
        super().__init__()
        self.backbones, self.load_args = backbones, load_args

    def run(self) -> None:
        t0 = time.perf_counter()
        try:
            import torch  # noqa: F401

            backbone = self.backbones.get(**self.load_args, notice=self.notice.emit)
            self.backbones.warm_up(backbone)
            text = f"analysis engine ready: {backbone.name} on {engine_description(backbone)}"
        except SemioscopeError as exc:
            text = f"analysis engine not loaded ({exc.message})"
        except Exception:  # noqa: BLE001 - analysis will report it properly
            log.debug("engine warm-up failed", exc_info=True)
            text = "analysis engine not loaded"
        self.done.emit(time.perf_counter() - t0, text)


def default_detector_factory(weights: str | None, pack: str | Path | None = None, *,
                             allow_untrained: bool = False) -> DetectorFactory:
    """The model pack's detector (OpenVINO) when the analysis uses a pack that has one; else
    Mask R-CNN when its weights are present (``weights`` or the fetched file); else None, also in
    the clinician runtime without a pack detector (the box is then drawn by hand). A pack
    detector with random weights is used only with ``allow_untrained`` (its records say so)."""

    def factory() -> Any:
        from semioscope.core.models.registry import find_weights
        from semioscope.core.runtime import has_torch

        if pack is not None:
            from semioscope.core.runtime.pack import ModelPack

            opened = ModelPack.open(pack)   # a damaged pack is refused, naming the file
            if opened.has_detector():
                detector = opened.detector()
                return detector if detector.pretrained or allow_untrained else None
        if not has_torch():
            return None

        path = find_weights("maskrcnn", weights or None)
        if path is None or not Path(path).is_file():
            return None
        from semioscope.core.crop import load_detector

        return load_detector("maskrcnn", path)

    return factory
