"""Undoable edits: each changes the session through redo() and puts it back through undo()."""

from __future__ import annotations

from PySide6.QtGui import QUndoCommand

from semioscope.app.state import VideoSession
from semioscope.core.crop.editing import Crop

NUDGE_ID = 1001


class SetCropCommand(QUndoCommand):
    """Replace the crop; consecutive keyboard nudges merge into one undo step."""

    def __init__(self, session: VideoSession, old: Crop | None, new: Crop,
                 text: str = "Edit crop", merge: bool = False) -> None:
        super().__init__(text)
        self.session, self.old, self.new, self._merge = session, old, new, merge

    def redo(self) -> None:
        self.session.set_crop(self.new)

    def undo(self) -> None:
        self.session.set_crop(self.old)

    def id(self) -> int:
        return NUDGE_ID if self._merge else -1

    def mergeWith(self, other: QUndoCommand) -> bool:  # noqa: N802 - Qt API
        if not isinstance(other, SetCropCommand) or not other._merge:
            return False
        self.new = other.new
        return True


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
