"""A worker thread that serves only the newest request (scrubbing, moving through a table).

The GUI overwrites one "wanted" slot and the worker always takes the newest, so quick input never
queues slow decodes. The review window's frames and the dataset window's thumbnails both use it.
"""

from __future__ import annotations

import threading
from typing import Any

from PySide6.QtCore import QThread


class LatestRequestWorker(QThread):
    """``submit(request)`` from the GUI; ``take()`` in ``run()`` blocks for the newest one."""

    def __init__(self) -> None:
        super().__init__()
        self._cond = threading.Condition()
        self._wanted: Any = None
        self._stopping = False

    # -- GUI side ----------------------------------------------------------------------------
    def submit(self, request: Any) -> None:
        """Replace any request not yet started by ``request``."""
        with self._cond:
            self._wanted = request
            self._cond.notify()

    def stop(self) -> None:
        with self._cond:
            self._stopping = True
            self._cond.notify()
        self.wait(5000)

    # -- worker side -------------------------------------------------------------------------
    def take(self) -> Any:
        """The newest request (waiting for one), or None once :meth:`stop` was called."""
        with self._cond:
            while self._wanted is None and not self._stopping:
                self._cond.wait()
            if self._stopping:
                return None
            wanted, self._wanted = self._wanted, None
            return wanted

    def pending(self) -> bool:
        """Whether a newer request (or a stop) waits: the worker should drop extra work."""
        with self._cond:
            return self._wanted is not None or self._stopping
