"""Review GUI speed: frames shown per second while playing a 512x424 16-bit video with the crop
box drawn, and the time from launch to the window on screen.

    python bench/bench_gui.py [--quick] [--out bench/results/gui.md]

Targets: playback >= 30 frames/s at 1x (and the most it can show at 4x); launch <= 2 s.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.bench_video import write  # noqa: E402
from bench.common import machine  # noqa: E402
from semioscope.core.atomic import write_text  # noqa: E402
from semioscope.core.geometry import Box  # noqa: E402

LAUNCH_CODE = """
import time, sys, os
t0 = float(sys.argv[1])
from PySide6.QtWidgets import QApplication
app = QApplication([])
from semioscope.app.main_window import MainWindow
w = MainWindow(warm_torch=False)
w.show()
app.processEvents()
print(time.time() - t0, 'torch' in sys.modules)
"""


class CentreDetector:
    """A fixed person and bed in the middle of the frame (no weights needed)."""

    name, weights_sha256, pretrained = "bench", None, False

    def detect(self, rgb: object) -> list:
        from semioscope.core.crop import BED, PERSON, Detection

        return [Detection(PERSON, 0.9, Box(200, 120, 110, 180)),
                Detection(BED, 0.9, Box(170, 90, 180, 250))]


def launch_time(data_dir: str) -> tuple[float, bool]:
    env = dict(os.environ, SEMIOSCOPE_DATA_DIR=data_dir)
    out = subprocess.run([sys.executable, "-c", LAUNCH_CODE, repr(time.time())], env=env,
                         capture_output=True, text=True, check=True, timeout=120)
    seconds, torch = out.stdout.split()[-2:]
    return float(seconds), torch == "True"


def playback(video: Path, speed: float, seconds: float) -> tuple[float, int, int]:
    """(frames shown per second, frames shown, frames skipped) while playing at ``speed``."""
    from PySide6.QtWidgets import QApplication

    from semioscope.app.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    window = MainWindow(detector_factory=CentreDetector, warm_torch=False)
    window.resize(1280, 860)
    window.show()
    window.open_video(video)
    deadline = time.monotonic() + 20
    while (window.session is None or window.session.crop is None
           or window.view.shown_frame != 0) and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.002)
    assert window.view.roi is not None and window.view.roi.isVisible(), "crop box not shown"
    shown: list[int] = []
    assert window.frames is not None
    window.frames.frameReady.connect(
        lambda i, _f: shown.append(i) if window.view.shown_frame == i else None)
    window.player.set_speed(speed)
    start = time.perf_counter()
    window.player.play()
    while time.perf_counter() - start < seconds and window.player.playing:
        app.processEvents()
        time.sleep(0.001)
    elapsed = time.perf_counter() - start
    window.player.pause()
    window.close()
    window.deleteLater()
    app.processEvents()
    skipped = sum(1 for a, b in zip(shown, shown[1:], strict=False) if b != a + 1)
    return len(shown) / elapsed, len(shown), skipped


def first_bar(video: Path) -> tuple[float, float, int]:
    """(load + warm-up s, Analyse -> first bar s, windows) with the real engine, warmed first.

    Untrained I3D and classifier (the cost does not depend on the weights' values).
    """
    from PySide6.QtWidgets import QApplication

    from semioscope.app.main_window import MainWindow
    from semioscope.app.settings import AppSettings

    app = QApplication.instance() or QApplication([])
    settings = AppSettings(allow_untrained=True, persist=False)
    window = MainWindow(settings=settings, detector_factory=CentreDetector, warm_torch=False)
    window.show()
    window.open_video(video)
    deadline = time.monotonic() + 60
    while (window.session is None or window.session.crop is None) and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.002)
    t0 = time.perf_counter()
    window.backbones.warm_up(window.backbones.get(**window.backbone_args()))
    warm = time.perf_counter() - t0
    window.qactions["analyse"].trigger()
    t0 = time.perf_counter()
    while window.timeline.bar_count < 1 and window.analysis.running:
        app.processEvents()
        time.sleep(0.002)
    first = time.perf_counter() - t0
    while window.analysis.running:
        app.processEvents()
        time.sleep(0.01)
    windows = window.timeline.bar_count
    window.close()
    window.deleteLater()
    app.processEvents()
    return warm, first, windows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="short video and runs (CI smoke)")
    parser.add_argument("--out", help="also write the markdown table here")
    parser.add_argument("--soak", type=float, default=0.0, metavar="S",
                        help="also play a video of S seconds at 1x to its end (crash check)")
    args = parser.parse_args()
    seconds = 2.0 if args.quick else 8.0
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["SEMIOSCOPE_DATA_DIR"] = str(Path(tmp) / "data")
        video = write(Path(tmp) / "bench_gui.mkv", seconds + 1.0)
        launch, torch = launch_time(str(Path(tmp) / "data-launch"))
        rows = [("launch to window shown", f"{launch:.2f} s", "<= 2 s",
                 "ok" if launch <= 2.0 else "SLOW"),
                ("torch imported before the window showed", str(torch), "False",
                 "ok" if not torch else "BAD")]
        for speed in (1.0, 4.0):
            fps, n, skipped = playback(video, speed, seconds / speed if speed > 1 else seconds)
            target = ">= 30" if speed == 1.0 else "(as fast as it can)"
            verdict = "ok" if speed != 1.0 or fps >= 29.0 else "SLOW"
            rows.append((f"playback at {speed:g}x, 512x424 16-bit, crop box shown",
                         f"{fps:.1f} frames/s ({n} shown, {skipped} skips)", target, verdict))
        warm, first, windows = first_bar(video)
        rows.append(("engine loaded and warmed in the background (untrained I3D)",
                     f"{warm:.1f} s", "before Analyse", "ok"))
        rows.append((f"Analyse to the first timeline bar (engine warm, {windows} windows)",
                     f"{first:.1f} s", "<= 5 s", "ok" if first <= 5.0 else "SLOW"))
        if args.soak > 0:
            long_video = write(Path(tmp) / "bench_soak.mkv", args.soak)
            fps, n, skipped = playback(long_video, 1.0, args.soak + 5.0)
            rows.append((f"soak: a {args.soak:g}-s video played to its end at 1x",
                         f"{n} frames shown, {fps:.1f} frames/s, {skipped} skips, no crash",
                         "plays to the end", "ok" if n >= 29 * args.soak else "SHORT"))
    lines = ["# Review GUI benchmark", "", f"Machine: {machine()}",
             f"Qt platform: {os.environ.get('QT_QPA_PLATFORM')}", "",
             "| what | measured | target | |", "|---|---|---|---|"]
    lines += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows]
    markdown = "\n".join(lines)
    print(markdown)
    if args.out:
        write_text(args.out, markdown + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
