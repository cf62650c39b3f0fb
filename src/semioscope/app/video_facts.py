"""Reading a video's facts without freezing the window.

Most files open in milliseconds, but the first open of a long AVI with B-frames decodes the whole
file once to learn its frame order (``core/video/frame_index.py``), which takes tens of seconds.
The reading runs on a thread; the window keeps painting and, when the reading takes longer than
a moment, shows a busy dialog naming the file. User input is held back meanwhile, so a second
Open cannot start half-way through the first.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PySide6.QtCore import QEventLoop, Qt, QThread, QTimer
from PySide6.QtWidgets import QProgressDialog, QWidget

from semioscope.core.video import IntensityMapping, VideoProperties

#: below this, no dialog flashes up
DIALOG_DELAY_MS = 400


@dataclass(frozen=True)
class VideoFacts:
    """What the review window needs to open a video, read off the GUI thread."""

    properties: VideoProperties
    mapping: IntensityMapping
    times: np.ndarray


def read_video_facts(path: Path) -> VideoFacts:
    """Properties, the intensity mapping and the frame times (raises ``VideoError``)."""
    from semioscope.core.video import mapping_for, open_video

    with open_video(path, allow_truncated=True) as reader:
        return VideoFacts(reader.properties, mapping_for(reader, "kinect"), reader.frame_times())


class _Reader(QThread):
    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path
        self.facts: VideoFacts | None = None
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self.facts = read_video_facts(self.path)
        except BaseException as exc:  # noqa: BLE001 - re-raised on the GUI thread
            self.error = exc


def read_video_facts_responsively(path: Path, parent: QWidget | None,
                                  dialog_delay_ms: int = DIALOG_DELAY_MS) -> VideoFacts:
    """:func:`read_video_facts` on a thread while the GUI thread keeps painting.

    Returns when the reading is done; its exception, if any, is raised here.
    """
    reader = _Reader(path)
    loop = QEventLoop()
    reader.finished.connect(loop.quit)
    dialog = QProgressDialog(f"Reading {path.name}…\n(the first open of a long AVI indexes "
                             "every frame; later opens are quick)", "", 0, 0, parent)
    dialog.setWindowTitle("Opening video")
    dialog.setCancelButton(None)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(0)
    dialog.reset()    # a QProgressDialog shows itself after minimumDuration unless reset
    timer = QTimer()
    timer.setSingleShot(True)
    timer.timeout.connect(dialog.show)
    reader.start()
    timer.start(dialog_delay_ms)
    if not reader.wait(0):
        loop.exec(QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents)
    reader.wait()
    timer.stop()
    dialog.close()
    dialog.deleteLater()
    if reader.error is not None:
        raise reader.error
    assert reader.facts is not None
    return reader.facts
