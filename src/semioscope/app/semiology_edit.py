"""Marking semiology in the review window: the picker at the playhead, the lane and the list kept
in step with the session, every edit one step on the window's undo stack.

The marking key (E) opens the picker at the playhead; Enter marks a point event there,
Shift+Enter starts an interval, and the next press of E ends it at the playhead then. Moving
(drag on the lane) and deleting (Delete in the lane or the list) are undoable too. Events are saved
with the review state at once and never touch the analysis (no result goes stale).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QWidget

from semioscope.app.event_picker import EventPicker, Picked
from semioscope.app.semiology_commands import SetEventsCommand
from semioscope.app.semiology_lane import SemiologyLane
from semioscope.app.semiology_list import SemiologyList
from semioscope.app.state import VideoSession
from semioscope.core.project.lock import current_user
from semioscope.core.semiology.events import SemiologyEvent
from semioscope.core.semiology.usage import count_use, load_usage
from semioscope.core.semiology.vocabulary import Vocabulary, load_vocabulary


class SemiologyEditor(QObject):
    """Wires one session's events to a lane, a list and an undo stack."""

    pickerOpened = Signal(object)     # the EventPicker, for tests and the status bar

    def __init__(self, session: VideoSession, undo_stack: QUndoStack, lane: SemiologyLane,
                 sequence: SemiologyList, *, seek_seconds: Callable[[float], None],
                 parent_widget: QWidget | None = None, vocabulary: Vocabulary | None = None,
                 reviewer: str | None = None) -> None:
        super().__init__(parent_widget)
        self.session, self.undo_stack = session, undo_stack
        self.lane, self.sequence = lane, sequence
        self.vocabulary = vocabulary or load_vocabulary()
        self.reviewer = reviewer if reviewer is not None else current_user()
        self.parent_widget = parent_widget
        self.open_interval: str | None = None     # id of an interval waiting for its end
        self.picker: EventPicker | None = None
        session.eventsChanged.connect(self.refresh)
        session.spanChanged.connect(self.refresh)
        lane.seekRequested.connect(seek_seconds)
        sequence.seekRequested.connect(seek_seconds)
        lane.moveRequested.connect(self.move)
        lane.deleteRequested.connect(self.delete)
        sequence.deleteRequested.connect(self.delete)
        lane.signSelected.connect(sequence.select)
        sequence.signSelected.connect(lane.select)
        self.refresh()

    @property
    def now_s(self) -> float:
        return self.session.time_of(self.session.frame)

    def refresh(self) -> None:
        events = self.session.events
        self.lane.set_events(events)
        self.sequence.set_events(events, self.session.span[0], self.lane.selected)

    def _push(self, new: tuple[SemiologyEvent, ...], text: str) -> None:
        self.undo_stack.push(SetEventsCommand(self.session, self.session.events, new, text))

    # -- the marking key -----------------------------------------------------------------------
    def mark_key(self) -> None:
        """E: end the open interval here, or open the picker at the playhead."""
        if self.open_interval is not None:
            self.end_interval(self.now_s)
            return
        at = self.now_s
        self.picker = EventPicker(self.vocabulary, load_usage(), f"{at:.1f} s",
                                  self.parent_widget)
        self.picker.accepted.connect(lambda picker=self.picker, at=at: self._picked(picker, at))
        self.picker.finished.connect(self._give_back_focus)
        self.picker.open()
        self.pickerOpened.emit(self.picker)

    def _give_back_focus(self) -> None:
        """The keys go to the window again (the picker closed; some window managers, and none
        at all, leave the focus nowhere)."""
        if self.parent_widget is not None:
            window = self.parent_widget.window()
            window.activateWindow()
            window.setFocus()

    def _picked(self, picker: EventPicker, at: float) -> None:
        if picker.picked is not None:
            self.mark(picker.picked, at)

    def mark(self, picked: Picked, at_s: float) -> SemiologyEvent:
        event = SemiologyEvent(onset_s=at_s, term=picked.term, laterality=picked.laterality,
                               body_part=picked.body_part, note=picked.note,
                               reviewer=self.reviewer)
        self._push((*self.session.events, event), f"Mark {picked.term}")
        count_use(picked.term)
        self.open_interval = event.id if picked.interval else None
        return event

    def end_interval(self, at_s: float) -> None:
        event_id, self.open_interval = self.open_interval, None
        events = self.session.events
        self._push(tuple(e.ended(at_s) if e.id == event_id else e for e in events),
                   "End interval")

    # -- lane and list edits -------------------------------------------------------------------
    def move(self, event_id: str, onset_s: float) -> None:
        self._push(tuple(e.moved(onset_s) if e.id == event_id else e
                         for e in self.session.events), "Move sign")

    def delete(self, event_id: str) -> None:
        if self.open_interval == event_id:
            self.open_interval = None
        self._push(tuple(e for e in self.session.events if e.id != event_id), "Delete sign")

    def set_note(self, event_id: str, note: str) -> None:
        self._push(tuple(replace(e, note=note) if e.id == event_id else e
                         for e in self.session.events), "Edit note")
