"""A picture of the review window on a video: ``grab_review`` (the demo's ``--no-gui`` picture,
the docs' screenshots) and ``make_screenshot`` (a fresh synthetic seizure, a random classifier).

The command that makes the docs' pictures from the demo is ``semioscope.pictures.review``.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any


def _wait(app: object, condition: object, timeout: float) -> None:
    end = time.monotonic() + timeout
    while not condition() and time.monotonic() < end:  # type: ignore[operator]
        app.processEvents()  # type: ignore[attr-defined]
        time.sleep(0.01)
    if not condition():  # type: ignore[operator]
        raise SystemExit("screenshot: timed out waiting for the window")


def _review_window(video: Path, classifier: Path, banner: str | None = None) -> Any:
    """A shown main window on ``video``, the synthetic ground truth standing in for Mask R-CNN."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from semioscope.app.main_window import MainWindow
    from semioscope.app.settings import AppSettings
    from semioscope.core.crop import TruthDetector

    QApplication.instance() or QApplication(sys.argv[:1])
    settings = AppSettings(classifier_path=str(classifier), allow_untrained=True, threads=2,
                           persist=False)
    window = MainWindow(settings=settings, detector_factory=lambda: TruthDetector().for_video(video),
                        warm_torch=False, banner=banner)
    window.resize(1360, 900)
    window.show()
    if not window.open_video(video):
        raise SystemExit(f"screenshot: could not open {video}")
    return window


def _show_and_save(window: Any, at_fraction: float, out: Path, evidence: bool = False) -> Path:
    """Show the frame at ``at_fraction`` of the video, grab the window, write a PNG atomically."""
    from PySide6.QtWidgets import QApplication

    from semioscope.core.atomic import atomic_path

    app = QApplication.instance()
    session = window.session
    if evidence:
        window.evidence.opacity.setValue(55)
        window.evidence.toggle.setChecked(True)
    session.set_frame(int(session.n_frames * at_fraction))
    _wait(app, lambda: window.view.shown_frame == session.frame, 10)
    app.processEvents()
    pixmap = window.grab()
    with atomic_path(out, suffix=".png") as tmp:
        if not pixmap.save(str(tmp), "PNG"):
            raise SystemExit(f"screenshot: cannot write {out}")
    window.close()
    return out


def grab_review(video: Path, out: Path, *, classifier: Path, banner: str | None = None,
                restore: Callable[[], None] | None = None, evidence: bool = False,
                at_fraction: float = 0.55) -> Path:
    """Picture of the window on a video whose crop, span and results are already stored."""
    from semioscope.app.qtfix import offscreen_size_hint_warnings_hidden

    if restore is not None:
        restore()
    with offscreen_size_hint_warnings_hidden():
        window = _review_window(video, classifier, banner)
        from PySide6.QtWidgets import QApplication

        _wait(QApplication.instance(), lambda: window.session is not None
              and window.session.results is not None, 60)
        return _show_and_save(window, at_fraction, out, evidence)


def make_screenshot(out: Path, seconds: float) -> Path:
    """The README's picture: a synthetic seizure analysed in a throw-away data folder."""
    work = Path(tempfile.mkdtemp(prefix="semioscope-shot-"))
    os.environ["SEMIOSCOPE_DATA_DIR"] = str(work / "data")
    from semioscope.core.models.classifier import random_classifier, save_classifier
    from semioscope.core.synth import render_seizure

    video = work / "synthetic_tle_seizure.mkv"
    render_seizure(video, "TLE", seconds=seconds, seed=12)
    classifier = work / "demo_classifier.pt"
    save_classifier(classifier, *random_classifier(0))
    window = _review_window(video, classifier)
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    _wait(app, lambda: window.session is not None and window.session.crop is not None, 30)
    session = window.session
    session.set_frame(60)
    window.editing.act_set_onset()
    session.set_frame(session.frame_of(seconds - 2.0))
    window.editing.act_set_offset()
    window.analysis_control.act_analyse()
    _wait(app, lambda: not window.analysis.running, 600)
    if session.results is None:
        raise SystemExit("screenshot: the analysis did not produce results")
    return _show_and_save(window, 0.55, out)
