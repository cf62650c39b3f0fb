"""Pictures of every window and report page at the two sizes a person meets, to look at.

    python bench/gui_pictures.py OUT_FOLDER [--demo DEMO_FOLDER]

Writes, from the real demo run (``semioscope demo --no-gui`` builds it):
  review-before-WxH.png     the review window on the demo video before any analysis
  review-WxH.png            the same after the demo's analysis (results restored)
  review-evidence-WxH.png   ... with the evidence overlay on
  review-stale-WxH.png      ... after the crop was made one pixel narrower (Alt+Left)
  project-WxH.png           the project window on six of the demo's videos, cropped
  report-page-N.png         every page of the demo's PDF report (needs pdftoppm)
for W x H in 1600x1000 and 1024x700, offscreen (no display needed). Issue #27: each one is
looked at; anything cut, overlapping or unreadable is a defect.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

SIZES = ((1600, 1000), (1024, 700))


def _wait(condition: Callable[[], bool], timeout: float = 30.0) -> None:
    from PySide6.QtWidgets import QApplication

    end = time.monotonic() + timeout
    while time.monotonic() < end:
        QApplication.processEvents()
        if condition():
            return
        time.sleep(0.01)
    raise SystemExit("gui_pictures: timed out waiting for the window")


def _settle(seconds: float = 0.3) -> None:
    from PySide6.QtWidgets import QApplication

    end = time.monotonic() + seconds
    while time.monotonic() < end:
        QApplication.processEvents()
        time.sleep(0.01)


def _save(widget: Any, out: Path) -> Path:
    from semioscope.core.atomic import atomic_path

    _settle()
    with atomic_path(out, suffix=".png") as tmp:
        if not widget.grab().save(str(tmp), "PNG"):
            raise SystemExit(f"gui_pictures: cannot write {out}")
    print(out)
    return out


def _review(layout: Any, size: tuple[int, int], restore: bool) -> Any:
    from semioscope import demo
    from semioscope.app.main_window import MainWindow
    from semioscope.app.settings import AppSettings
    from semioscope.core.crop import TruthDetector

    if restore:
        demo.restore_review_state(layout)
    settings = AppSettings(classifier_path=str(layout.model), threads=2, persist=False,
                           allow_untrained=not demo.pretrained_available())
    window = MainWindow(settings=settings, warm_torch=False, banner=demo.banner_text(),
                        detector_factory=lambda: TruthDetector().for_video(layout.video))
    window.resize(*size)
    window.show()
    if not window.open_video(layout.video):
        raise SystemExit(f"gui_pictures: cannot open {layout.video}")
    _wait(lambda: window.session is not None and window.session.crop is not None)
    return window


def review_pictures(layout: Any, out: Path, size: tuple[int, int]) -> None:
    name = f"{size[0]}x{size[1]}"
    with tempfile.TemporaryDirectory(prefix="semioscope-pictures-") as data:
        os.environ["SEMIOSCOPE_DATA_DIR"] = data      # no stored state: before any analysis
        window = _review(layout, size, restore=False)
        window.session.set_frame(int(window.session.n_frames * 0.55))
        _save(window, out / f"review-before-{name}.png")
        window.close()
    with tempfile.TemporaryDirectory(prefix="semioscope-pictures-") as data:
        os.environ["SEMIOSCOPE_DATA_DIR"] = data
        window = _review(layout, size, restore=True)
        _wait(lambda: window.session.results is not None)
        window.session.set_frame(int(window.session.n_frames * 0.55))
        _wait(lambda: window.view.shown_frame == window.session.frame)
        _save(window, out / f"review-{name}.png")
        window.evidence.opacity.setValue(55)
        window.evidence.toggle.setChecked(True)
        _save(window, out / f"review-evidence-{name}.png")
        window.editing.act_nudge_crop(0, 0, -1, 0)             # Alt+Left: the results go stale
        _save(window, out / f"review-stale-{name}.png")
        window.close()


def project_pictures(layout: Any, out: Path) -> None:
    from semioscope.app.dataset import DatasetWindow
    from semioscope.core.crop import TruthDetector
    from semioscope.core.project import create_project
    from semioscope.core.project.batch import crop_project

    with tempfile.TemporaryDirectory(prefix="semioscope-project-") as work:
        videos = Path(work) / "videos"
        for video in sorted(layout.dataset.rglob("*.mkv"))[:6]:
            target = videos / video.parent.name
            target.mkdir(parents=True, exist_ok=True)
            for path in video.parent.glob(video.stem + "*"):
                shutil.copy(path, target / path.name)
        with create_project(Path(work) / "project", scan=videos) as store:
            crop_project(store, TruthDetector(), frames=2)
        for size in SIZES:
            window = DatasetWindow(Path(work) / "project")
            window.resize(*size)
            window.show()
            _wait(lambda w=window: w.frame_view.shown_frame == 0)
            _save(window, out / f"project-{size[0]}x{size[1]}.png")
            window.close()


def report_pages(layout: Any, out: Path) -> None:
    from semioscope.pictures import report_pages as pages

    if pages.main([str(out), "--demo", str(layout.root)]) != 0:
        raise SystemExit("gui_pictures: the report pages were not made (pdftoppm missing?)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Pictures of the windows and report pages.")
    parser.add_argument("out", type=Path)
    parser.add_argument("--demo", type=Path, default=None, help="the demo folder")
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from semioscope import demo
    from semioscope.app.qtfix import offscreen_size_hint_warnings_hidden

    layout = demo.DemoLayout(args.demo or demo.default_folder())
    if not layout.results.is_file():
        print(f"no demo in {layout.root}: run `semioscope demo --no-gui` first", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    QApplication.instance() or QApplication(sys.argv[:1])
    with offscreen_size_hint_warnings_hidden():
        for size in SIZES:
            review_pictures(layout, args.out, size)
        project_pictures(layout, args.out)
    report_pages(layout, args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
