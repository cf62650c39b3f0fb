"""Batch crop of the whole project from the GUI, in a QThread with progress and Cancel.

The worker uses its own database connection (SQLite connections belong to one thread) that
shares the window's write lock; each video's result is committed as it finishes, exactly as
``semioscope project crop`` does.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QThread, Signal

from semioscope.core.cancel import CancelToken
from semioscope.core.project import ProjectStore, VideoRow
from semioscope.errors import CancelledError, SemioscopeError

log = logging.getLogger(__name__)


class ProjectCropWorker(QThread):
    """Emits ``progress(position, total, video_id, what)`` per video, then exactly one of
    ``done(summary lines)`` or ``failed(message)``, whatever goes wrong."""

    progress = Signal(int, int, int, str)
    done = Signal(list)
    failed = Signal(str)

    def __init__(self, store: ProjectStore, detector_factory: Callable[[], Any]) -> None:
        super().__init__()
        self._store = store
        self._factory = detector_factory
        self.cancel = CancelToken()

    def run(self) -> None:
        from semioscope.core.project.batch import crop_project

        try:
            store = self._store.another_connection()
        except Exception as exc:  # noqa: BLE001 - reported, never a silent end of the thread
            self.failed.emit(str(exc) if isinstance(exc, SemioscopeError)
                             else f"internal error: {type(exc).__name__}: {exc}")
            return
        try:
            detector = self._factory()

            def report(position: int, total: int, row: VideoRow, what: str) -> None:
                self.progress.emit(position, total, row.id, what)

            summary = crop_project(store, detector, cancel=self.cancel, progress=report)
            self.done.emit(summary.lines())
        except CancelledError:
            self.done.emit(["cancelled; every video finished so far is saved"])
        except SemioscopeError as exc:
            self.failed.emit(str(exc))
        except Exception as exc:  # noqa: BLE001 - any bug must end the run with a message
            log.debug("batch crop failed", exc_info=True)
            self.failed.emit(f"internal error: {type(exc).__name__}: {exc} (please report it); "
                             "every video finished so far is saved")
        finally:
            store.close()
