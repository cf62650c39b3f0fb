"""The review window: wires the session (state), the widgets (views) and the workers together.

Widgets only mirror the :class:`VideoSession`; edits go through undo commands; decoding, hashing,
cropping and analysis run in QThreads. torch is never imported here: analysis and the crop
detector import it in their threads, and a warm-up thread imports it once the window is shown.

Each job is its own mixin module: app/review_layout.py (widgets), app/opening.py (open a video),
app/navigation.py (frames and play), app/editing.py (crop and span edits, undoable),
app/analysis_control.py (Analyse, trust, report, settings). This class keeps what ties them:
the enabled state of the actions, the worker threads, and mirroring frame and crop on screen.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
from PySide6.QtCore import QThread, QTimer
from PySide6.QtGui import QCloseEvent, QShowEvent, QUndoStack
from PySide6.QtWidgets import QMainWindow

from semioscope.app import dialogs
from semioscope.app.actions import install_actions
from semioscope.app.analysis_control import AnalysisControl
from semioscope.app.editing import EditingMixin
from semioscope.app.frames import FrameServer
from semioscope.app.navigation import Navigation
from semioscope.app.opening import VIDEO_FILTER, OpenFlow
from semioscope.app.playback import Player
from semioscope.app.review_layout import ReviewLayout
from semioscope.app.settings import AppSettings
from semioscope.app.state import VideoSession
from semioscope.app.workers import CropWorker, DetectorFactory
from semioscope.core.crop import editing
from semioscope.core.inference.backbone_cache import BackboneCache

__all__ = ["VIDEO_FILTER", "MainWindow"]


class MainWindow(EditingMixin, Navigation, AnalysisControl, OpenFlow, ReviewLayout, QMainWindow):
    """``detector_factory`` replaces the Mask R-CNN lookup (tests inject a deterministic one)."""

    def __init__(self, settings: AppSettings | None = None,
                 detector_factory: DetectorFactory | None = None, warm_torch: bool = True,
                 banner: str | None = None) -> None:
        """``banner`` is a line shown above everything (the demo says what it is with it)."""
        super().__init__()
        self._banner_text = banner
        # Workers run Python code too: hand the interpreter lock back to the GUI thread sooner
        # than the default 5 ms so playback and scrolling stay smooth during analysis.
        sys.setswitchinterval(0.001)
        self.setWindowTitle("semioscope — review")
        self.setAcceptDrops(True)
        self.settings = settings or AppSettings.load()
        self._detector_factory = detector_factory
        self._warm_torch = warm_torch
        self._warm_engine = warm_torch     # also reload after the settings change
        self.session: VideoSession | None = None
        self.video_path: Path | None = None
        self.frames: FrameServer | None = None
        self._workers: set[QThread] = set()
        self._cropping: VideoSession | None = None   # the session whose auto-crop runs
        self._analyse_waiting = False   # Analyse pressed during the auto-crop: runs after it
        self.backbones = BackboneCache()   # one loaded backbone for the whole session
        self.undo_stack = QUndoStack(self)
        self.qactions, self.menus = install_actions(self)
        self._build_ui()
        self.player = Player(self._is_shown, self)
        self.player.playingChanged.connect(self.transport.set_playing)
        self.player.speedChanged.connect(self.transport.set_speed)
        self.undo_stack.canUndoChanged.connect(self.qactions["undo"].setEnabled)
        self.undo_stack.canRedoChanged.connect(self.qactions["redo"].setEnabled)
        self._rebuild_recent()
        self.refresh_readiness()
        self._update_enabled()
        self.resize(1280, 860)

    def _update_enabled(self) -> None:
        has_video = self.session is not None
        has_results = has_video and self.session is not None and self.session.results is not None
        self.qactions["export_report"].setEnabled(bool(has_results))
        self.qactions["analyse"].setEnabled(has_video and not self.analysis.running)
        self.qactions["cancel"].setEnabled(self.analysis.running or self._analyse_waiting)
        self.analysis.set_enabled_for_video(has_video)
        self.qactions["undo"].setEnabled(self.undo_stack.canUndo())
        self.qactions["redo"].setEnabled(self.undo_stack.canRedo())

    def show_error(self, title: str, message: str) -> None:
        dialogs.show_error(self, title, message)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)
        if self._warm_torch:
            self._warm_torch = False
            if not self.uses_pack():  # a model pack needs no torch: nothing to warm up
                QTimer.singleShot(500, self._start_warmup)

    def _run_worker(self, worker: QThread) -> None:
        """Keep a reference until the thread ends (a running QThread must not be destroyed)."""
        self._workers.add(worker)
        worker.finished.connect(lambda w=worker: self._workers.discard(w))
        worker.start()

    def _on_frame_changed(self, frame: int) -> None:
        s = self.session
        if s is None:
            return
        if self.frames is not None:
            self.frames.request(frame)
        self.transport.set_position(frame, s.n_frames, s.time_of(frame),
                                    s.time_of(max(s.n_frames - 1, 0)))
        self.timeline.set_time(s.time_of(frame))
        self.evidence.set_frame(frame)

    def _on_frame_ready(self, index: int, image: np.ndarray) -> None:
        if self.session is not None and index == self.session.frame:
            self.view.show_frame(index, image)

    def _is_shown(self, frame: int) -> bool:
        return self.view.shown_frame == frame

    def _on_crop_changed(self) -> None:
        crop = None if self.session is None else self.session.crop
        self.view.set_crop(None if crop is None else crop.box,
                           None if crop is None else editing.badge(crop))
        if crop is not None:
            self._run_waiting_analysis()

    def act_quit(self) -> None:
        self.close()

    def act_shortcuts(self) -> None:
        dialogs.ShortcutsDialog(self).exec()

    def act_about(self) -> None:
        dialogs.show_about(self)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt API
        self.analysis.shutdown()
        self._close_session()
        for worker in list(self._workers):
            if isinstance(worker, CropWorker):
                worker.cancel.cancel()
            worker.wait(30000)
        super().closeEvent(event)
