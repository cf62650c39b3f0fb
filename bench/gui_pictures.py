"""Pictures of every window and report page at the two sizes a person meets, to look at.

    python bench/gui_pictures.py OUT_FOLDER [--demo DEMO_FOLDER] [--xvfb | --x11]

Writes, from the real demo run (``semioscope demo --no-gui`` builds it):
  review-before-WxH.png     the review window on the demo video before any analysis
  review-WxH.png            the same after the demo's analysis (results restored)
  review-evidence-WxH.png   ... with the evidence overlay on
  review-stale-WxH.png      ... after the crop was made one pixel narrower (Alt+Left)
  review-focus-WxH.png      ... with the keyboard focus moved by Tab (the focus ring)
  review-fresh-WxH.png      the review window on a fresh synthetic video, before analysis
  project-WxH.png           the project window on six of the demo's videos, cropped
  project-status-WxH.png    ... just after a crop edit, its "(saved)" message shown (the
                            video must not move: checked, item 3 of issue #27)
  project-focus-WxH.png     ... with the keyboard focus on the search box (Ctrl+F)
  report-page-N-WxH.png     every page of the demo's PDF report fitted to the screen height
                            (needs pdftoppm)
for W x H in 1600x1000 and 1024x700. Offscreen by default (no display needed); ``--xvfb``
starts a private Xvfb server (1600x1000x24, on :90 or the next free display) and renders
through the real X11 platform plugin, ``--x11`` uses the X server of $DISPLAY. Under X the pictures are read back from the screen
(what a person would see, no window manager: the window at 0,0 at exactly W x H) and the
focus is moved with real key presses (xdotool), when xdotool is there. A window that cannot
be made W x H (its minimum size is larger) is reported. Issue #27: each picture is looked
at; anything cut, overlapping or unreadable is a defect.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

SIZES = ((1600, 1000), (1024, 700))
SCREEN = "1600x1000x24"
#: what was wrong with a window's size (under X), printed at the end
PROBLEMS: list[str] = []


def _answers(display: str) -> bool:
    """True once the X server on ``display`` takes a client (xwininfo, or its socket)."""
    if shutil.which("xwininfo"):
        return subprocess.run(["xwininfo", "-root", "-display", display], capture_output=True,
                              timeout=10).returncode == 0
    return Path(f"/tmp/.X11-unix/X{display[1:]}").exists()


def start_xvfb() -> subprocess.Popen[bytes]:
    """A private X server on a display number no other server holds (:90 and up)."""
    if shutil.which("Xvfb") is None:
        raise SystemExit("gui_pictures: --xvfb needs Xvfb (apt-get install xvfb)")
    for number in range(90, 130):
        if Path(f"/tmp/.X{number}-lock").exists() or Path(f"/tmp/.X11-unix/X{number}").exists():
            continue
        display = f":{number}"
        server = subprocess.Popen(["Xvfb", display, "-screen", "0", SCREEN, "-nolisten", "tcp"],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        end = time.monotonic() + 15
        while server.poll() is None and time.monotonic() < end:
            if _answers(display):
                os.environ["DISPLAY"] = display
                print(f"gui_pictures: Xvfb on {display} ({SCREEN})")
                return server
            time.sleep(0.1)
        server.kill()
        server.wait(5)
    raise SystemExit("gui_pictures: Xvfb did not start")


def on_x11() -> bool:
    from PySide6.QtGui import QGuiApplication

    return QGuiApplication.platformName() == "xcb"


def press(window: Any, *keys: str) -> None:
    """Real key presses through the X server (xdotool), to the window given the input focus."""
    if not (on_x11() and shutil.which("xdotool")):
        from PySide6.QtCore import Qt
        from PySide6.QtTest import QTest
        from PySide6.QtWidgets import QApplication

        for key in keys:   # offscreen: the same keys through Qt's own test events
            target = QApplication.focusWidget() or window
            *mods, name = key.split("+")
            modifier = Qt.KeyboardModifier.NoModifier
            for mod in mods:
                modifier |= {"ctrl": Qt.KeyboardModifier.ControlModifier,
                             "alt": Qt.KeyboardModifier.AltModifier,
                             "shift": Qt.KeyboardModifier.ShiftModifier}[mod]
            QTest.keyClick(target, getattr(Qt.Key, f"Key_{name.upper() if len(name) == 1 else name}"),
                           modifier)
        _settle()
        return
    _settle()
    subprocess.run(["xdotool", "windowfocus", "--sync", str(int(window.winId()))], check=True,
                   timeout=10)
    subprocess.run(["xdotool", "key", "--delay", "60", *keys], check=True, timeout=30)
    _settle(0.5)


def check_size(window: Any, size: tuple[int, int], what: str) -> None:
    """Under X the window is what the server made it: say so when it is not W x H."""
    got = (window.width(), window.height())
    if got != size:
        hint = window.minimumSizeHint()
        PROBLEMS.append(f"{what}: asked {size[0]}x{size[1]}, got {got[0]}x{got[1]} "
                        f"(minimum size hint {hint.width()}x{hint.height()})")


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
    """The window as drawn: read back from the X screen under X, rendered offscreen."""
    from semioscope.core.atomic import atomic_path

    _settle()
    if on_x11():
        top_left = widget.mapToGlobal(widget.rect().topLeft())
        picture = widget.screen().grabWindow(0, top_left.x(), top_left.y(), widget.width(),
                                             widget.height())
    else:
        picture = widget.grab()
    with atomic_path(out, suffix=".png") as tmp:
        if not picture.save(str(tmp), "PNG"):
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
    return _shown(window, size, layout.video)


def _shown(window: Any, size: tuple[int, int], video: Path) -> Any:
    window.move(0, 0)
    window.resize(*size)
    window.show()
    window.activateWindow()
    if not window.open_video(video):
        raise SystemExit(f"gui_pictures: cannot open {video}")
    _wait(lambda: window.session is not None and window.session.crop is not None)
    _settle(0.5)
    check_size(window, size, f"review window on {video.name}")
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
        window.editing.undo_stack.undo()                        # Ctrl+Z: current again
        press(window, "Tab", "Tab")                             # the focus ring, by keyboard
        _save(window, out / f"review-focus-{name}.png")
        window.close()


def fresh_pictures(out: Path, size: tuple[int, int]) -> None:
    """The review window on a video nobody analysed, with no classifier chosen."""
    from semioscope.app.main_window import MainWindow
    from semioscope.app.settings import AppSettings
    from semioscope.cli import main as cli
    from semioscope.core.crop import TruthDetector

    with tempfile.TemporaryDirectory(prefix="semioscope-pictures-") as data:
        os.environ["SEMIOSCOPE_DATA_DIR"] = data
        video = Path(data) / "fresh_seizure.mkv"
        if cli(["synth", str(video), "--label", "FLE", "--seconds", "12", "--seed", "7"]) != 0:
            raise SystemExit("gui_pictures: semioscope synth failed")
        window = MainWindow(settings=AppSettings(threads=2, persist=False), warm_torch=False,
                            detector_factory=lambda: TruthDetector().for_video(video))
        _shown(window, size, video)
        window.session.set_frame(int(window.session.n_frames * 0.4))
        _wait(lambda: window.view.shown_frame == window.session.frame)
        _save(window, out / f"review-fresh-{size[0]}x{size[1]}.png")
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
            window.move(0, 0)
            window.resize(*size)
            window.show()
            window.activateWindow()
            _wait(lambda w=window: w.frame_view.shown_frame == 0)
            _settle(0.5)
            check_size(window, size, "project window")
            name = f"{size[0]}x{size[1]}"
            _save(window, out / f"project-{name}.png")
            status_keeps_the_video_still(window, out / f"project-status-{name}.png")
            press(window, "ctrl+f")                   # Ctrl+F: the ring around the search box
            _save(window, out / f"project-focus-{name}.png")
            window.close()


def status_keeps_the_video_still(window: Any, out: Path) -> None:
    """Issue #27 item 3: a handle drag's "(saved)" message must not move the video under the
    mouse; checked on the window as drawn (under X: as the server laid it out)."""
    from PySide6.QtCore import QPoint, QPointF

    graphics = window.frame_view.graphics

    def where() -> tuple[int, int, int, int]:
        top_left = graphics.mapTo(window, QPoint(0, 0))
        return top_left.x(), top_left.y(), graphics.width(), graphics.height()

    _wait(lambda: window.frame_view.roi is not None)
    before = where()
    box = window.store.row(window.current_id).box
    window.frame_view.roi.setSize(QPointF(box.w - 6, box.h - 4), finish=True)   # a drag ends
    _save(window, out)
    during = where()
    window.undo_stack.undo()
    window.statusBar().clearMessage()
    _settle()
    if not before == during == where():
        PROBLEMS.append(f"{out.name}: the video moved with the status message: {before} -> "
                        f"{during} -> {where()}")


def report_pages(layout: Any, out: Path) -> None:
    """Every page of the demo's report as a PDF viewer fits it to each screen's height."""
    from semioscope.pictures import report_pages as pages

    with tempfile.TemporaryDirectory(prefix="semioscope-pages-") as tmp:
        if pages.main([tmp, "--demo", str(layout.root), "--pdf"]) != 0:
            raise SystemExit("gui_pictures: the report pages were not made (pdftoppm missing?)")
        pdf = Path(tmp) / "sample-report.pdf"
        for old in out.glob("report-page-*.png"):
            old.unlink()
        for width, height in SIZES:
            stem = Path(tmp) / f"page-{width}x{height}"
            subprocess.run(["pdftoppm", "-png", "-scale-to-x", "-1", "-scale-to-y", str(height),
                            str(pdf), str(stem)], check=True)
            for page in sorted(Path(tmp).glob(f"{stem.name}-*.png")):
                number = int(page.stem.rsplit("-", 1)[1])
                target = out / f"report-page-{number}-{width}x{height}.png"
                shutil.copy(page, target)
                print(target)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Pictures of the windows and report pages.")
    parser.add_argument("out", type=Path)
    parser.add_argument("--demo", type=Path, default=None, help="the demo folder")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--xvfb", action="store_true", help="start a private Xvfb and draw there")
    where.add_argument("--x11", action="store_true", help="draw on the X server of $DISPLAY")
    args = parser.parse_args(argv)
    server = start_xvfb() if args.xvfb else None
    if args.xvfb or args.x11:
        os.environ["QT_QPA_PLATFORM"] = "xcb"
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    try:
        return _run(args)
    finally:
        if server is not None:
            server.terminate()
            server.wait(10)


def _run(args: argparse.Namespace) -> int:
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
            fresh_pictures(args.out, size)
        project_pictures(layout, args.out)
    report_pages(layout, args.out)
    print(f"drawn by the {QApplication.platformName()} platform plugin"
          + (f" on {os.environ.get('DISPLAY')}" if on_x11() else ""))
    for problem in PROBLEMS:
        print(f"DEFECT: {problem}", file=sys.stderr)
    return 1 if PROBLEMS else 0


if __name__ == "__main__":
    raise SystemExit(main())
