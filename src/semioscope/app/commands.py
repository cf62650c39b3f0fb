"""Undoable edits of the review session: each changes it through redo() and puts it back through
undo() (the crop's command, shared with the dataset window, is app/crop_command.py)."""

from __future__ import annotations

from PySide6.QtGui import QUndoCommand

from semioscope.app.state import VideoSession


class SetSpanCommand(QUndoCommand):
    """Change the clinical span (onset, offset) in seconds."""

    def __init__(self, session: VideoSession, old: tuple[float, float],
                 new: tuple[float, float], text: str = "Set clinical span") -> None:
        super().__init__(text)
        self.session, self.old, self.new = session, old, new

    def redo(self) -> None:
        self.session.set_span(*self.new)

    def undo(self) -> None:
        self.session.set_span(*self.old)
