"""Make docs/screenshot-review.png: a synthetic seizure, a reviewer's crop and span, an analysis.

    python -m semioscope.app.screenshot docs/screenshot-review.png [--seconds 8]

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

import numpy as np


def synthetic_frames(seconds: float, fps: float = 30.0, seed: int = 3) -> list[np.ndarray]:
    """512x424 16-bit Kinect-like frames: dark room, bed, patient, a shaking arm."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:424, 0:512].astype(np.float32)
    room = 3000 + 1200 * np.cos((xx - 256) / 260) * np.cos((yy - 212) / 240)
    bed = ((xx > 150) & (xx < 380) & (yy > 110) & (yy < 390)).astype(np.float32) * 4500
    frames = []
    for i in range(int(seconds * fps)):
        t = i / fps
        shake = 14 * np.sin(2 * np.pi * 3.0 * t) * (1.0 if 1.5 < t < 6.5 else 0.15)
        body = 8000 * np.exp(-(((xx - 265) / 45) ** 2 + ((yy - 250) / 105) ** 2))
        head = 9000 * np.exp(-(((xx - 262) / 26) ** 2 + ((yy - 140) / 26) ** 2))
        arm = 7000 * np.exp(-(((xx - 330 - shake) / 40) ** 2 + ((yy - 215 + shake) / 12) ** 2))
        noise = rng.normal(0, 220, (424, 512)).astype(np.float32)
        frames.append(np.clip(room + bed + body + head + arm + noise, 0, 65535).astype(np.uint16))
    return frames


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
    from semioscope.core.geometry import Box
    from semioscope.core.video.writer import write_ffv1

    video = work / "synthetic_seizure.mkv"
    write_ffv1(video, synthetic_frames(seconds), fps=30.0)
    from semioscope.core.models.classifier import random_classifier, save_classifier

    classifier = work / "demo_classifier.pt"
    save_classifier(classifier, *random_classifier(0))
    app = QApplication.instance() or QApplication(sys.argv[:1])
    settings = AppSettings(classifier_path=str(classifier), allow_untrained=True, threads=2)
    window = MainWindow(settings=settings, detector_factory=lambda: None, warm_torch=False)
    window.resize(1360, 900)
    window.show()
    if not window.open_video(video):
        raise SystemExit("screenshot: could not open the synthetic video")
    _wait(app, lambda: window.session is not None and window.session.crop is not None, 30)
    session = window.session
    assert session is not None
    window.edit_crop(Box(120, 60, 300, 350), "Drag crop")   # the reviewer's crop
    session.set_frame(30)
    window.act_set_onset()
    session.set_frame(session.frame_of(seconds - 1.0))
    window.act_set_offset()
    window.act_analyse()
    _wait(app, lambda: not window.analysis.running, 600)
    if session.results is None:
        raise SystemExit("screenshot: the analysis did not produce results")
    session.set_frame(session.frame_of(3.3))
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
    parser.add_argument("--seconds", type=float, default=8.0)
    args = parser.parse_args()
    print(make_screenshot(args.out, args.seconds))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
