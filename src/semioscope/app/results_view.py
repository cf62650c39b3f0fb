"""The review window's results: timeline of window bars, the verdict beside the video and the
evidence overlay under it, drawn from one session's results and the trust rule's word on them.

A part of the review window. Lanes over the timeline's score bars go in :attr:`lanes` (added
with :meth:`add_lane`), panels under the verdict in :attr:`side` (:meth:`add_side_panel`): a
vertical splitter, the verdict scrolling in its own area above them, so a panel stays in view
however long the verdict's lines are. The verdict comes first: panels get the height they ask
for up to :data:`PANEL_SHARE` of the column (at 1024 x 700 the stale verdict's headline stays in
view under the trust banner).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QFrame, QScrollArea, QSplitter, QVBoxLayout, QWidget

from semioscope.app.evidence import EvidenceOverlay
from semioscope.app.state import VideoSession
from semioscope.app.timeline import Timeline
from semioscope.app.verdict import VerdictPanel
from semioscope.app.video_view import VideoView
from semioscope.core.results import PartialResults
from semioscope.core.trust import Trust

PANEL_SHARE = 0.3   # most of the side column that the panels under the verdict may take


def _stack(*widgets: QWidget) -> tuple[QWidget, QVBoxLayout]:
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    for widget in widgets:
        layout.addWidget(widget)
    return box, layout


class ResultsView(QObject):
    """Owns ``timeline``, ``verdict`` and ``evidence``; emits ``seekRequested(frame)``."""

    seekRequested = Signal(int)

    def __init__(self, view: VideoView, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session: VideoSession | None = None
        self.timeline = Timeline()
        self.timeline.seekRequested.connect(self.seekRequested)
        self.verdict = VerdictPanel()
        self.evidence = EvidenceOverlay(view)
        # where lanes above the score bars go (top to bottom), the bars last
        self.lanes, self._lanes = _stack(self.timeline)
        # the verdict scrolls rather than cut its lines at 1024 x 700 (seen: the validation
        # line cut under the trust banner)
        column, layout = _stack(self.verdict)
        layout.addStretch(1)
        self.verdict_area = QScrollArea()
        self.verdict_area.setWidget(column)
        self.verdict_area.setWidgetResizable(True)
        self.verdict_area.setFrameShape(QFrame.Shape.NoFrame)
        self.verdict_area.setMinimumWidth(self.verdict.minimumWidth() + 16)
        self.verdict_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # where panels beside the video go, under the verdict; they do not scroll away with it
        # (seen at 1600 x 1000: a list under the wrapped verdict was below the fold)
        self.side = QSplitter(Qt.Orientation.Vertical)
        self.side.setChildrenCollapsible(False)
        self.side.addWidget(self.verdict_area)
        self.side.setStretchFactor(0, 1)
        self.side.installEventFilter(self)
        self._panels: list[QWidget] = []

    def add_lane(self, widget: QWidget) -> None:
        """A lane over the score bars (sharing their time axis is the lane's own business)."""
        self._lanes.insertWidget(self._lanes.count() - 1, widget)

    def add_side_panel(self, widget: QWidget) -> None:
        """A panel under the verdict, beside the video, at the height it asks for (its size hint,
        at most :data:`PANEL_SHARE` of the column, asked again when its layout changes or the
        column is resized); the person can move the divide in between."""
        self.side.addWidget(widget)
        self.side.setStretchFactor(self.side.count() - 1, 0)
        self._panels.append(widget)
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if (watched is self.side and event.type() == QEvent.Type.Resize) or (
                watched in self._panels and event.type() == QEvent.Type.LayoutRequest):
            QTimer.singleShot(0, self._share_side)
        return False

    def _share_side(self) -> None:
        total = sum(self.side.sizes())
        if total <= 0 or not self._panels:
            return
        wants = [min(p.sizeHint().height(), int(total * PANEL_SHARE)) for p in self._panels]
        self.side.setSizes([total - sum(wants), *wants])

    def act_evidence(self) -> None:
        """The evidence key: the heat map on or off (when the results have maps)."""
        if self.evidence.toggle.isEnabled():
            self.evidence.toggle.toggle()

    def attach(self, session: VideoSession | None) -> None:
        """Show ``session``'s video (its span, no results yet); None: nothing open."""
        self.session = session
        if session is None:
            return
        p = session.properties
        self.timeline.set_video(p.duration_s, p.fps, p.frames)
        self.timeline.set_span(*session.span)
        session.spanChanged.connect(lambda: self.timeline.set_span(*session.span))
        self.verdict.show_results(None)

    def follow(self, frame: int, seconds: float) -> None:
        """The current frame moved: the timeline's cursor and the evidence follow it."""
        self.timeline.set_time(seconds)
        self.evidence.set_frame(frame)

    def show_partial(self, partial: PartialResults) -> None:
        """Bars for the windows scored so far, while a run goes on."""
        self.timeline.set_results(partial, None)

    def show_results(self, trust: Trust | None) -> None:
        """The session's results (the maps reloaded), greyed by ``trust`` when stale."""
        s = self.session
        self.evidence.set_results(None if s is None else s.results,
                                  None if s is None else s.lookup)
        self.show_trust(trust)

    def show_trust(self, trust: Trust | None) -> None:
        """Bars, verdict and evidence for the shown results, greyed when their inputs changed."""
        s = self.session
        results = None if s is None else s.results
        stale = trust.reasons[-1].text if trust is not None and trust.stale else ""
        self.timeline.set_results(results, None if s is None else s.lookup, stale)
        self.evidence.set_stale(stale)
        self.verdict.show_results(results, trust)
