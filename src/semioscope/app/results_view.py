"""The review window's results: timeline of window bars, the verdict beside the video and the
evidence overlay under it, drawn from one session's results and the trust rule's word on them.

A part of the review window. Lanes over the timeline's score bars go in :attr:`lanes` (added
with :meth:`add_lane`), panels under the verdict in :attr:`side` (:meth:`add_side_panel`): a
vertical splitter, the verdict scrolling in its own area above them, so a panel stays in view
however long the verdict's lines are.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QFrame, QScrollArea, QSplitter, QVBoxLayout, QWidget

from semioscope.app.evidence import EvidenceOverlay
from semioscope.app.state import VideoSession
from semioscope.app.timeline import Timeline
from semioscope.app.verdict import VerdictPanel
from semioscope.app.video_view import VideoView
from semioscope.core.results import PartialResults
from semioscope.core.trust import Trust


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
        self.side.setStretchFactor(0, 2)

    def add_lane(self, widget: QWidget) -> None:
        """A lane over the score bars (sharing their time axis is the lane's own business)."""
        self._lanes.insertWidget(self._lanes.count() - 1, widget)

    def add_side_panel(self, widget: QWidget) -> None:
        """A panel under the verdict, beside the video; when the window grows or shrinks the
        verdict's area changes twice as much as the panel (the person can move the divide)."""
        self.side.addWidget(widget)
        self.side.setStretchFactor(self.side.count() - 1, 1)

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
