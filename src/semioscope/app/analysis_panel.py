"""Analyse button, progress bar, time remaining and Cancel around one AnalysisWorker.

The previous results stay on screen until a new run finishes; a cancelled or failed run leaves
them untouched. Progress and the bars so far are shown at most ten times a second (the newest
wins), however fast the engine reports them.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

from semioscope.app.throttle import Throttle
from semioscope.app.workers import AnalysisWorker
from semioscope.core.results import PartialResults, Results

COUNTDOWN_MS = 1000


class AnalysisPanel(QWidget):
    """Emits ``finished(results)``, ``failed(message)`` or ``cancelled()`` per run."""

    finished = Signal(object)
    partial = Signal(object)      # the windows scored so far, while a run goes on
    failed = Signal(str)
    cancelled = Signal()

    def __init__(self, actions: dict[str, QAction], parent: QWidget | None = None,
                 backbones: Any = None) -> None:
        super().__init__(parent)
        self.backbones = backbones
        self.analyse_button = QPushButton("Analyse span")
        self.analyse_button.clicked.connect(actions["analyse"].trigger)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(actions["cancel"].trigger)
        self.bar = QProgressBar()
        self.bar.setRange(0, 1)
        self.bar.setValue(0)
        self.bar.setFormat("no video open")
        self.eta = QLabel("")
        self.eta.setMinimumWidth(180)
        self.worker: AnalysisWorker | None = None
        # the newest progress and bars not yet shown; shown together, so they always agree
        self._new_progress: tuple[int, int, float, str] | None = None
        self._new_partial: PartialResults | None = None
        self._bars_shown = False
        self._updates = Throttle(self._show_newest, parent=self)
        # the engine's estimate comes once a window; between two, the text counts down itself
        self.clock: Callable[[], float] = time.monotonic
        self._deadline: float | None = None
        self._countdown = QTimer(self)
        self._countdown.setInterval(COUNTDOWN_MS)
        self._countdown.timeout.connect(self._tick)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.analyse_button)
        layout.addWidget(self.bar, 1)
        layout.addWidget(self.eta)
        layout.addWidget(self.cancel_button)
        self._set_running(False)

    @property
    def running(self) -> bool:
        return self.worker is not None

    def set_enabled_for_video(self, has_video: bool) -> None:
        self.analyse_button.setEnabled(has_video and not self.running)

    def start(self, request: Any) -> None:
        if self.running:
            return
        worker = AnalysisWorker(request, self.backbones)
        worker.progress.connect(self._progress)
        worker.partial.connect(self._partial)
        worker.done.connect(self._done)
        worker.failed.connect(self._failed)
        worker.cancelled.connect(self._cancelled)
        self.worker = worker
        self._bars_shown = False
        self.bar.setRange(0, 0)  # busy until the engine knows the window count
        self.eta.setText("loading the model…")
        self._set_running(True)
        worker.start()

    def show_waiting(self, text: str) -> None:
        """Why an Analyse has not started yet (e.g. the automatic crop still runs)."""
        if not self.running:
            self.eta.setText(text)

    def cancel(self) -> None:
        if self.worker is not None:
            self.worker.cancel.cancel()
            self.eta.setText("cancelling…")

    def shutdown(self) -> None:
        """Stop a running analysis before the window closes."""
        if self.worker is not None:
            self.worker.cancel.cancel()
            self.worker.wait(30000)

    def _progress(self, done: int, total: int, eta_s: float, stage: str) -> None:
        if self.worker is not None and not self.worker.cancel.cancelled:
            self._new_progress = (done, total, eta_s, stage)
            self._updates.push()

    def _partial(self, results: PartialResults) -> None:
        if self.worker is not None and not self.worker.cancel.cancelled:
            first = not self._bars_shown
            self._new_partial = results
            self._bars_shown = True
            if first:
                self._updates.now()    # the first bar never waits
            else:
                self._updates.push()

    def _show_newest(self) -> None:
        if self.worker is None or self.worker.cancel.cancelled:
            return
        progress, self._new_progress = self._new_progress, None
        partial, self._new_partial = self._new_partial, None
        if progress is not None:
            self._show_progress(*progress)
        if partial is not None:
            self.partial.emit(partial)

    def _show_progress(self, done: int, total: int, eta_s: float, stage: str) -> None:
        if total > 0:
            self.bar.setRange(0, total)
            self.bar.setValue(done)
        if stage == "converting":
            self.eta.setText("converting the model to OpenVINO once (about a minute)…")
        if stage == "features":
            self._deadline = None if eta_s < 0 else self.clock() + eta_s
            if self._deadline is not None and not self._countdown.isActive():
                self._countdown.start()
            self._tick()

    def _tick(self) -> None:
        """The time left by the last estimate, counted down between the engine's reports."""
        if self.worker is None or self.worker.cancel.cancelled:
            return
        if self._deadline is None:
            self.eta.setText("estimating time remaining…")
            return
        left = self._deadline - self.clock()
        self.eta.setText(f"about {left:.0f} s remaining" if left >= 0.5
                         else "a little longer than estimated…")

    def _finish(self) -> None:
        self._countdown.stop()
        self._deadline = None
        self._updates.drop()     # the run's outcome replaces whatever was not shown yet
        self._new_progress = self._new_partial = None
        if self.worker is not None:
            self.worker.wait()
            self.worker.deleteLater()
        self.worker = None
        self._set_running(False)

    def show_results(self, results: Results | None) -> None:
        """Idle text for the open video: how many windows its shown results hold, or none."""
        if self.running:
            return
        self.bar.setRange(0, 1)
        self.bar.setValue(0 if results is None else 1)
        self.bar.setFormat("not analysed yet" if results is None
                           else f"{len(results.windows)} windows analysed")

    def _done(self, results: Results) -> None:
        self._finish()
        self.show_results(results)
        self.eta.setText("done")
        self.finished.emit(results)

    def _failed(self, message: str) -> None:
        self._finish()
        self._reset_bar("failed")
        self.failed.emit(message)

    def _cancelled(self) -> None:
        self._finish()
        self._reset_bar("cancelled — previous results kept")
        self.cancelled.emit()

    def _reset_bar(self, text: str) -> None:
        self.bar.setRange(0, 1)
        self.bar.setValue(0)
        self.eta.setText(text)

    def _set_running(self, running: bool) -> None:
        self.analyse_button.setEnabled(not running)
        self.cancel_button.setEnabled(running)
        if running:
            self.bar.setFormat("%v / %m windows")
