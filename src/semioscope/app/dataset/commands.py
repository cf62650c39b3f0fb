"""Undoable crop edits on a project: each writes through the store at once (no Save button).

``redo()`` writes the new crop state, ``undo()`` writes the state from before; both are ordinary
audited store writes, so undoing is itself on the audit trail. Consecutive keyboard nudges of
one video merge into one undo step.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from PySide6.QtGui import QUndoCommand

from semioscope.core.crop.editing import Crop
from semioscope.core.project import ProjectStore, VideoRow
from semioscope.errors import SemioscopeError

NUDGE_ID = 2001


class CropEditCommand(QUndoCommand):
    """Set one video's crop state; ``changed`` receives the row as stored after each write."""

    def __init__(self, store: ProjectStore, video_id: int, before: Crop, after: Crop,
                 text: str, changed: Callable[[VideoRow], None],
                 failed: Callable[[str], None], merge: bool = False) -> None:
        super().__init__(text)
        self.store, self.video_id = store, video_id
        self.before, self.after = before, after
        self._changed, self._failed, self._merge = changed, failed, merge

    def _write(self, crop: Crop) -> None:
        # Qt swallows exceptions raised inside redo()/undo(): report them instead
        try:
            self._changed(self.store.write_crop(self.video_id, crop))
        except (SemioscopeError, sqlite3.Error) as exc:
            self._failed(f"not saved: {exc}")

    def redo(self) -> None:
        self._write(self.after)

    def undo(self) -> None:
        self._write(self.before)

    def id(self) -> int:
        return NUDGE_ID if self._merge else -1

    def mergeWith(self, other: QUndoCommand) -> bool:  # noqa: N802 - Qt API
        if (not isinstance(other, CropEditCommand) or not other._merge
                or other.video_id != self.video_id):
            return False
        self.after = other.after
        return True
