"""Review GUI speed: frames shown per second while playing a 512x424 16-bit video with the crop
box drawn, the time from launch to the window on screen, and with the real engine warmed: the
time from Analyse to the first bar and how long the GUI thread could not answer meanwhile.

    python bench/bench_gui.py [--quick] [--reps 3] [--only-analysis] [--runtime auto,torch]
                              [--out bench/results/gui.md]

``--runtime``: the review window's analyses run on what ``--runtime auto`` picks (OpenVINO on the
CPU where installed, with Grad-CAM from its IR's map); several, comma-separated, are run
alternately rep by rep (side by side on a shared machine), ``torch`` being the window before
saliency ran over OpenVINO. Each row names the runtime the results record and how many windows
got a saliency map.

Targets: playback >= 30 frames/s at 1x (and the most it can show at 4x); launch <= 2 s; first
bar <= 5 s once the model is loaded; no timer gap during the analysis longer than the idle
machine's own plus 100 ms (on a quiet machine; the GUI test, which may run beside anything,
bounds the gap by the same work on a plain thread instead).
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
    assert window.navigation.frames is not None
    window.navigation.frames.frameReady.connect(
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


class TickGaps:
    """The largest gaps between ticks of a 10-ms timer on the GUI thread: how long the window
    could not answer (a frozen GUI shows as one long gap)."""

    def __init__(self) -> None:
        from PySide6.QtCore import QTimer

        self.ticks: list[float] = []
        self.timer = QTimer()
        self.timer.setInterval(10)
        self.timer.timeout.connect(lambda: self.ticks.append(time.perf_counter()))

    def start(self) -> None:
        self.ticks = [time.perf_counter()]
        self.timer.start()

    def stop(self) -> tuple[float, float]:
        """(largest gap ms, 99th-percentile gap ms) since :meth:`start`."""
        self.timer.stop()
        gaps = sorted(b - a for a, b in zip(self.ticks, self.ticks[1:], strict=False))
        if not gaps:
            return 0.0, 0.0
        return 1000 * gaps[-1], 1000 * gaps[min(len(gaps) - 1, int(0.99 * len(gaps)))]


def _spin(app: object, until: object, limit_s: float) -> None:
    deadline = time.monotonic() + limit_s
    while not until() and time.monotonic() < deadline:  # type: ignore[operator]
        app.processEvents()  # type: ignore[attr-defined]
        time.sleep(0.002)


def first_bar(video: Path) -> dict[str, float]:
    """Load + warm-up s, Analyse -> first bar s, whole analysis s, windows, and the GUI
    thread's largest timer gaps idle and during the analysis, with the real engine warmed first.

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
    _spin(app, lambda: window.session is not None and window.session.crop is not None, 60)
    said: list[str] = []
    t0 = time.perf_counter()
    window.backbones.warm_up(window.backbones.get(**window.analysis_control.backbone_args(), notice=said.append))
    warm = time.perf_counter() - t0
    gaps = TickGaps()
    gaps.start()                       # the machine's own jitter, nothing running
    end = time.monotonic() + 2.0
    _spin(app, lambda: time.monotonic() > end, 3)
    idle_max, idle_p99 = gaps.stop()
    # the first bar is the first partial result this run draws (a repeated run's window would
    # show the previous run's bars at once, so counting bars says nothing)
    firsts: list[float] = []
    window.analysis.partial.connect(lambda _r: firsts.append(time.perf_counter()))
    gaps.start()
    window.qactions["analyse"].trigger()
    t0 = time.perf_counter()
    _spin(app, lambda: bool(firsts) or not window.analysis.running, 600)
    _spin(app, lambda: not window.analysis.running, 600)
    total = time.perf_counter() - t0
    first = (firsts[0] - t0) if firsts else total
    busy_max, busy_p99 = gaps.stop()
    windows = window.timeline.bar_count
    results = window.session.results if window.session is not None else None
    computed = results.model.computed_by() if results is not None else "no results"
    maps = (len(results.saliency.windows) if results is not None
            and results.saliency is not None else 0)
    window.close()
    window.deleteLater()
    app.processEvents()
    return {"warm": warm, "first": first, "total": total, "windows": windows,
            "idle_max": idle_max, "idle_p99": idle_p99, "busy_max": busy_max,
            "busy_p99": busy_p99, "computed": computed, "maps": maps,  # type: ignore[dict-item]
            "converted": any(t.startswith("converting") for t in said)}


def analysis_rows(runtime: str, runs: list[dict[str, float]]) -> list[tuple[str, str, str, str]]:
    """The first-bar and responsiveness rows of one runtime's runs."""
    n = len(runs)
    col = {k: [float(r[k]) for r in runs] for k in runs[0] if k != "computed"}
    first = sorted(col["first"])[n // 2]
    busy = sorted(col["busy_max"])[n // 2]
    idle = sorted(col["idle_max"])[n // 2]
    converted = sum(bool(r["converted"]) for r in runs)
    rows = [(f"[{runtime}] engine loaded and warmed in the background (untrained I3D; "
             f"{runs[0]['computed']}); {n} run(s), median (min-max)"
             + (f"; {converted} of them converted it to OpenVINO first" if converted else ""),
             f"{_spread(col['warm'])} s", "before Analyse", "ok"),
            (f"[{runtime}] Analyse to the first timeline bar (engine warm, "
             f"{int(col['windows'][0])} windows, saliency maps for "
             f"{_spread(col['maps'], '{:.0f}')})", f"{_spread(col['first'])} s",
             "<= 5 s", "ok" if first <= 5.0 else "SLOW"),
            (f"[{runtime}] whole analysis, Analyse to the last bar",
             f"{_spread(col['total'])} s", "", ""),
            (f"[{runtime}] GUI thread, largest gap of a 10-ms timer: idle 2 s before Analyse",
             f"{_spread(col['idle_max'], '{:.0f}')} ms (p99 "
             f"{_spread(col['idle_p99'], '{:.0f}')} ms)", "the machine's jitter", ""),
            (f"[{runtime}] GUI thread, largest gap of a 10-ms timer: during the analysis",
             f"{_spread(col['busy_max'], '{:.0f}')} ms (p99 "
             f"{_spread(col['busy_p99'], '{:.0f}')} ms)",
             "<= idle + 100 ms", "ok" if busy <= idle + 100 else "SLOW")]
    return rows


def _spread(values: list[float], fmt: str = "{:.1f}") -> str:
    values = sorted(values)
    med = values[len(values) // 2]
    if len(values) == 1:
        return fmt.format(med)
    return f"{fmt.format(med)} ({fmt.format(values[0])}-{fmt.format(values[-1])})"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="short video and runs (CI smoke)")
    parser.add_argument("--out", help="also write the markdown table here")
    parser.add_argument("--soak", type=float, default=0.0, metavar="S",
                        help="also play a video of S seconds at 1x to its end (crash check)")
    parser.add_argument("--reps", type=int, default=3,
                        help="analyses for the first-bar and responsiveness rows")
    parser.add_argument("--only-analysis", action="store_true",
                        help="skip the launch and playback rows")
    parser.add_argument("--runtime", default="auto",
                        help="what the window's analyses run on: auto (as users get it), torch, "
                        "openvino, or several comma-separated, run alternately")
    args = parser.parse_args()
    runtimes = [r.strip() for r in args.runtime.split(",") if r.strip()]
    seconds = 2.0 if args.quick else 8.0
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["SEMIOSCOPE_DATA_DIR"] = str(Path(tmp) / "data")
        video = write(Path(tmp) / "bench_gui.mkv", seconds + 1.0)
        rows: list[tuple[str, str, str, str]] = []
        if not args.only_analysis:
            launch, torch = launch_time(str(Path(tmp) / "data-launch"))
            rows += [("launch to window shown", f"{launch:.2f} s", "<= 2 s",
                      "ok" if launch <= 2.0 else "SLOW"),
                     ("torch imported before the window showed", str(torch), "False",
                      "ok" if not torch else "BAD")]
        for speed in () if args.only_analysis else (1.0, 4.0):
            fps, n, skipped = playback(video, speed, seconds / speed if speed > 1 else seconds)
            target = ">= 30" if speed == 1.0 else "(as fast as it can)"
            verdict = "ok" if speed != 1.0 or fps >= 29.0 else "SLOW"
            rows.append((f"playback at {speed:g}x, 512x424 16-bit, crop box shown",
                         f"{fps:.1f} frames/s ({n} shown, {skipped} skips)", target, verdict))
        by_runtime: dict[str, list[dict[str, float]]] = {r: [] for r in runtimes}
        for _ in range(max(1, args.reps)):      # alternately: the same load for each
            for runtime in runtimes:
                os.environ["SEMIOSCOPE_RUNTIME"] = runtime   # what the window's auto means
                by_runtime[runtime].append(first_bar(video))
        for runtime, runs in by_runtime.items():
            rows += analysis_rows(runtime, runs)
        if args.soak > 0:
            long_video = write(Path(tmp) / "bench_soak.mkv", args.soak)
            fps, n, skipped = playback(long_video, 1.0, args.soak + 5.0)
            rows.append((f"soak: a {args.soak:g}-s video played to its end at 1x",
                         f"{n} frames shown, {fps:.1f} frames/s, {skipped} skips, no crash",
                         "plays to the end", "ok" if n >= 29 * args.soak else "SHORT"))
    load = os.getloadavg()
    lines = ["# Review GUI benchmark", "", f"Machine: {machine()}",
             f"Qt platform: {os.environ.get('QT_QPA_PLATFORM')}; load average at the end "
             f"{load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} (1 / 5 / 15 min)", "",
             "| what | measured | target | |", "|---|---|---|---|"]
    lines += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows]
    markdown = "\n".join(lines)
    print(markdown)
    if args.out:
        write_text(args.out, markdown + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
