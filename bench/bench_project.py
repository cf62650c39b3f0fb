"""Benchmark the project store and the dataset window with N videos (metadata only, no files).

    .venv/bin/python bench/bench_project.py [--videos 500] [--out bench_project.md]
    .venv/bin/python bench/bench_project.py --quick      # a smoke run: 50 videos

Times: creating the project, reading every row, one audited edit (a commit with fsync), opening
the dataset window (offscreen), switching each filter, and typing a search. Not a test: numbers
on shared machines vary, compare rows of one run.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from bench.common import emit, machine  # noqa: E402


def fake_videos(n: int) -> list:
    from semioscope.core.project import NewVideo

    return [NewVideo(path=f"/archive/p{i % 40}/sz{i:04d}.mkv", sha256=f"{i:064x}", size=10**8 + i,
                     seizure_id=f"sz{i:04d}", patient_id=f"p{i % 40}",
                     label="FLE" if i % 2 else "TLE", frames=3000, fps=30.0, width=512,
                     height=424, onset_s=5.0, offset_s=60.0) for i in range(n)]


def crop_some(store, n: int) -> None:
    """Give the rows a mix of statuses, like a half-reviewed dataset."""
    record = {"box": {"x": 100, "y": 80, "w": 300, "h": 250}, "status": "ok", "reasons": [],
              "detector": {"name": "truth", "weights_sha256": None}, "frames": []}
    with store.transaction():
        for i in range(1, n + 1):
            if i % 5 == 0:
                continue   # not cropped
            review = i % 3 == 0
            store.set_auto_record(i, {**record, "status": "needs_review" if review else "ok",
                                      "reasons": ["unstable"] if review else []})


def timed(fn: Callable[[], object], repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def run(n: int) -> list[tuple[str, float]]:
    from PySide6.QtWidgets import QApplication

    from semioscope.core.crop.editing import nudged
    from semioscope.core.project import ProjectStore

    app = QApplication.instance() or QApplication([])
    out: list[tuple[str, float]] = []
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        ProjectStore.create(Path(tmp) / "p", fake_videos(n)).close()
        out.append((f"create project ({n} videos, one transaction)", time.perf_counter() - t0))
        with ProjectStore.open(Path(tmp) / "p") as store:
            crop_some(store, n)
            out.append(("read every row (store.rows)", timed(store.rows)))
            row = store.row(3)
            step = iter(range(1, 1000))   # a different box each time, so every call writes
            out.append(("one audited edit (commit + fsync)",
                        timed(lambda: store.write_crop(3, nudged(row.crop, dx=next(step) % 50)),
                              5)))
        from semioscope.app.dataset import DatasetWindow
        from semioscope.app.dataset.table import FILTERS

        t0 = time.perf_counter()
        window = DatasetWindow(Path(tmp) / "p")
        window.show()
        app.processEvents()
        out.append(("open the dataset window (table shown)", time.perf_counter() - t0))
        for name in FILTERS:
            t = timed(lambda name=name: (window.filter_box.setCurrentText(name),
                                         app.processEvents()), repeat=1)
            out.append((f"filter: {name} ({window.proxy.rowCount()} rows)", t))
        window.filter_box.setCurrentText("All videos")

        def search() -> None:
            for text in ("p", "p1", "p12", "p1", ""):   # typed then erased, one key at a time
                window.search.setText(text)
                app.processEvents()
        out.append(("search: type and erase 'p12' (5 keystrokes)", timed(search)))
        t = timed(lambda: (window.table.sortByColumn(3, window.table.horizontalHeader()
                                                     .sortIndicatorOrder()), app.processEvents()),
                  repeat=1)
        out.append(("sort by crop status", t))
        window.close()
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--videos", type=int, default=500)
    parser.add_argument("--quick", action="store_true", help="50 videos, a smoke run")
    parser.add_argument("--out", help="also write the markdown here")
    args = parser.parse_args()
    n = 50 if args.quick else args.videos
    rows = run(n)
    lines = [f"# Project store and dataset window, {n} videos", "", f"Machine: {machine()}", "",
             "| step | seconds (best of 3; filters and sort: once) |", "|---|---:|"]
    lines += [f"| {name} | {seconds:.4f} |" for name, seconds in rows]
    emit("\n".join(lines), args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
