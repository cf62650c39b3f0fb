"""The undoable semiology edits: each replaces the session's whole event tuple (small), so
undo is exact whatever the edit was (mark, end an interval, move, delete)."""

from __future__ import annotations

from PySide6.QtGui import QUndoCommand

from semioscope.app.state import VideoSession
from semioscope.core.semiology.events import SemiologyEvent


class SetEventsCommand(QUndoCommand):
    def __init__(self, session: VideoSession, old: tuple[SemiologyEvent, ...],
                 new: tuple[SemiologyEvent, ...], text: str) -> None:
        super().__init__(text)
        self.session, self.old, self.new = session, old, new

    def redo(self) -> None:
        self.session.set_events(self.new)

    def undo(self) -> None:
        self.session.set_events(self.old)
