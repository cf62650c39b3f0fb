"""Crop and span edits of the review window, each pushed as an undoable command, and the crop
mirrored on the video.

A part of the review window: the shared crop handlers (app/crop_editing.py) on the open
session, the clinical span, and the undo stack they go through.
"""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QStatusBar

from semioscope.app.commands import SetSpanCommand
from semioscope.app.crop_command import CropCommand
from semioscope.app.crop_editing import CropEditing
from semioscope.app.state import VideoSession
from semioscope.app.status import show_status
from semioscope.app.video_view import VideoView
from semioscope.core.crop import editing
from semioscope.core.crop.editing import Crop


class ReviewEditing(QObject, CropEditing):
    """Owns the ``undo_stack``; edits the session it is attached to and draws its crop."""

    def __init__(self, view: VideoView, status: QStatusBar, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.view = view
        self.status = status
        self.session: VideoSession | None = None
        self.undo_stack = QUndoStack(self)
        view.cropEdited.connect(self.drag_crop)

    def attach(self, session: VideoSession | None) -> None:
        """Edit ``session`` (None: nothing open); the undo history is the open video's only."""
        self.undo_stack.clear()
        self.session = session
        if session is not None:
            self.view.set_crop(None, ("identifying video…", "not_cropped"))
            session.cropChanged.connect(self.show_crop)

    def show_crop(self) -> None:
        crop = None if self.session is None else self.session.crop
        self.view.set_crop(None if crop is None else crop.box,
                           None if crop is None else editing.badge(crop))

    # -- crop ----------------------------------------------------------------------------------
    def current_crop(self) -> Crop | None:
        return None if self.session is None else self.session.crop

    def push_crop(self, before: Crop, after: Crop, text: str, merge: bool) -> None:
        if self.session is not None:
            self.undo_stack.push(CropCommand(self.session.set_crop, before, after, text,
                                             merge=merge, target=id(self.session)))

    def crop_refused(self, message: str) -> None:
        show_status(self.status, message, 5000)

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
