"""Make docs/screenshot-review.png: a synthetic seizure, a reviewer's crop and span, an analysis.

    python -m semioscope.app.screenshot docs/screenshot-review.png [--seconds 20]

Uses a throw-away data folder, an untrained (demo) backbone and classifier, and frames drawn here
(a patient in a bed with rhythmic limb motion), so it needs no weights and no patient data.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path


def _wait(app: object, condition: object, timeout: float) -> None:
    end = time.monotonic() + timeout
    while not condition() and time.monotonic() < end:  # type: ignore[operator]
        app.processEvents()  # type: ignore[attr-defined]
        time.sleep(0.01)
    if not condition():  # type: ignore[operator]
        raise SystemExit("screenshot: timed out waiting for the window")


def make_screenshot(out: Path, seconds: float) -> Path:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    work = Path(tempfile.mkdtemp(prefix="semioscope-shot-"))
    os.environ["SEMIOSCOPE_DATA_DIR"] = str(work / "data")
    from PySide6.QtWidgets import QApplication

    from semioscope.app.main_window import MainWindow
    from semioscope.app.settings import AppSettings
    from semioscope.core.atomic import atomic_path
    from semioscope.core.crop import TruthDetector
    from semioscope.core.synth import render_seizure

    video = work / "synthetic_tle_seizure.mkv"
    render_seizure(video, "TLE", seconds=seconds, seed=12)
    from semioscope.core.models.classifier import random_classifier, save_classifier

    classifier = work / "demo_classifier.pt"
    save_classifier(classifier, *random_classifier(0))
    app = QApplication.instance() or QApplication(sys.argv[:1])
    settings = AppSettings(classifier_path=str(classifier), allow_untrained=True, threads=2)
    # the synthetic video's ground truth stands in for Mask R-CNN (no weights can be fetched here)
    window = MainWindow(settings=settings, detector_factory=lambda: TruthDetector().for_video(video),
                        warm_torch=False)
    window.resize(1360, 900)
    window.show()
    if not window.open_video(video):
        raise SystemExit("screenshot: could not open the synthetic video")
    _wait(app, lambda: window.session is not None and window.session.crop is not None, 30)
    session = window.session
    assert session is not None
    session.set_frame(60)
    window.act_set_onset()
    session.set_frame(session.frame_of(seconds - 2.0))
    window.act_set_offset()
    window.act_analyse()
    _wait(app, lambda: not window.analysis.running, 600)
    if session.results is None:
        raise SystemExit("screenshot: the analysis did not produce results")
    session.set_frame(session.frame_of(seconds * 0.55))
    _wait(app, lambda: window.view.shown_frame == session.frame, 10)
    app.processEvents()
    pixmap = window.grab()
    with atomic_path(out, suffix=".png") as tmp:
        if not pixmap.save(str(tmp), "PNG"):
            raise SystemExit(f"screenshot: cannot write {out}")
    window.close()
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--seconds", type=float, default=20.0)
    args = parser.parse_args()
    print(make_screenshot(args.out, args.seconds))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
