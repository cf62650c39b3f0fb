"""Progress of one analysis: ``done`` of ``total`` windows, with elapsed time and an ETA."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["Clock", "Progress", "ProgressSink"]


@dataclass(frozen=True)
class Progress:
    """A progress report: ``done`` of ``total`` windows in ``stage``; ``eta_s`` None until known."""

    stage: str          # "loading" | "converting" (once, to OpenVINO) | "features" | "done"
    done: int
    total: int
    elapsed_s: float
    eta_s: float | None


ProgressSink = Callable[[Progress], None]


class Clock:
    """Turns (done, total) into :class:`Progress` with elapsed time and a linear ETA."""

    def __init__(self, sink: ProgressSink | None) -> None:
        self.sink = sink
        self.start = self.features_start = time.monotonic()

    def __call__(self, stage: str, done: int, total: int) -> None:
        if self.sink is None:
            return
        now = time.monotonic()
        if stage == "features" and done == 0:
            self.features_start = now  # the ETA ignores model loading
        elapsed = now - self.start
        rate = (now - self.features_start) / done if done else None
        eta = rate * (total - done) if rate is not None and stage == "features" else None
        self.sink(Progress(stage, done, total, elapsed, 0.0 if stage == "done" else eta))
