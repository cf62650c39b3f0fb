"""The crop ``act_*`` handlers, one implementation for the review and the dataset window.

Each handler computes the next :class:`~semioscope.core.crop.editing.Crop` with a pure function
of ``core/crop/editing.py`` and hands it to the window's :meth:`push_crop`, which wraps it in that
window's undo command (the review window's saves the sidecar, the dataset window's the project).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QUndoStack

from semioscope.app.status import show_status
from semioscope.core.crop import editing
from semioscope.core.crop.editing import Crop
from semioscope.core.geometry import Box
from semioscope.errors import SemioscopeError


class CropEditing:
    """The crop keys on whatever has an ``undo_stack`` (the dataset window, the review window's
    editing part); each supplies the three methods below."""

    undo_stack: QUndoStack

    # -- what each window supplies ---------------------------------------------------------------
    def current_crop(self) -> Crop | None:
        """The crop on screen (``None``: nothing to edit, or the window is read-only)."""
        raise NotImplementedError

    def push_crop(self, before: Crop, after: Crop, text: str, merge: bool) -> None:
        """Push the window's undo command that stores ``after`` (and ``before`` on undo)."""
        raise NotImplementedError

    def crop_refused(self, message: str) -> None:
        """An edit that cannot be made (no box yet…): say so without a dialog."""
        show_status(self.statusBar(), message, 5000)  # type: ignore[attr-defined]

    # -- the edits ---------------------------------------------------------------------------------
    def apply_crop_edit(self, make: Callable[[Crop], Crop], text: str,
                        merge: bool = False) -> None:
        crop = self.current_crop()
        if crop is None:
            return
        try:
            after = make(crop)
        except SemioscopeError as exc:
            self.crop_refused(str(exc))
            return
        if after == crop:   # Enter on a box already accepted, a nudge at the frame's edge
            self.crop_refused(f"{text}: nothing to change (the box stays as it is)")
            return
        self.push_crop(crop, after, text, merge)

    def drag_crop(self, box: Box) -> None:
        """A drag or resize of the box with the mouse ended: that box becomes the correction."""
        self.apply_crop_edit(lambda c: editing.with_box(c, box), "Drag crop")

    def act_nudge_crop(self, dx: int, dy: int, dw: int, dh: int) -> None:
        text = "Resize crop" if (dw or dh) else "Move crop"
        self.apply_crop_edit(lambda c: editing.nudged(c, dx, dy, dw, dh), text, merge=True)

    def act_accept_crop(self) -> None:
        self.apply_crop_edit(editing.accepted, "Accept crop")

    def act_reset_crop(self) -> None:
        self.apply_crop_edit(editing.reset, "Reset crop to automatic")

    def act_undo(self) -> None:
        self.undo_stack.undo()

    def act_redo(self) -> None:
        self.undo_stack.redo()
