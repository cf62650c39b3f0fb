"""The review window's running threads: kept referenced until they end, stopped on close.

A running QThread must not be destroyed, so every part hands its workers here rather than
keeping its own list. ``finished`` is emitted from the thread just *before* it exits, so a worker
is let go only after ``wait()`` (which then returns at once), and without a reference cycle, so
it is freed right there, on the GUI thread, never later by the garbage collector.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QThread

from semioscope.app.workers import CropWorker


class WorkerPool(QObject):
    """``run(worker)`` starts it and holds it until its ``finished``; ``shutdown`` waits."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.running: set[QThread] = set()

    def run(self, worker: QThread) -> None:
        self.running.add(worker)
        worker.finished.connect(self._ended)
        worker.start()

    def adopt(self, worker: QThread) -> None:
        """Hold a thread someone else started (an open the person cancelled) until it ends."""
        self.running.add(worker)
        worker.finished.connect(self._ended)
        if worker.isFinished():
            self.running.discard(worker)

    def _ended(self) -> None:
        worker = self.sender()
        if isinstance(worker, QThread):
            worker.wait()          # finished() comes just before the thread exits
            self.running.discard(worker)

    def shutdown(self, wait_ms: int = 30000) -> None:
        for worker in list(self.running):
            if isinstance(worker, CropWorker):
                worker.cancel.cancel()
            worker.wait(wait_ms)
