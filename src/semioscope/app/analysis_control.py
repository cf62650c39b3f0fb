"""The review window's analysis: the engine request from what the window shows, the run, its
bars as they come, the trust rule on the results, report export and the settings that feed them.

A part of the review window that owns the analysis panel (Analyse, progress, Cancel), the banner
that says before any run whether Analyse can run, the loaded backbone, and an Analyse waiting
for the automatic crop. The request is built from the session (crop, span, mapping) and the
settings only, so what Analyse runs is what the screen shows; the trust rule is asked again
whenever an input changes, which greys results made with other inputs.
"""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QStatusBar, QWidget

from semioscope.app import dialogs
from semioscope.app.analysis_banner import AnalysisBanner
from semioscope.app.analysis_panel import AnalysisPanel
from semioscope.app.dialogs import ErrorSink
from semioscope.app.opening import Opening
from semioscope.app.readiness import readiness
from semioscope.app.results_view import ResultsView
from semioscope.app.settings import AppSettings
from semioscope.app.staleness import current_inputs, review_request, uses_pack
from semioscope.app.state import VideoSession
from semioscope.app.status import show_status
from semioscope.app.worker_pool import WorkerPool
from semioscope.app.workers import EngineWarmup
from semioscope.core.analysis import AnalysisRequest
from semioscope.core.inference.backbone_cache import BackboneCache
from semioscope.core.results import Inputs, PartialResults, Results
from semioscope.core.trust import Trust, assess
from semioscope.errors import SemioscopeError


class AnalysisControl(QObject):
    """Analyse / Cancel / Export report / Settings; emits ``stateChanged`` when a run starts,
    ends or waits, and ``settingsChanged`` after File ▸ Settings."""

    stateChanged = Signal()
    settingsChanged = Signal()

    def __init__(self, window: QWidget, settings: AppSettings, actions: dict[str, QAction],
                 opening: Opening, results: ResultsView, workers: WorkerPool,
                 status: QStatusBar, warm_engine: bool = True,
                 show_error: ErrorSink | None = None) -> None:
        super().__init__(window)
        self.window, self.settings, self.opening = window, settings, opening
        # every error dialog through the window's (the self-test collects them there)
        self.show_error: ErrorSink = show_error or (lambda t, m: dialogs.show_error(window, t, m))
        self.results, self.workers, self.status = results, workers, status
        self.backbones = BackboneCache()   # one loaded backbone for the whole session
        self.warm_engine = warm_engine     # also reload after the settings change
        self.waiting = False   # Analyse pressed during the auto-crop: runs after it
        self.panel = AnalysisPanel(actions, backbones=self.backbones)
        self.banner = AnalysisBanner()     # cannot analyse / untrained, and why
        self.banner.fix.connect(self.act_settings_at)
        self.panel.finished.connect(self._on_finished)
        self.panel.partial.connect(self._on_partial)
        self.panel.failed.connect(lambda m: self.show_error("Analysis failed", m))
        for signal in (self.panel.failed, self.panel.cancelled):
            signal.connect(lambda *_: self.show_results())   # back to the kept results
        for signal in (self.panel.finished, self.panel.failed, self.panel.cancelled):
            signal.connect(lambda *_: self.stateChanged.emit())
        opening.closing.connect(self._on_closing)
        opening.identified.connect(lambda _s: self.refresh_trust())
        opening.cropStarted.connect(lambda _s: self.stateChanged.emit())
        opening.cropFailed.connect(self._on_crop_failed)
        opening.cropEnded.connect(lambda _s: self.run_waiting())
        self.refresh_readiness()

    @property
    def session(self) -> VideoSession | None:
        return self.opening.session

    @property
    def running(self) -> bool:
        return self.panel.running

    def attach(self, session: VideoSession) -> None:
        """A new open video: no results shown until its state is read."""
        self.panel.show_results(None)
        session.resultsChanged.connect(self.show_results)
        session.cropChanged.connect(self._on_crop_changed)
        session.spanChanged.connect(self.refresh_trust)

    def _on_closing(self) -> None:
        if self.panel.running:
            self.panel.cancel()
        self.waiting = False

    def uses_pack(self) -> bool:
        """Whether the settings' classifier is a model pack (OpenVINO, no torch)."""
        return uses_pack(self.settings)

    def backbone_args(self) -> dict[str, Any]:
        """What :meth:`BackboneCache.get` needs, from the settings (as the request uses them)."""
        st = self.settings
        return {"name": st.backbone, "weights": st.backbone_weights or None,
                "allow_untrained": st.allow_untrained, "threads": st.threads or None,
                "seed": 0, "device": st.device,
                # what the request's runtime (auto: OpenVINO on the CPU where installed) loads;
                # its IR gives Grad-CAM's map too, so the analyses with saliency use it as well
                "runtime": "auto", "precision": st.precision}

    def start_warmup(self) -> None:
        show_status(self.status, "loading the analysis engine in the background…")
        worker = EngineWarmup(self.backbones, self.backbone_args())
        worker.notice.connect(lambda text: show_status(self.status, f"{text}…"))
        worker.done.connect(lambda s, text: show_status(self.status, f"{text} ({s:.1f} s)",
                                                        8000))
        self.workers.run(worker)

    def build_request(self) -> AnalysisRequest:
        """The engine request for the open video, its crop, span and the settings."""
        video = self.opening.video_path
        assert self.session is not None and video is not None
        return review_request(video, self.session, self.settings)

    def act_analyse(self) -> None:
        if self.session is None or self.panel.running:
            return
        if self.opening.auto_crop_running():
            # never the full frame by accident, and the detector keeps both cores meanwhile:
            # the analysis starts by itself once the crop is found (or set by hand)
            self.waiting = True
            self.panel.show_waiting("waiting for the automatic crop, then analysing…")
            self.stateChanged.emit()
            return
        p = self.session.properties
        if p.truncated and not dialogs.confirm(
                self.window, "Truncated recording",
                f"Only {p.duration_s:.2f} s of the {p.declared_s or 0:.2f} s this recording's "
                "header declares are present. Analyse only the present part? The results will "
                "say so."):
            return
        try:
            request = self.build_request()
        except SemioscopeError as exc:
            self.show_error("Cannot analyse", str(exc))
            return
        self.panel.start(request)
        self.stateChanged.emit()

    def act_cancel(self) -> None:
        if self.waiting:
            self.waiting = False
            self.panel.show_waiting("")
            self.stateChanged.emit()
        self.panel.cancel()

    def _on_crop_changed(self) -> None:
        self.refresh_trust()
        if self.session is not None and self.session.crop is not None:
            self.run_waiting()

    def _on_crop_failed(self, _session: VideoSession, _message: str) -> None:
        if self.waiting:   # not on a box nobody chose
            self.waiting = False
            self.panel.show_waiting("automatic crop failed: set the box, then Analyse")
            self.stateChanged.emit()

    def run_waiting(self) -> None:
        """An Analyse pressed while the detector ran starts once the crop is there."""
        if self.waiting and not self.opening.auto_crop_running():
            self.waiting = False
            self.act_analyse()

    def _on_partial(self, partial: PartialResults) -> None:
        """Bars for the windows scored so far; the kept results come back on cancel or error."""
        if self.session is not None and self.panel.running:
            self.results.show_partial(partial)

    def _on_finished(self, results: Results) -> None:
        s = self.session
        if s is None or Path(results.video.path) != self.opening.video_path:
            return  # a run for a video that is no longer open
        s.set_results(results)
        show_status(self.status, "analysis finished", 5000)

    def current_inputs(self) -> Inputs | None:
        """The inputs an Analyse now would use (None without a video)."""
        video = self.opening.video_path
        if self.session is None or video is None:
            return None
        return current_inputs(video, self.session, self.settings)

    def trust(self) -> Trust | None:
        """The trust rule on the shown results against what the window shows now."""
        s = self.session
        if s is None or s.results is None:
            return None
        return assess(s.results, self.current_inputs())

    def show_results(self) -> None:
        """The session's results (new, restored, or kept after a failed run) on screen."""
        s = self.session
        self.panel.show_results(None if s is None else s.results)
        self.results.show_results(self.trust())
        self.stateChanged.emit()

    def refresh_trust(self) -> None:
        """Bars and verdict for the shown results, greyed when their inputs have changed."""
        self.results.show_trust(self.trust())

    def refresh_readiness(self) -> None:
        """The banner's "cannot analyse …" / "untrained …", for the settings in force."""
        self.banner.show_readiness(readiness(self.settings))

    def act_export_report(self) -> None:
        if self.session is None or self.session.results is None:
            return
        try:
            from semioscope.app.report_dialog import ReportDialog
        except ImportError as exc:
            self.show_error("Export report",
                               f"report export is not available: {exc}")
            return
        trust = self.trust()
        if trust is not None and trust.stale:
            self.show_error("Export report", "These results are stale, so no "
                               f"report is made: {trust.reasons[-1].text}.")
            return
        ReportDialog(self.session.results, self.window, current=self.current_inputs(),
                     reads=self.files_read()).exec()

    def files_read(self) -> list[tuple[str, str | Path | None]]:
        """The files besides the video that the window reads: a save never replaces them."""
        from semioscope.core.video_state import state_path

        st, s = self.settings, self.session
        return [("classifier or model pack", st.classifier_path or None),
                ("backbone weights", st.backbone_weights or None),
                ("review state", None if s is None or not s.sha256 else state_path(s.sha256)),
                ("settings file", AppSettings.path())]

    def act_settings(self) -> None:
        self.act_settings_at("")

    def act_settings_at(self, setting: str) -> None:
        """File ▸ Settings, with ``setting`` (a field name, "" for none) focused."""
        dialog = dialogs.SettingsDialog(self.settings, self.window, focus=setting)
        if not dialog.exec():
            return
        chosen = dialog.result_settings()
        for field in fields(AppSettings):   # in place: every part holds this one object
            setattr(self.settings, field.name, getattr(chosen, field.name))
        try:
            self.settings.save()
        except OSError as exc:
            self.show_error("Cannot save settings", str(exc))
        self.refresh_trust()   # another classifier or backbone makes results stale
        self.refresh_readiness()
        self.settingsChanged.emit()
        if self.warm_engine and not self.panel.running:
            self.start_warmup()   # the new backbone/device, loaded before Analyse
