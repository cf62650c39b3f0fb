"""The one undoable crop edit, for the review window and the dataset window alike.

Each window says how a crop is applied (the review window sets it on the open session, which
saves the review state; the dataset window writes it through the project store, audited) and
what it belongs to; the command does the rest: ``redo()`` applies the crop after, ``undo()`` the
one before, and consecutive keyboard nudges of the same target merge into one undo step.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable

from PySide6.QtGui import QUndoCommand

from semioscope.core.crop.editing import Crop

NUDGE_ID = 1001


class CropCommand(QUndoCommand):
    """Set a crop through ``apply``; merges with the next nudge of the same ``target``."""

    def __init__(self, apply: Callable[[Crop | None], None], before: Crop | None, after: Crop,
                 text: str = "Edit crop", *, merge: bool = False,
                 target: Hashable = None) -> None:
        super().__init__(text)
        self.apply, self.before, self.after = apply, before, after
        self.target, self._merge = target, merge

    def redo(self) -> None:
        self.apply(self.after)

    def undo(self) -> None:
        self.apply(self.before)

    def id(self) -> int:
        return NUDGE_ID if self._merge else -1

    def mergeWith(self, other: QUndoCommand) -> bool:  # noqa: N802 - Qt API
        if (not isinstance(other, CropCommand) or not other._merge
                or other.target != self.target):
            return False
        self.after = other.after
        return True
