"""Opening a video in the review window: read it (errors as a dialog, the previous video kept),
start a session, hash it off the GUI thread, restore its stored state or find its crop.

A part of the review window that owns the open session and the recent-files menu. The hash
names the per-video state, so the automatic crop starts only once the hash is known and no crop
is stored; every late reply checks that its session is still the open one. The other parts
follow through its signals: ``opened(session, path)``, ``closing()``, ``identified(session)``
(the hash is known), ``cropFailed(session, message)`` and ``cropEnded(session)``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QFileDialog, QMenu, QWidget

from semioscope.app import dialogs
from semioscope.app.dialogs import ErrorSink
from semioscope.app.settings import AppSettings
from semioscope.app.state import VideoSession
from semioscope.app.status import show_status
from semioscope.app.video_facts import OpenCancelled, read_video_facts_responsively
from semioscope.app.worker_pool import WorkerPool
from semioscope.app.workers import CropWorker, DetectorFactory, HashWorker, default_detector_factory
from semioscope.core.crop import sidecar
from semioscope.errors import SemioscopeError

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


class Opening(QObject):
    """File ▸ Open, Open recent, drag and drop, and what follows an open: owns ``session``."""

    opened = Signal(object, object)        # (VideoSession, Path)
    closing = Signal()
    identified = Signal(object)            # VideoSession: its hash (and stored state) known
    cropStarted = Signal(object)           # VideoSession: the detector looks for the patient
    cropFailed = Signal(object, str)       # (VideoSession, message), before the full frame
    cropEnded = Signal(object)             # VideoSession: the detector's thread is done

    def __init__(self, window: QWidget, settings: AppSettings, workers: WorkerPool,
                 file_menu: QMenu, before: QAction,
                 detector_factory: DetectorFactory | None = None,
                 show_error: ErrorSink | None = None) -> None:
        """``window``: where dialogs and the title go; the recent menu sits in ``file_menu``
        above ``before``."""
        super().__init__(window)
        self.window = window
        # every error dialog through the window's (the self-test collects them there)
        self.show_error: ErrorSink = show_error or (lambda t, m: dialogs.show_error(window, t, m))
        self.settings = settings
        self.workers = workers
        self.detector_factory = detector_factory
        self.session: VideoSession | None = None
        self.video_path: Path | None = None
        self.cropping: VideoSession | None = None   # the session whose auto-crop runs
        self.reading: Path | None = None            # the video being read, until it opens
        self._file_menu, self._before = file_menu, before
        self.recent_menu: QMenu | None = None
        self.rebuild_recent()

    def act_open(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self.window, "Open video", "", VIDEO_FILTER)
        if name:
            self.open_video(name)

    def open_video(self, path: str | Path) -> bool:
        """Open a video; any problem becomes an error dialog and the previous video stays open,
        as it does when the person cancels a slow open (False then too)."""
        path = Path(path)
        if self.reading is not None:   # a second open while the first still reads: refused
            return False
        self.reading = path
        try:
            facts = read_video_facts_responsively(path, self.window, keep=self.workers.adopt)
        except OpenCancelled:
            bar = getattr(self.window, "statusBar", None)
            if bar is not None:
                show_status(bar(), f"Opening {path.name} cancelled"
                            + ("; the previous video stays open" if self.session else ""), 10000)
            return False
        except SemioscopeError as exc:
            self.show_error("Cannot open video", str(exc))
            return False
        except Exception as exc:  # noqa: BLE001 - a decoder bug must not close the window
            self.show_error("Cannot open video",
                               f"{path.name}: {type(exc).__name__}: {exc}")
            return False
        finally:
            self.reading = None
        self.close_session()
        session = VideoSession(facts.properties, facts.mapping, facts.times)
        self.session, self.video_path = session, path
        self.window.setWindowTitle(f"semioscope — {path.name}")
        self.opened.emit(session, path)
        hasher = HashWorker(path)
        hasher.done.connect(lambda sha, s=session: self._on_hashed(s, sha))
        hasher.failed.connect(lambda m: self.show_error("Cannot read video", m))
        self.workers.run(hasher)
        self.settings.add_recent(path)
        self.rebuild_recent()
        return True

    def close_session(self) -> None:
        """The parts let go of the open session (a run for it is cancelled)."""
        if self.session is not None:
            self.closing.emit()
        self.cropping = None
        self.session = None

    def auto_crop_running(self) -> bool:
        return (self.session is not None and self.session.crop is None
                and self.cropping is self.session)

    def _on_hashed(self, session: VideoSession, sha256: str) -> None:
        if session is not self.session:
            return
        stored = session.identify(sha256)
        self.identified.emit(session)    # the hash is known now: the video input can be compared
        if stored.crop is None:
            self._start_crop(session)

    def _start_crop(self, session: VideoSession) -> None:
        assert self.video_path is not None and session.sha256 is not None
        from semioscope.core.runtime.pack import is_pack

        classifier = self.settings.classifier_path
        factory = self.detector_factory or default_detector_factory(
            self.settings.detector_weights,
            classifier if classifier and is_pack(classifier) else None,  # the pack's detector
            allow_untrained=self.settings.allow_untrained)
        worker = CropWorker(self.video_path, session.sha256, session.mapping, factory)
        worker.done.connect(lambda rec, s=session: self._on_crop_found(s, rec))
        worker.no_detector.connect(lambda s=session: self._full_frame(s, "no_detector_weights"))
        worker.failed.connect(lambda m, s=session: self._on_crop_failed(s, m))
        worker.finished.connect(lambda s=session: self._on_crop_ended(s))
        self.cropping = session
        self.cropStarted.emit(session)
        self.workers.run(worker)

    def _on_crop_found(self, session: VideoSession, record: dict[str, Any]) -> None:
        if session is self.session and session.crop is None:
            session.set_crop(sidecar.from_record(record, session.frame_size))

    def _full_frame(self, session: VideoSession, reason: str) -> None:
        if session is self.session and session.crop is None:
            p = session.properties
            session.set_crop(sidecar.full_frame(p.width, p.height, reason))

    def _on_crop_failed(self, session: VideoSession, message: str) -> None:
        if session is self.session:
            self.cropFailed.emit(session, message)   # a waiting Analyse stops first
        self._full_frame(session, "detector_failed")
        self.show_error("Automatic crop failed", message + "\nThe full frame "
                           "is used; drag the box to set the crop.")

    def _on_crop_ended(self, session: VideoSession) -> None:
        """The detector's thread is done (its result, if any, was delivered before)."""
        if self.cropping is session:
            self.cropping = None
            self.cropEnded.emit(session)

    def rebuild_recent(self) -> None:
        if self.recent_menu is not None:
            self._file_menu.removeAction(self.recent_menu.menuAction())
        menu = self.recent_menu = QMenu("Open &recent", self._file_menu)
        self._file_menu.insertMenu(self._before, menu)
        for path in self.settings.recent:
            action = menu.addAction(path)
            action.triggered.connect(lambda _c=False, p=path: self.open_video(p))
        menu.setEnabled(bool(self.settings.recent))

    def drag_enter(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def drop(self, event: QDropEvent) -> None:
        urls = [u for u in event.mimeData().urls() if u.isLocalFile()]
        if urls:
            event.acceptProposedAction()
            self.open_video(urls[0].toLocalFile())
