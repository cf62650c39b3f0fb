"""The review window: the parts it owns, where their widgets sit, and the actions' state.

Each job is a part with its own state and signals, made and wired here:
  opening (app/opening.py)            the open session, File ▸ Open / recent / drop, hash, crop
  navigation (app/navigation.py)      the video, its frames and the transport row, playback keys
  editing (app/editing.py)            crop and span edits through the undo stack
  analysis (app/analysis_control.py)  Analyse/Cancel with its panel and banner, trust, report
  results (app/results_view.py)       timeline, verdict and evidence overlay
  semiology (app/semiology_part.py)   signs marked at the playhead: a lane and a sequence list
Widgets only mirror the :class:`VideoSession`; decoding, hashing, cropping and analysis run in
QThreads (app/worker_pool.py). torch is never imported here: analysis and the crop detector
import it in their threads, and a warm-up thread imports it once the window is shown.

Lanes over the timeline's bars go in through ``results.add_lane``, panels beside the verdict
through ``results.add_side_panel``.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent, QShowEvent
from PySide6.QtWidgets import QLabel, QMainWindow, QSplitter, QVBoxLayout, QWidget

from semioscope import DISCLAIMER
from semioscope.app import dialogs
from semioscope.app.actions import REVIEW, install_actions, specs_for
from semioscope.app.analysis_control import AnalysisControl
from semioscope.app.editing import ReviewEditing
from semioscope.app.focus_ring import install_focus_ring
from semioscope.app.navigation import Navigation
from semioscope.app.opening import VIDEO_FILTER, Opening, unusual_video_text
from semioscope.app.results_view import ResultsView
from semioscope.app.semiology_part import SemiologyPart
from semioscope.app.settings import AppSettings
from semioscope.app.state import VideoSession
from semioscope.app.styles import BANNER_STYLE, WARNING_STYLE
from semioscope.app.worker_pool import WorkerPool
from semioscope.app.workers import DetectorFactory

__all__ = ["VIDEO_FILTER", "MainWindow", "ReviewWindow"]


def _note(text: str, style: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setStyleSheet(style)
    label.setVisible(bool(text))   # hidden until there is something to say
    return label


def _column(*widgets: tuple[QWidget, int], margins: tuple[int, int, int, int] = (0, 0, 0, 0),
            ) -> QWidget:
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(*margins)
    for widget, stretch in widgets:
        layout.addWidget(widget, stretch)
    return box


def _split(first: QWidget, second: QWidget, stretch: tuple[int, int], *,
           vertical: bool = False) -> QSplitter:
    split = QSplitter()
    if vertical:
        split.setOrientation(split.orientation().Vertical)
    split.addWidget(first)
    split.addWidget(second)
    split.setStretchFactor(0, stretch[0])
    split.setStretchFactor(1, stretch[1])
    return split


class ReviewWindow(QMainWindow):
    """``detector_factory`` replaces the Mask R-CNN lookup (tests inject a deterministic one)."""

    def __init__(self, settings: AppSettings | None = None,
                 detector_factory: DetectorFactory | None = None, warm_torch: bool = True,
                 banner: str | None = None) -> None:
        """``banner`` is a line shown above everything (the demo says what it is with it)."""
        super().__init__()
        # Workers run Python code too: hand the interpreter lock back to the GUI thread sooner
        # than the default 5 ms so playback and scrolling stay smooth during analysis.
        sys.setswitchinterval(0.001)
        self.setWindowTitle("semioscope — review")
        install_focus_ring()     # a focus a keyboard user can see (one ring for every window)
        self.setAcceptDrops(True)
        self.settings = settings or AppSettings.load()
        self._warm_torch = warm_torch
        self.workers = WorkerPool(self)
        self.parts: list[QObject] = []
        self.qactions, self.menus = install_actions(self, handlers=self._handler)
        status = self.statusBar()
        errors = lambda title, message: self.show_error(title, message)  # noqa: E731 - late: patchable
        self.opening = Opening(self, self.settings, self.workers, self.menus["&File"],
                               self.qactions["export_report"], detector_factory, errors)
        self.navigation = Navigation(self.qactions, self)
        self.editing = ReviewEditing(self.navigation.view, status, self)
        self.results = ResultsView(self.navigation.view, self)
        self.analysis_control = AnalysisControl(self, self.settings, self.qactions, self.opening,
                                                self.results, self.workers, status, warm_torch,
                                                errors)
        self.semiology = SemiologyPart(self.results.timeline, self.editing.undo_stack, self,
                                       status, self)
        self.parts = [self.opening, self.navigation, self.editing, self.analysis_control,
                      self.results, self.semiology, self]
        for spec in specs_for(REVIEW):      # every key has its part, known now, not on a press
            self._handler("act_nudge_crop" if spec.nudge else f"act_{spec.key}")
        self._wire()
        self._arrange(banner)
        self._update_enabled()
        self.resize(1280, 860)

    # -- the parts' widgets, for whoever looks at the window ---------------------------------------
    @property
    def session(self) -> VideoSession | None:
        return self.opening.session

    @property
    def video_path(self) -> Path | None:
        return self.opening.video_path

    def _handler(self, name: str) -> object:
        """The part that handles action ``name`` (``act_<key>``)."""
        for part in self.parts:
            if hasattr(part, name):
                return getattr(part, name)
        raise AttributeError(f"no part of the review window handles {name}")

    def _wire(self) -> None:
        nav, results, analysis = self.navigation, self.results, self.analysis_control
        self.view, self.transport, self.player = nav.view, nav.transport, nav.player
        self.timeline, self.verdict, self.evidence = (results.timeline, results.verdict,
                                                      results.evidence)
        self.analysis, self.analysis_banner = analysis.panel, analysis.banner
        self.backbones, self.undo_stack = analysis.backbones, self.editing.undo_stack
        self.opening.opened.connect(self._on_opened)
        self.opening.closing.connect(self._on_closing)
        nav.frameShown.connect(results.follow)
        nav.decodeFailed.connect(lambda m: self.show_error("Cannot decode video", m))
        results.seekRequested.connect(nav.seek)
        self.semiology.seekRequested.connect(nav.seek)
        self.semiology.marking.connect(nav.player.pause)
        results.add_lane(self.semiology.lane)
        results.add_side_panel(self.semiology.panel)
        analysis.stateChanged.connect(self._update_enabled)
        analysis.settingsChanged.connect(self._update_enabled)
        self.undo_stack.canUndoChanged.connect(self.qactions["undo"].setEnabled)
        self.undo_stack.canRedoChanged.connect(self.qactions["redo"].setEnabled)

    def _arrange(self, banner: str | None) -> None:
        """Video and transport over the timeline and the analysis panel, the verdict beside the
        video, banners above, the disclaimer below."""
        left = _column((self.view, 1), (self.evidence, 0), (self.transport, 0))
        bottom = _column((self.results.lanes, 1), (self.analysis, 0))
        split = _split(_split(left, self.results.side, (4, 1)), bottom, (5, 2), vertical=True)
        self.banner = _note(banner or "", BANNER_STYLE)
        self.video_warning = _note("", WARNING_STYLE)  # what is unusual (truncated, VFR)
        self.setCentralWidget(_column((self.banner, 0), (self.analysis_banner, 0),
                                      (self.video_warning, 0), (split, 1),
                                      margins=(6, 6, 6, 0)))
        self.disclaimer = QLabel(DISCLAIMER)
        self.disclaimer.setStyleSheet("color:#b71c1c;font-weight:bold;padding:0 6px;")
        self.statusBar().addPermanentWidget(self.disclaimer)

    def _on_opened(self, session: VideoSession, path: Path) -> None:
        warning = unusual_video_text(session.properties)
        self.video_warning.setText(warning)
        self.video_warning.setVisible(bool(warning))
        self.editing.attach(session)
        self.results.attach(session)
        self.analysis_control.attach(session)
        self.navigation.attach(session, path)
        self.semiology.attach(session)
        self._update_enabled()

    def _on_closing(self) -> None:
        self.navigation.detach()
        self.editing.attach(None)
        self.results.attach(None)
        self.semiology.detach()

    def _update_enabled(self) -> None:
        analysis = self.analysis_control
        has_video = self.session is not None
        has_results = has_video and self.session is not None and self.session.results is not None
        self.qactions["export_report"].setEnabled(bool(has_results))
        self.qactions["analyse"].setEnabled(has_video and not analysis.running)
        self.qactions["cancel"].setEnabled(analysis.running or analysis.waiting)
        self.analysis.set_enabled_for_video(has_video)
        self.qactions["undo"].setEnabled(self.undo_stack.canUndo())
        self.qactions["redo"].setEnabled(self.undo_stack.canRedo())

    # -- what the window itself does ---------------------------------------------------------
    def open_video(self, path: str | Path) -> bool:
        return self.opening.open_video(path)

    def show_error(self, title: str, message: str) -> None:
        dialogs.show_error(self, title, message)

    def act_quit(self) -> None:
        self.close()

    def act_shortcuts(self) -> None:
        dialogs.ShortcutsDialog(self).exec()

    def act_about(self) -> None:
        dialogs.show_about(self)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)
        if self._warm_torch:
            self._warm_torch = False
            if not self.analysis_control.uses_pack():   # a pack needs no torch: no warm-up
                QTimer.singleShot(500, self.analysis_control.start_warmup)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt API
        self.opening.drag_enter(event)

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt API
        self.opening.drop(event)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt API
        self.analysis_control.panel.shutdown()
        self.opening.close_session()
        self.workers.shutdown()
        super().closeEvent(event)


MainWindow = ReviewWindow   # the name the launcher, the demo and the tests knew
