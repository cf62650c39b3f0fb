"""The review window: wires the session (state), the widgets (views) and the workers together.

Widgets only mirror the :class:`VideoSession`; edits go through undo commands; decoding, hashing,
cropping and analysis run in QThreads. torch is never imported here: analysis and the crop
detector import it in their threads, and a warm-up thread imports it once the window is shown.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Any

import numpy as np
from PySide6.QtCore import QThread, QTimer
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent, QShowEvent, QUndoStack
from PySide6.QtWidgets import (
    QFileDialog,
    QLabel,
    QMainWindow,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from semioscope import DISCLAIMER
from semioscope.app import dialogs
from semioscope.app.actions import install_actions
from semioscope.app.analysis_panel import AnalysisPanel
from semioscope.app.editing import EditingMixin
from semioscope.app.evidence import EvidenceOverlay
from semioscope.app.frames import FrameServer
from semioscope.app.playback import Player
from semioscope.app.settings import AppSettings
from semioscope.app.staleness import current_inputs
from semioscope.app.state import VideoSession
from semioscope.app.timeline import Timeline
from semioscope.app.transport import TransportBar
from semioscope.app.verdict import VerdictPanel
from semioscope.app.video_view import VideoView
from semioscope.app.workers import (
    CropWorker,
    DetectorFactory,
    EngineWarmup,
    HashWorker,
    default_detector_factory,
)
from semioscope.core.crop import editing, sidecar
from semioscope.core.models.backbone_cache import BackboneCache
from semioscope.core.results import Inputs, PartialResults, Results
from semioscope.core.trust import Trust, assess
from semioscope.errors import SemioscopeError

log = logging.getLogger(__name__)
VIDEO_FILTER = "Videos (*.mkv *.mp4 *.avi *.mov *.npy);;All files (*)"


class MainWindow(EditingMixin, QMainWindow):
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
        self._update_enabled()
        self.resize(1280, 860)

    # -- building ------------------------------------------------------------------------------
    def _build_ui(self) -> None:
        self.view = VideoView()
        self.view.cropEdited.connect(self.drag_crop)
        self.transport = TransportBar(self.qactions)
        self.transport.seek.connect(self.seek)
        self.transport.levels.connect(self.view.set_levels)
        self.timeline = Timeline()
        self.timeline.seekRequested.connect(self.seek)
        self.verdict = VerdictPanel()
        self.analysis = AnalysisPanel(self.qactions, backbones=self.backbones)
        self.analysis.finished.connect(self._on_analysis_finished)
        self.analysis.partial.connect(self._on_analysis_partial)
        self.analysis.failed.connect(lambda m: self.show_error("Analysis failed", m))
        for signal in (self.analysis.failed, self.analysis.cancelled):
            signal.connect(lambda *_: self._on_results_changed())  # back to the kept results
        for signal in (self.analysis.finished, self.analysis.failed, self.analysis.cancelled):
            signal.connect(lambda *_: self._update_enabled())
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.view, 1)
        self.evidence = EvidenceOverlay(self.view)
        left_layout.addWidget(self.evidence)
        left_layout.addWidget(self.transport)
        top = QSplitter()
        top.addWidget(left)
        top.addWidget(self.verdict)
        top.setStretchFactor(0, 4)
        top.setStretchFactor(1, 1)
        bottom = QWidget()
        bottom_layout = QVBoxLayout(bottom)
        bottom_layout.setContentsMargins(0, 0, 0, 0)
        bottom_layout.addWidget(self.timeline, 1)
        bottom_layout.addWidget(self.analysis)
        split = QSplitter()
        split.setOrientation(split.orientation().Vertical)
        split.addWidget(top)
        split.addWidget(bottom)
        split.setStretchFactor(0, 5)
        split.setStretchFactor(1, 2)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(6, 6, 6, 0)
        self.banner = QLabel(self._banner_text or "")
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet("background:#fff3cd;color:#5d4200;border:1px solid #e0b84c;"
                                  "font-weight:bold;padding:4px 8px;")
        self.banner.setVisible(bool(self._banner_text))
        layout.addWidget(self.banner)
        self.video_warning = QLabel("")   # what is unusual about the open video (truncated, VFR)
        self.video_warning.setWordWrap(True)
        self.video_warning.setStyleSheet("background:#ffe0b2;color:#7a2e00;border:1px solid "
                                         "#e65100;font-weight:bold;padding:4px 8px;")
        self.video_warning.setVisible(False)
        layout.addWidget(self.video_warning)
        layout.addWidget(split, 1)
        self.setCentralWidget(central)
        self.disclaimer = QLabel(DISCLAIMER)
        self.disclaimer.setStyleSheet("color:#b71c1c;font-weight:bold;padding:0 6px;")
        self.statusBar().addPermanentWidget(self.disclaimer)

    def _rebuild_recent(self) -> None:
        file_menu = self.menus["&File"]
        old = getattr(self, "_recent_menu", None)
        if old is not None:
            file_menu.removeAction(old.menuAction())
        menu = self._recent_menu = file_menu.addMenu("Open &recent")
        file_menu.insertMenu(self.qactions["export_report"], menu)
        for path in self.settings.recent:
            action = menu.addAction(path)
            action.triggered.connect(lambda _c=False, p=path: self.open_video(p))
        menu.setEnabled(bool(self.settings.recent))

    def _update_enabled(self) -> None:
        has_video = self.session is not None
        has_results = has_video and self.session is not None and self.session.results is not None
        self.qactions["export_report"].setEnabled(bool(has_results))
        self.qactions["analyse"].setEnabled(has_video and not self.analysis.running)
        self.qactions["cancel"].setEnabled(self.analysis.running)
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

    def uses_pack(self) -> bool:
        """Whether the settings' classifier is a model pack (OpenVINO, no torch)."""
        from semioscope.core.runtime.pack import is_pack

        return bool(self.settings.classifier_path) and is_pack(self.settings.classifier_path)

    def backbone_args(self) -> dict[str, Any]:
        """What :meth:`BackboneCache.get` needs, from the settings (as the request uses them)."""
        st = self.settings
        return {"name": st.backbone, "weights": st.backbone_weights or None,
                "allow_untrained": st.allow_untrained, "threads": st.threads or None,
                "seed": 0, "device": st.device,
                # the window's analyses ask for saliency, and Grad-CAM runs on torch: warm that
                # one (analysis.py's _load_engine picks it), or Analyse would load a second
                "runtime": "torch"}

    def _start_warmup(self) -> None:
        self.statusBar().showMessage("loading the analysis engine in the background…")
        worker = EngineWarmup(self.backbones, self.backbone_args())
        worker.done.connect(lambda s, text: self.statusBar().showMessage(
            f"{text} ({s:.1f} s)", 8000))
        self._run_worker(worker)

    def _run_worker(self, worker: QThread) -> None:
        """Keep a reference until the thread ends (a running QThread must not be destroyed)."""
        self._workers.add(worker)
        worker.finished.connect(lambda w=worker: self._workers.discard(w))
        worker.start()

    # -- opening -------------------------------------------------------------------------------
    def open_video(self, path: str | Path) -> bool:
        """Open a video; any problem becomes an error dialog and the previous video stays open."""
        from semioscope.core.video import mapping_for, open_video

        path = Path(path)
        try:
            with open_video(path, allow_truncated=True) as reader:
                props = reader.properties
                mapping = mapping_for(reader, "kinect")
                times = reader.frame_times()
        except SemioscopeError as exc:
            self.show_error("Cannot open video", str(exc))
            return False
        except Exception as exc:  # noqa: BLE001 - a decoder bug must not close the window
            self.show_error("Cannot open video", f"{path.name}: {type(exc).__name__}: {exc}")
            return False
        self._close_session()
        session = VideoSession(props, mapping, times)
        self.session, self.video_path = session, path
        self.setWindowTitle(f"semioscope — {path.name}")
        self._show_video_warning(props)
        self._connect_session(session)
        self.view.set_geometry(props.width, props.height)
        self.view.set_crop(None, ("identifying video…", "not_cropped"))
        self.transport.set_video(props.frames)
        self.timeline.set_video(props.duration_s, props.fps, props.frames)
        self.timeline.set_span(*session.span)
        self.verdict.show_results(None)
        self.analysis.show_results(None)
        self.frames = FrameServer(path, mapping, props.frames)
        self.frames.frameReady.connect(self._on_frame_ready)
        self.frames.failed.connect(lambda m: self.show_error("Cannot decode video", m))
        self.frames.start()
        self.player.attach(session)
        self._on_frame_changed(0)
        hasher = HashWorker(path)
        hasher.done.connect(lambda sha, s=session: self._on_hashed(s, sha))
        hasher.failed.connect(lambda m: self.show_error("Cannot read video", m))
        self._run_worker(hasher)
        self.settings.add_recent(path)
        self._rebuild_recent()
        self._update_enabled()
        return True

    def _show_video_warning(self, props: Any) -> None:
        lines = []
        if props.truncated and props.declared_s:
            lines.append(f"TRUNCATED RECORDING: only {props.duration_s:.2f} s of the "
                         f"{props.declared_s:.2f} s its header declares are present "
                         f"({100 * props.duration_s / props.declared_s:.0f}%). Analysing it "
                         "needs your confirmation and is marked in the results.")
        if props.variable_rate:
            lines.append(f"Variable frame rate: {props.missing_frames} frames missing against "
                         f"the {props.nominal_fps:g} fps clock; frames are placed by their "
                         "timestamps.")
        self.video_warning.setText("\n".join(lines))
        self.video_warning.setVisible(bool(lines))

    def _connect_session(self, session: VideoSession) -> None:
        session.frameChanged.connect(self._on_frame_changed)
        session.cropChanged.connect(self._on_crop_changed)
        session.spanChanged.connect(lambda: self.timeline.set_span(*session.span))
        session.resultsChanged.connect(self._on_results_changed)
        for signal in (session.cropChanged, session.spanChanged):
            signal.connect(self._refresh_trust)

    def _close_session(self) -> None:
        self.player.attach(None) if hasattr(self, "player") else None
        if self.analysis.running:
            self.analysis.cancel()
        if self.frames is not None:
            self.frames.stop()
            self.frames = None
        self.undo_stack.clear()
        self.session = None

    def _on_hashed(self, session: VideoSession, sha256: str) -> None:
        if session is not self.session:
            return
        stored = session.identify(sha256)
        self._refresh_trust()    # the hash is known now: the video input can be compared
        if stored.crop is None:
            self._start_crop(session)
        self._update_enabled()

    def _start_crop(self, session: VideoSession) -> None:
        assert self.video_path is not None and session.sha256 is not None
        factory = self._detector_factory or default_detector_factory(
            self.settings.detector_weights)
        self.view.set_crop(None, ("finding the patient and bed…", "not_cropped"))
        worker = CropWorker(self.video_path, session.sha256, session.mapping, factory)
        worker.done.connect(lambda rec, s=session: self._on_crop_found(s, rec))
        worker.no_detector.connect(lambda s=session: self._full_frame(s, "no_detector_weights"))
        worker.failed.connect(lambda m, s=session: self._on_crop_failed(s, m))
        self._run_worker(worker)

    def _on_crop_found(self, session: VideoSession, record: dict[str, Any]) -> None:
        if session is self.session and session.crop is None:
            session.set_crop(sidecar.from_record(record, session.frame_size))

    def _full_frame(self, session: VideoSession, reason: str) -> None:
        if session is self.session and session.crop is None:
            p = session.properties
            session.set_crop(sidecar.full_frame(p.width, p.height, reason))

    def _on_crop_failed(self, session: VideoSession, message: str) -> None:
        self._full_frame(session, "detector_failed")
        self.show_error("Automatic crop failed", message + "\nThe full frame is used; drag the "
                        "box to set the crop.")

    # -- mirroring state -----------------------------------------------------------------------
    def _on_frame_changed(self, frame: int) -> None:
        s = self.session
        if s is None:
            return
        if self.frames is not None:
            self.frames.request(frame)
        self.transport.set_position(frame, s.n_frames, s.fps)
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

    def current_inputs(self) -> Inputs | None:
        """The inputs an Analyse now would use (None without a video)."""
        if self.session is None:
            return None
        return current_inputs(self.session, self.settings)

    def trust(self) -> Trust | None:
        """The trust rule on the shown results against what the window shows now."""
        s = self.session
        if s is None or s.results is None:
            return None
        return assess(s.results, self.current_inputs())

    def _on_results_changed(self) -> None:
        s = self.session
        results = None if s is None else s.results
        self.evidence.set_results(results, None if s is None else s.lookup)
        self.analysis.show_results(results)
        self._refresh_trust()
        self._update_enabled()

    def _refresh_trust(self) -> None:
        """Bars and verdict for the shown results, greyed when their inputs have changed."""
        s = self.session
        results = None if s is None else s.results
        trust = self.trust()
        stale = trust.reasons[-1].text if trust is not None and trust.stale else ""
        self.timeline.set_results(results, None if s is None else s.lookup, stale)
        self.verdict.show_results(results, trust)

    # -- navigation ----------------------------------------------------------------------------
    def seek(self, frame: int) -> None:
        if self.session is not None:
            self.session.set_frame(frame)

    def _step(self, frames: int) -> None:
        if self.session is not None:
            self.player.pause()
            self.seek(self.session.frame + frames)

    def act_play(self) -> None:
        self.player.toggle()

    def act_prev_frame(self) -> None:
        self._step(-1)

    def act_next_frame(self) -> None:
        self._step(1)

    def act_back_second(self) -> None:
        self._step(-int(round(self.session.fps)) if self.session else 0)

    def act_fwd_second(self) -> None:
        self._step(int(round(self.session.fps)) if self.session else 0)

    def act_first_frame(self) -> None:
        self._step(-(self.session.frame if self.session else 0))

    def act_last_frame(self) -> None:
        if self.session is not None:
            self._step(self.session.n_frames - 1 - self.session.frame)

    def act_slower(self) -> None:
        self.player.slower()

    def act_faster(self) -> None:
        self.player.faster()

    def act_reset_display(self) -> None:
        self.transport.reset_levels()

    # -- analysis ------------------------------------------------------------------------------
    def build_request(self) -> Any:
        """The engine request for the open video, its crop, span and the settings."""
        from semioscope.core.analysis import AnalysisRequest
        from semioscope.core.explain import subject_box

        s, st = self.session, self.settings
        assert s is not None and self.video_path is not None
        crop = s.crop
        full = crop is None or crop.source == "full-frame"
        onset, offset = (None, None) if s.span_is_whole_video else s.span
        pack = Path(st.classifier_path) if self.uses_pack() else None
        return AnalysisRequest(
            video=self.video_path, pack=pack,
            classifier=Path(st.classifier_path) if st.classifier_path and not pack else None,
            backbone=st.backbone,
            weights=Path(st.backbone_weights) if st.backbone_weights and not pack else None,
            crop=None if full or crop is None else crop.box,
            crop_source="full-frame" if full or crop is None else crop.source,
            crop_status="ok" if crop is None else crop.record_status,
            crop_reasons=[] if crop is None else list(crop.reasons),
            onset_s=onset, offset_s=offset, allow_untrained=st.allow_untrained,
            mapping=s.mapping.name if s.mapping.name in ("kinect", "percentile") else "kinect",
            threads=st.threads or None, device="cpu" if pack else st.device,
            first_batch=1,   # the first bar after one window's work, not a batch's
            allow_truncated=s.properties.truncated, saliency=pack is None,   # costs milliseconds; a pack has no gradients
            subject=None if crop is None or not crop.record else subject_box(crop.record))

    def act_analyse(self) -> None:
        if self.session is None or self.analysis.running:
            return
        p = self.session.properties
        if p.truncated and not dialogs.confirm(
                self, "Truncated recording",
                f"Only {p.duration_s:.2f} s of the {p.declared_s or 0:.2f} s this recording's "
                "header declares are present. Analyse only the present part? The results will "
                "say so."):
            return
        try:
            request = self.build_request()
        except SemioscopeError as exc:
            self.show_error("Cannot analyse", str(exc))
            return
        self.analysis.start(request)
        self._update_enabled()

    def act_cancel(self) -> None:
        self.analysis.cancel()

    def _on_analysis_partial(self, partial: PartialResults) -> None:
        """Bars for the windows scored so far; the kept results come back on cancel or error."""
        if self.session is not None and self.analysis.running:
            self.timeline.set_results(partial, None)

    def _on_analysis_finished(self, results: Results) -> None:
        s = self.session
        if s is None or Path(results.video.path) != self.video_path:
            return  # a run for a video that is no longer open
        s.set_results(results)
        self.statusBar().showMessage("analysis finished", 5000)

    # -- menus ---------------------------------------------------------------------------------
    def act_open(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "Open video", "", VIDEO_FILTER)
        if name:
            self.open_video(name)

    def act_export_report(self) -> None:
        if self.session is None or self.session.results is None:
            return
        try:
            from semioscope.app.report_dialog import ReportDialog
        except ImportError as exc:
            self.show_error("Export report", f"report export is not available: {exc}")
            return
        trust = self.trust()
        if trust is not None and trust.stale:
            self.show_error("Export report", "These results are stale, so no report is made: "
                            f"{trust.reasons[-1].text}.")
            return
        ReportDialog(self.session.results, self, current=self.current_inputs()).exec()

    def act_settings(self) -> None:
        dialog = dialogs.SettingsDialog(self.settings, self)
        if dialog.exec():
            self.settings = dialog.result_settings()
            try:
                self.settings.save()
            except OSError as exc:
                self.show_error("Cannot save settings", str(exc))
            self._refresh_trust()   # another classifier or backbone makes results stale
            if self._warm_engine and not self.analysis.running:
                self._start_warmup()   # the new backbone/device, loaded before Analyse

    def act_quit(self) -> None:
        self.close()

    def act_shortcuts(self) -> None:
        dialogs.ShortcutsDialog(self).exec()

    def act_about(self) -> None:
        dialogs.show_about(self)

    # -- window events -------------------------------------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt API
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt API
        urls = [u for u in event.mimeData().urls() if u.isLocalFile()]
        if urls:
            event.acceptProposedAction()
            self.open_video(urls[0].toLocalFile())

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt API
        self.analysis.shutdown()
        self._close_session()
        for worker in list(self._workers):
            if isinstance(worker, CropWorker):
                worker.cancel.cancel()
            worker.wait(30000)
        super().closeEvent(event)
