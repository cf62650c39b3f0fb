"""Opening a video in the review window: read it (errors as a dialog, the previous video kept),
start a session, hash it off the GUI thread, restore its stored state or find its crop.

Mixed into the review window. The hash names the per-video state, so the automatic crop starts
only once the hash is known and no crop is stored; every late reply checks that its session is
still the open one.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QFileDialog

from semioscope.app.frames import FrameServer
from semioscope.app.state import VideoSession
from semioscope.app.video_facts import read_video_facts_responsively
from semioscope.app.workers import CropWorker, DetectorFactory, HashWorker, default_detector_factory
from semioscope.core.crop import sidecar
from semioscope.errors import SemioscopeError

if TYPE_CHECKING:
    from PySide6.QtCore import QThread
    from PySide6.QtGui import QAction, QUndoStack
    from PySide6.QtWidgets import QLabel, QMenu

    from semioscope.app.analysis_panel import AnalysisPanel
    from semioscope.app.playback import Player
    from semioscope.app.settings import AppSettings
    from semioscope.app.timeline import Timeline
    from semioscope.app.transport import TransportBar
    from semioscope.app.verdict import VerdictPanel
    from semioscope.app.video_view import VideoView

VIDEO_FILTER = "Videos (*.mkv *.mp4 *.avi *.mov *.npy);;All files (*)"


def unusual_video_text(props: Any) -> str:
    """What is unusual about a video, for the orange line above it ("" when nothing is)."""
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
    return "\n".join(lines)


class OpenFlow:
    """File ▸ Open, Open recent, drag and drop, and what follows an open."""

    session: VideoSession | None
    video_path: Path | None
    frames: FrameServer | None
    settings: AppSettings
    qactions: dict[str, QAction]
    menus: dict[str, QMenu]
    undo_stack: QUndoStack
    player: Player
    view: VideoView
    transport: TransportBar
    timeline: Timeline
    verdict: VerdictPanel
    analysis: AnalysisPanel
    video_warning: QLabel
    _detector_factory: DetectorFactory | None
    _cropping: VideoSession | None
    _analyse_waiting: bool

    if TYPE_CHECKING:   # supplied by the window (stubs at run time would hide Qt's own)
        def setWindowTitle(self, title: str) -> None: ...  # noqa: N802 - Qt API
        def show_error(self, title: str, message: str) -> None: ...
        def _run_worker(self, worker: QThread) -> None: ...
        def _update_enabled(self) -> None: ...
        def _refresh_trust(self) -> None: ...
        def _on_frame_changed(self, frame: int) -> None: ...
        def _on_frame_ready(self, index: int, image: Any) -> None: ...
        def _on_crop_changed(self) -> None: ...
        def _on_results_changed(self) -> None: ...
        def _on_crop_ended(self, session: VideoSession) -> None: ...

    def act_open(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "Open video", "", VIDEO_FILTER)
        if name:
            self.open_video(name)

    def open_video(self, path: str | Path) -> bool:
        """Open a video; any problem becomes an error dialog and the previous video stays open."""
        path = Path(path)
        try:
            facts = read_video_facts_responsively(path, self)
        except SemioscopeError as exc:
            self.show_error("Cannot open video", str(exc))
            return False
        except Exception as exc:  # noqa: BLE001 - a decoder bug must not close the window
            self.show_error("Cannot open video", f"{path.name}: {type(exc).__name__}: {exc}")
            return False
        self._close_session()
        props, mapping = facts.properties, facts.mapping
        session = VideoSession(props, mapping, facts.times)
        self.session, self.video_path = session, path
        self.setWindowTitle(f"semioscope — {path.name}")
        warning = unusual_video_text(props)
        self.video_warning.setText(warning)
        self.video_warning.setVisible(bool(warning))
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
        self._analyse_waiting = False
        self._cropping = None
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
        from semioscope.core.runtime.pack import is_pack

        classifier = self.settings.classifier_path
        factory = self._detector_factory or default_detector_factory(
            self.settings.detector_weights,
            classifier if classifier and is_pack(classifier) else None,  # the pack's detector
            allow_untrained=self.settings.allow_untrained)
        self.view.set_crop(None, ("finding the patient and bed…", "not_cropped"))
        worker = CropWorker(self.video_path, session.sha256, session.mapping, factory)
        worker.done.connect(lambda rec, s=session: self._on_crop_found(s, rec))
        worker.no_detector.connect(lambda s=session: self._full_frame(s, "no_detector_weights"))
        worker.failed.connect(lambda m, s=session: self._on_crop_failed(s, m))
        worker.finished.connect(lambda s=session: self._on_crop_ended(s))
        self._cropping = session
        self._run_worker(worker)

    def _on_crop_found(self, session: VideoSession, record: dict[str, Any]) -> None:
        if session is self.session and session.crop is None:
            session.set_crop(sidecar.from_record(record, session.frame_size))

    def _full_frame(self, session: VideoSession, reason: str) -> None:
        if session is self.session and session.crop is None:
            p = session.properties
            session.set_crop(sidecar.full_frame(p.width, p.height, reason))

    def _on_crop_failed(self, session: VideoSession, message: str) -> None:
        if session is self.session and self._analyse_waiting:   # not on a box nobody chose
            self._analyse_waiting = False
            self.analysis.show_waiting("automatic crop failed: set the box, then Analyse")
            self._update_enabled()
        self._full_frame(session, "detector_failed")
        self.show_error("Automatic crop failed", message + "\nThe full frame is used; drag the "
                        "box to set the crop.")

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

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt API
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt API
        urls = [u for u in event.mimeData().urls() if u.isLocalFile()]
        if urls:
            event.acceptProposedAction()
            self.open_video(urls[0].toLocalFile())
