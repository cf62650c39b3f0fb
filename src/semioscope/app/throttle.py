"""Showing only the newest of a fast stream of updates, at most once per interval.

The engine reports progress and the bars scored so far after every window: about one a second on
two cores, but dozens a second on a GPU or for a short span. Redrawing the timeline for each (its
cost grows with the number of bars) would spend the GUI thread on frames nobody sees; on a busy
machine it shows as stutter in playback. The first update is shown at once (the first bar must
not wait), later ones at the end of each interval, the newest winning.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QTimer


class Throttle(QObject):
    """``push(*args)`` as often as updates come; ``apply(*args)`` runs at most every
    ``interval_ms`` with the newest arguments. ``drop()`` forgets an update not yet shown."""

    def __init__(self, apply: Callable[..., None], interval_ms: int = 100,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._apply = apply
        self._pending: tuple[Any, ...] | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._flush)

    @property
    def pending(self) -> bool:
        return self._pending is not None

    def push(self, *args: Any) -> None:
        if self._timer.isActive():
            self._pending = args
            return
        self._apply(*args)
        self._timer.start()     # the quiet interval after an update

    def now(self, *args: Any) -> None:
        """Apply at once whatever the interval (an update that must not wait, like the first
        bar), replacing any pending one; the next push waits a full interval."""
        self._pending = None
        self._apply(*args)
        self._timer.start()

    def drop(self) -> None:
        self._pending = None
        self._timer.stop()

    def _flush(self) -> None:
        if self._pending is None:
            return
        args, self._pending = self._pending, None
        self._apply(*args)
        self._timer.start()
