"""Crop and span edits of the review window, each pushed as an undoable command."""

from __future__ import annotations

from PySide6.QtGui import QUndoStack

from semioscope.app.commands import SetCropCommand, SetSpanCommand
from semioscope.app.crop_editing import CropEditing
from semioscope.app.state import VideoSession
from semioscope.core.crop.editing import Crop


class EditingMixin(CropEditing):
    """The review window's edits: the shared crop handlers on its session, and the span."""

    session: VideoSession | None
    undo_stack: QUndoStack

    # -- crop ----------------------------------------------------------------------------------
    def current_crop(self) -> Crop | None:
        return None if self.session is None else self.session.crop

    def push_crop(self, before: Crop, after: Crop, text: str, merge: bool) -> None:
        if self.session is not None:
            self.undo_stack.push(SetCropCommand(self.session, before, after, text, merge))

    # -- clinical span -----------------------------------------------------------------------
    def _push_span(self, onset: float, offset: float, text: str) -> None:
        session = self.session
        if session is None or (onset, offset) == session.span:
            return
        self.undo_stack.push(SetSpanCommand(session, session.span, (onset, offset), text))

    def act_set_onset(self) -> None:
        if self.session is None:
            return
        s = self.session
        onset = s.time_of(s.frame)
        offset = s.span[1] if s.span[1] > onset else s.properties.duration_s
        self._push_span(onset, offset, "Set onset")

    def act_set_offset(self) -> None:
        if self.session is None:
            return
        s = self.session
        offset = min(s.time_of(s.frame + 1), s.properties.duration_s)
        onset = s.span[0] if s.span[0] < offset else 0.0
        self._push_span(onset, offset, "Set offset")

    def act_reset_span(self) -> None:
        if self.session is not None:
            self._push_span(0.0, self.session.properties.duration_s, "Span = whole video")
