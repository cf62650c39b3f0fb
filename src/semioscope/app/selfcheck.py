"""The self-test's window check (``semioscope --self-test``), here because only app/ imports Qt.

``semioscope.selftest`` calls these and reports a :class:`WindowCheckError` as its FAIL line.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path


class WindowCheckError(Exception):
    """The window did not open the clip, or Qt could not load what it needs."""


def open_in_window(clip: Path, classifier: Path | None, threads: int | None,
                   timeout_s: float) -> str:
    """The real MainWindow on ``clip``, dialogs turned into a list: "Qt platform NAME" once its
    first frame and crop are shown, else :class:`WindowCheckError` saying what went wrong."""
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication

    from semioscope.app.main_window import MainWindow
    from semioscope.app.settings import AppSettings
    from semioscope.core.crop import TruthDetector
    from semioscope.resources import ICON_PNG, resource_path

    app = QApplication.instance() or QApplication(sys.argv[:1])
    icon = QIcon(str(resource_path(ICON_PNG)))
    if icon.isNull():
        raise WindowCheckError(f"Qt cannot load {ICON_PNG}")
    settings = AppSettings(classifier_path=str(classifier or ""), allow_untrained=True,
                           threads=threads)
    window = MainWindow(settings=settings, detector_factory=lambda: TruthDetector().for_video(clip),
                        warm_torch=False)
    errors: list[str] = []
    window.show_error = lambda title, message: errors.append(f"{title}: {message}")  # type: ignore[method-assign]
    try:
        window.setWindowIcon(icon)
        window.show()
        if not window.open_video(clip):
            raise WindowCheckError("could not open the clip: " + "; ".join(errors))

        def ready() -> bool:
            s = window.session
            return bool(errors) or (s is not None and s.crop is not None
                                    and window.view.shown_frame == 0)

        end = time.monotonic() + timeout_s
        while not ready() and time.monotonic() < end:
            app.processEvents()
            time.sleep(0.01)
        if errors:
            raise WindowCheckError("; ".join(errors))
        if not ready():
            raise WindowCheckError(f"no frame and crop shown within {timeout_s:g} s")
    finally:
        window.close()
        app.processEvents()
    return f"Qt platform {app.platformName()}"  # type: ignore[attr-defined]


def display_plugin_note() -> str | None:
    """Why the X11 plugin could not load here, or None: the checks run offscreen, a desktop not.

    Qt's xcb plugin needs system libraries (libxcb-cursor0, libxcb-icccm4, ...) that a venv does
    not carry, and a bundle only when the build machine had them; a workstation without them shows
    no window. Only a note: servers and build machines legitimately lack them.
    """
    if not sys.platform.startswith("linux"):
        return None
    import ctypes

    from PySide6.QtCore import QLibraryInfo

    plugins = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath))
    xcb = plugins / "platforms" / "libqxcb.so"
    if not xcb.is_file():
        return f"no X11 display plugin at {xcb}"
    try:
        ctypes.CDLL(str(xcb))
    except OSError as exc:
        reason = exc.__cause__ or exc  # a PyInstaller bundle wraps the loader's message
        return (f"the X11 display plugin cannot load here ({reason}); install the xcb libraries "
                "listed in installers/README.md before opening the review window on a desktop")
    return None
