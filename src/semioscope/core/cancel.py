"""A cancel token shared by the CLI (Ctrl-C) and the GUI (Cancel button)."""

from __future__ import annotations

import threading

from semioscope.errors import CancelledError


class CancelToken:
    """Thread-safe flag that long-running core functions poll between steps."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def raise_if_cancelled(self) -> None:
        if self._event.is_set():
            raise CancelledError("cancelled")
