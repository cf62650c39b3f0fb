"""The review window's analysis: the engine request from what the window shows, the run, its
bars as they come, the trust rule on the results, report export and the settings that feed them.

Mixed into the review window. The request is built from the session (crop, span, mapping) and
the settings only, so what Analyse runs is what the screen shows; the trust rule is asked again
whenever an input changes, which greys results made with other inputs.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from semioscope.app import dialogs
from semioscope.app.readiness import readiness
from semioscope.app.staleness import current_inputs, review_request, uses_pack
from semioscope.app.status import show_status
from semioscope.app.workers import EngineWarmup
from semioscope.core.analysis import AnalysisRequest
from semioscope.core.results import Inputs, PartialResults, Results
from semioscope.core.trust import Trust, assess
from semioscope.errors import SemioscopeError

if TYPE_CHECKING:
    from PySide6.QtCore import QThread
    from PySide6.QtWidgets import QStatusBar

    from semioscope.app.analysis_banner import AnalysisBanner
    from semioscope.app.analysis_panel import AnalysisPanel
    from semioscope.app.evidence import EvidenceOverlay
    from semioscope.app.settings import AppSettings
    from semioscope.app.state import VideoSession
    from semioscope.app.timeline import Timeline
    from semioscope.app.verdict import VerdictPanel
    from semioscope.core.inference.backbone_cache import BackboneCache


class AnalysisControl:
    """Analyse / Cancel / Export report / Settings, and the results' trust on screen."""

    session: VideoSession | None
    video_path: Path | None
    settings: AppSettings
    backbones: BackboneCache
    analysis: AnalysisPanel
    timeline: Timeline
    verdict: VerdictPanel
    evidence: EvidenceOverlay
    analysis_banner: AnalysisBanner
    _warm_engine: bool
    _cropping: VideoSession | None
    _analyse_waiting: bool

    if TYPE_CHECKING:   # supplied by the window (stubs at run time would hide Qt's own)
        def statusBar(self) -> QStatusBar: ...  # noqa: N802 - Qt API
        def show_error(self, title: str, message: str) -> None: ...
        def _run_worker(self, worker: QThread) -> None: ...
        def _update_enabled(self) -> None: ...

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
                "runtime": "auto"}

    def _start_warmup(self) -> None:
        show_status(self.statusBar(), "loading the analysis engine in the background…")
        worker = EngineWarmup(self.backbones, self.backbone_args())
        worker.notice.connect(lambda text: show_status(self.statusBar(), f"{text}…"))
        worker.done.connect(lambda s, text: show_status(self.statusBar(), f"{text} ({s:.1f} s)",
                                                        8000))
        self._run_worker(worker)

    def build_request(self) -> AnalysisRequest:
        """The engine request for the open video, its crop, span and the settings."""
        assert self.session is not None and self.video_path is not None
        return review_request(self.video_path, self.session, self.settings)

    def act_analyse(self) -> None:
        if self.session is None or self.analysis.running:
            return
        if self._auto_crop_running():
            # never the full frame by accident, and the detector keeps both cores meanwhile:
            # the analysis starts by itself once the crop is found (or set by hand)
            self._analyse_waiting = True
            self.analysis.show_waiting("waiting for the automatic crop, then analysing…")
            self._update_enabled()
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
        if self._analyse_waiting:
            self._analyse_waiting = False
            self.analysis.show_waiting("")
            self._update_enabled()
        self.analysis.cancel()

    def _auto_crop_running(self) -> bool:
        return (self.session is not None and self.session.crop is None
                and self._cropping is self.session)

    def _on_crop_ended(self, session: VideoSession) -> None:
        """The detector's thread is done (its result, if any, was delivered before)."""
        if self._cropping is session:
            self._cropping = None
            self._run_waiting_analysis()

    def _run_waiting_analysis(self) -> None:
        """An Analyse pressed while the detector ran starts once the crop is there."""
        if self._analyse_waiting and not self._auto_crop_running():
            self._analyse_waiting = False
            self.act_analyse()

    def _on_analysis_partial(self, partial: PartialResults) -> None:
        """Bars for the windows scored so far; the kept results come back on cancel or error."""
        if self.session is not None and self.analysis.running:
            self.timeline.set_results(partial, None)

    def _on_analysis_finished(self, results: Results) -> None:
        s = self.session
        if s is None or Path(results.video.path) != self.video_path:
            return  # a run for a video that is no longer open
        s.set_results(results)
        show_status(self.statusBar(), "analysis finished", 5000)

    def current_inputs(self) -> Inputs | None:
        """The inputs an Analyse now would use (None without a video)."""
        if self.session is None or self.video_path is None:
            return None
        return current_inputs(self.video_path, self.session, self.settings)

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
        self.evidence.set_stale(stale)
        self.verdict.show_results(results, trust)

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

    def refresh_readiness(self) -> None:
        """The banner's "cannot analyse …" / "untrained …", for the settings in force."""
        self.analysis_banner.show_readiness(readiness(self.settings))

    def act_settings(self) -> None:
        self.act_settings_at("")

    def act_settings_at(self, setting: str) -> None:
        """File ▸ Settings, with ``setting`` (a field name, "" for none) focused."""
        dialog = dialogs.SettingsDialog(self.settings, self, focus=setting)
        if dialog.exec():
            self.settings = dialog.result_settings()
            try:
                self.settings.save()
            except OSError as exc:
                self.show_error("Cannot save settings", str(exc))
            self._refresh_trust()   # another classifier or backbone makes results stale
            self.refresh_readiness()
            if self._warm_engine and not self.analysis.running:
                self._start_warmup()   # the new backbone/device, loaded before Analyse
