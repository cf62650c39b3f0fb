"""Reading a video's facts without freezing the window.

Most files open in milliseconds, but the first open of a long AVI with B-frames decodes the whole
file once to learn its frame order (``core/video/frame_index.py``), which takes tens of seconds.
The reading runs on a thread; the window keeps painting and, when the reading takes longer than
a moment, shows a busy dialog naming the file, counting the seconds, with a Cancel button. User
input to everything but that dialog is held back meanwhile, so a second Open cannot start
half-way through the first. Cancel returns at once (the previous video stays open) and stops
the reading too: the index build polls a cancel token between packets, so the thread ends within
a packet's decode (handed meanwhile to ``keep``, the window's worker pool) and nothing half-read
is cached. A reading that completes caches its frame index: the next open is quick.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PySide6.QtCore import QCoreApplication, QEvent, QEventLoop, QObject, Qt, QThread, QTimer
from PySide6.QtGui import QWindow
from PySide6.QtWidgets import QProgressDialog, QWidget

from semioscope.core.cancel import CancelToken
from semioscope.core.video import IntensityMapping, VideoProperties

#: below this, no dialog flashes up
DIALOG_DELAY_MS = 400


@dataclass(frozen=True)
class VideoFacts:
    """What the review window needs to open a video, read off the GUI thread."""

    properties: VideoProperties
    mapping: IntensityMapping
    times: np.ndarray


def read_video_facts(path: Path, cancel: CancelToken | None = None) -> VideoFacts:
    """Properties, the intensity mapping and the frame times (raises ``VideoError``, or
    ``CancelledError`` once ``cancel`` is set during a slow first open)."""
    from semioscope.core.video import mapping_for, open_video

    with open_video(path, allow_truncated=True, cancel=cancel) as reader:
        return VideoFacts(reader.properties, mapping_for(reader, "kinect"), reader.frame_times())


class OpenCancelled(Exception):
    """The person pressed Cancel while the video was being read."""


#: what a person does with mouse or keyboard (held back from all but the busy dialog)
USER_INPUT = frozenset({
    QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonRelease, QEvent.Type.MouseButtonDblClick,
    QEvent.Type.MouseMove, QEvent.Type.Wheel, QEvent.Type.KeyPress, QEvent.Type.KeyRelease,
    QEvent.Type.ShortcutOverride, QEvent.Type.Shortcut, QEvent.Type.ContextMenu,
    QEvent.Type.DragEnter, QEvent.Type.DragMove, QEvent.Type.Drop, QEvent.Type.TouchBegin,
    QEvent.Type.TouchUpdate, QEvent.Type.TouchEnd})


class _InputGate(QObject):
    """Installed on the application: drops user input meant for anything but ``dialog``."""

    def __init__(self, dialog: QProgressDialog) -> None:
        super().__init__()
        self.dialog = dialog

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if event.type() not in USER_INPUT:
            return False
        if isinstance(watched, QWidget):
            if watched.window() is not self.dialog:
                return True
            if event.type() == QEvent.Type.ShortcutOverride:
                event.accept()   # the key is the dialog's (Escape cancels), no shortcut's
            return False
        # the native window passes each event on to its widget, which is judged above; what
        # goes to neither (a shortcut to an action) is dropped
        return not isinstance(watched, QWindow)


class _Reader(QThread):
    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path
        self.token = CancelToken()
        self.facts: VideoFacts | None = None
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self.facts = read_video_facts(self.path, self.token)
        except BaseException as exc:  # noqa: BLE001 - re-raised on the GUI thread
            self.error = exc


def busy_text(path: Path, seconds: float) -> str:
    return (f"Reading {path.name}… {seconds:.0f} s\n(the first open of a long AVI indexes "
            "every frame; later opens are quick)")


class _BusyDialog(QProgressDialog):
    """"Reading NAME… N s" with Cancel; shown only once the reading takes ``delay_ms``."""

    def __init__(self, path: Path, parent: QWidget | None, delay_ms: int) -> None:
        super().__init__(busy_text(path, 0), "Cancel", 0, 0, parent)
        self.setWindowTitle("Opening video")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setMinimumDuration(0)
        self.setAutoClose(False)
        self.reset()    # a QProgressDialog shows itself after minimumDuration unless reset
        started = time.monotonic()
        self.show_timer = QTimer(self)
        self.show_timer.setSingleShot(True)
        self.show_timer.timeout.connect(self.show)
        self.show_timer.start(delay_ms)
        self.clock = QTimer(self)   # the seconds, so a long read visibly goes on
        self.clock.timeout.connect(
            lambda: self.setLabelText(busy_text(path, time.monotonic() - started)))
        self.clock.start(1000)

    def finish(self) -> None:
        self.show_timer.stop()
        self.clock.stop()
        self.canceled.disconnect()
        self.rejected.disconnect()
        self.close()
        self.deleteLater()


def read_video_facts_responsively(path: Path, parent: QWidget | None,
                                  dialog_delay_ms: int = DIALOG_DELAY_MS,
                                  keep: Callable[[QThread], None] | None = None) -> VideoFacts:
    """:func:`read_video_facts` on a thread while the GUI thread keeps running.

    Returns when the reading is done; its exception, if any, is raised here. Cancel stops the
    reading and raises :class:`OpenCancelled` at once, handing the thread (ending within a
    packet's decode) to ``keep``; without one, it is waited for: a running QThread must not be
    destroyed.
    """
    reader = _Reader(path)
    loop = QEventLoop()
    reader.finished.connect(loop.quit)
    dialog = _BusyDialog(path, parent, dialog_delay_ms)
    cancelled: list[bool] = []

    def cancel() -> None:
        cancelled.append(True)
        reader.token.cancel()   # the reading stops too, not only the wait
        loop.quit()

    dialog.canceled.connect(cancel)   # the button
    dialog.rejected.connect(cancel)   # Escape (QDialog rejects; no canceled() then)
    gate = _InputGate(dialog)
    app = QCoreApplication.instance()
    if app is not None:
        app.installEventFilter(gate)
    reader.start()
    try:
        if not reader.wait(0):
            loop.exec()
    finally:
        if app is not None:
            app.removeEventFilter(gate)
        dialog.finish()
    if cancelled and reader.isRunning():
        if keep is not None:
            keep(reader)
        else:
            reader.wait()
        raise OpenCancelled(path)
    reader.wait()
    if reader.error is not None:
        raise reader.error
    assert reader.facts is not None
    return reader.facts
