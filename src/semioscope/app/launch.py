"""Start the Qt application and show the review window before any heavy import."""

from __future__ import annotations

import logging
import sys
import traceback
from types import TracebackType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from semioscope.app.settings import AppSettings

log = logging.getLogger(__name__)


def _install_excepthook() -> None:
    """An unexpected exception in a slot shows a dialog instead of silently killing the app."""
    from PySide6.QtWidgets import QApplication, QMessageBox

    def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        log.error("unexpected error", exc_info=(kind, exc, tb))
        traceback.print_exception(kind, exc, tb)
        if QApplication.instance() is not None:
            QMessageBox.critical(None, "semioscope: internal error",
                                 f"{kind.__name__}: {exc}\n\nPlease report this problem.")

    sys.excepthook = hook


def _set_icon(app: object) -> None:
    from PySide6.QtGui import QIcon

    from semioscope.resources import resource_path

    try:
        app.setWindowIcon(QIcon(str(resource_path("semioscope-256.png"))))  # type: ignore[attr-defined]
    except FileNotFoundError:
        pass  # a source checkout without the rendered icon still runs


def launch(video: str | None = None, *, settings: AppSettings | None = None,
           banner: str | None = None) -> int:
    """Show the review window (optionally on ``video``) and run the event loop."""
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("semioscope")
    app.setDesktopFileName("semioscope")
    _set_icon(app)
    _install_excepthook()
    from semioscope.app.main_window import MainWindow

    window = MainWindow(settings=settings, banner=banner)
    window.show()
    if video:
        window.open_video(video)
    return int(app.exec())
