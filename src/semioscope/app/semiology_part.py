"""The review window's semiology part: what the patient does, marked at the playhead.

A part of the review window like the others: it owns the lane (placed above the score bars with
``results.add_lane``), the sequence list (under the verdict with ``results.add_side_panel``) and,
while a video is open, the editor that keeps them in step with the session. The window calls
:meth:`attach` on ``opening.opened`` and :meth:`detach` on ``opening.closing``; the action table's
``mark_sign`` row (key E) lands on :meth:`act_mark_sign`. Edits go on the window's undo stack;
events never touch the analysis inputs, so they never make results stale.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QLabel, QStatusBar, QVBoxLayout, QWidget

from semioscope.app.semiology_edit import SemiologyEditor
from semioscope.app.semiology_lane import SemiologyLane
from semioscope.app.semiology_list import SemiologyList
from semioscope.app.state import VideoSession
from semioscope.app.timeline import Timeline
from semioscope.core.semiology.events import SemiologyEvent


class SemiologyPart(QObject):
    """Owns ``lane``, ``sequence`` (in ``panel``) and the open video's ``editor``.

    Emits ``seekRequested(frame)`` when a sign is clicked in the lane or the list, and
    ``marking()`` just before the picker opens (the window pauses playback on it).
    """

    seekRequested = Signal(int)
    marking = Signal()

    def __init__(self, timeline: Timeline, undo_stack: QUndoStack, host: QWidget,
                 status: QStatusBar, parent: QObject | None = None) -> None:
        """``host``: the window the picker opens over and gives the keys back to."""
        super().__init__(parent)
        self.undo_stack, self.host, self.status = undo_stack, host, status
        self.lane = SemiologyLane()
        self.lane.link_to(timeline)
        self.sequence = SemiologyList()
        self.panel = QWidget()
        layout = QVBoxLayout(self.panel)
        layout.setContentsMargins(0, 4, 0, 0)
        # wrapped: an unwrapped label is as wide as its text and would widen (and cut) the
        # column beside the video (seen at 1600 x 1000 under Xvfb)
        title = QLabel("<b>Semiology</b> · E: mark a sign")
        title.setWordWrap(True)
        layout.addWidget(title)
        layout.addWidget(self.sequence, 1)
        self.sequence.hide()    # until there is a sign: the verdict above keeps the room
        self.editor: SemiologyEditor | None = None

    @property
    def session(self) -> VideoSession | None:
        return None if self.editor is None else self.editor.session

    @property
    def events(self) -> tuple[SemiologyEvent, ...]:
        return () if self.editor is None else self.editor.session.events

    def attach(self, session: VideoSession) -> None:
        """Show and edit ``session``'s events (those stored for it arrive when it is hashed)."""
        self.detach()
        self.editor = SemiologyEditor(session, self.undo_stack, self.lane, self.sequence,
                                      seek_seconds=self._seek_seconds, parent_widget=self.host)
        session.eventsChanged.connect(self._show_list)
        self._show_list()

    def detach(self) -> None:
        """Let go of the session: its signals no longer reach the lane and the list."""
        editor, self.editor = self.editor, None
        if editor is not None:
            session = editor.session
            for signal in (session.eventsChanged, session.spanChanged):
                signal.disconnect(editor.refresh)
            session.eventsChanged.disconnect(self._show_list)
            for widget in (self.lane, self.sequence):
                for name in ("seekRequested", "deleteRequested", "signSelected"):
                    getattr(widget, name).disconnect()
            self.lane.moveRequested.disconnect()
            if editor.picker is not None and editor.picker.isVisible():
                editor.picker.reject()
            editor.deleteLater()
        self.lane.set_events(())
        self.sequence.set_events((), None)
        self.sequence.hide()

    def _show_list(self) -> None:
        self.sequence.setVisible(bool(self.events))

    def _seek_seconds(self, seconds: float) -> None:
        session = self.session
        if session is not None:
            self.seekRequested.emit(session.frame_of(seconds))

    def act_mark_sign(self) -> None:
        """E: open the picker at the playhead, or end the interval waiting for its end."""
        if self.editor is None:
            return
        if self.editor.session.sha256 is None:
            # events are saved under the video's hash: a sign marked before it is known would
            # be kept only until the stored state arrives
            self.status.showMessage("Still reading the video (its hash): mark signs in a "
                                    "moment, once they can be saved with it", 5000)
            return
        self.marking.emit()
        self.editor.mark_key()
