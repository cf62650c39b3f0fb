"""The review window's widgets and where they sit: video and transport over the timeline and
the analysis panel, the verdict beside the video, banners above, the disclaimer below.

Mixed into the review window; it builds and connects the widgets, and owns no state of its own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QLabel, QSplitter, QVBoxLayout, QWidget

from semioscope import DISCLAIMER
from semioscope.app.analysis_banner import AnalysisBanner
from semioscope.app.analysis_panel import AnalysisPanel
from semioscope.app.evidence import EvidenceOverlay
from semioscope.app.styles import BANNER_STYLE, WARNING_STYLE
from semioscope.app.timeline import Timeline
from semioscope.app.transport import TransportBar
from semioscope.app.verdict import VerdictPanel
from semioscope.app.video_view import VideoView

if TYPE_CHECKING:
    from PySide6.QtGui import QAction
    from PySide6.QtWidgets import QStatusBar

    from semioscope.core.geometry import Box
    from semioscope.core.inference.backbone_cache import BackboneCache
    from semioscope.core.results import PartialResults, Results



def _note(text: str, style: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setStyleSheet(style)
    if not text:
        label.setVisible(False)   # hidden until there is something to say
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


class ReviewLayout:
    """``_build_ui`` makes ``view``, ``transport``, ``timeline``, ``verdict``, ``analysis``,
    ``evidence``, ``banner``, ``video_warning`` and ``disclaimer``."""

    qactions: dict[str, QAction]
    backbones: BackboneCache
    _banner_text: str | None

    if TYPE_CHECKING:   # supplied by the window (stubs at run time would hide Qt's own)
        def statusBar(self) -> QStatusBar: ...  # noqa: N802 - Qt API
        def setCentralWidget(self, widget: QWidget) -> None: ...  # noqa: N802 - Qt API
        def show_error(self, title: str, message: str) -> None: ...
        def seek(self, frame: int) -> None: ...
        def drag_crop(self, box: Box) -> None: ...
        def _on_analysis_finished(self, results: Results) -> None: ...
        def _on_analysis_partial(self, partial: PartialResults) -> None: ...
        def _on_results_changed(self) -> None: ...
        def _update_enabled(self) -> None: ...
        def act_settings_at(self, setting: str) -> None: ...

    def _build_ui(self) -> None:
        self._build_widgets()
        self.evidence = EvidenceOverlay(self.view)
        left = _column((self.view, 1), (self.evidence, 0), (self.transport, 0))
        bottom = _column((self.timeline, 1), (self.analysis, 0))
        split = _split(_split(left, self.verdict, (4, 1)), bottom, (5, 2), vertical=True)
        self.banner = _note(self._banner_text or "", BANNER_STYLE)
        self.video_warning = _note("", WARNING_STYLE)  # what is unusual (truncated, VFR)
        self.analysis_banner = AnalysisBanner()       # cannot analyse / untrained, and why
        self.analysis_banner.fix.connect(self.act_settings_at)
        self.setCentralWidget(_column((self.banner, 0), (self.analysis_banner, 0),
                                      (self.video_warning, 0), (split, 1),
                                      margins=(6, 6, 6, 0)))
        self.disclaimer = QLabel(DISCLAIMER)
        self.disclaimer.setStyleSheet("color:#b71c1c;font-weight:bold;padding:0 6px;")
        self.statusBar().addPermanentWidget(self.disclaimer)

    def _build_widgets(self) -> None:
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
