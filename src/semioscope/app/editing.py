"""Crop and span edits of the main window, each pushed as an undoable command."""

from __future__ import annotations

from PySide6.QtGui import QUndoStack

from semioscope.app.commands import SetCropCommand, SetSpanCommand
from semioscope.app.state import VideoSession
from semioscope.core.geometry import Box

NUDGE_PX = 4


def clamp_box(box: Box, width: int, height: int, min_size: int = 8) -> Box:
    """Keep a box inside the frame and at least ``min_size`` pixels on a side."""
    w = min(max(box.w, min_size), width)
    h = min(max(box.h, min_size), height)
    x = min(max(box.x, 0), width - w)
    y = min(max(box.y, 0), height - h)
    return Box(x, y, w, h)


class EditingMixin:
    """``act_*`` handlers for crop nudges, crop reset and the clinical span."""

    session: VideoSession | None
    undo_stack: QUndoStack

    # -- crop --------------------------------------------------------------------------------
    def edit_crop(self, box: Box, text: str = "Move crop", merge: bool = False) -> None:
        """Apply a new crop box (from a drag, a nudge or a test) as one undoable step."""
        session = self.session
        if session is None or session.crop is None:
            return
        props = session.properties
        box = clamp_box(box, props.width, props.height)
        if box == session.crop.box and session.crop.source == "manual":
            return
        new = session.crop.with_manual_box(box)
        self.undo_stack.push(SetCropCommand(session, session.crop, new, text, merge))

    def _nudge(self, dx: int, dy: int, dw: int, dh: int) -> None:
        if self.session is None or self.session.crop is None:
            return
        b = self.session.crop.box
        text = "Resize crop" if (dw or dh) else "Move crop"
        self.edit_crop(Box(b.x + dx, b.y + dy, b.w + dw, b.h + dh), text, merge=True)

    def act_crop_left(self) -> None:
        self._nudge(-NUDGE_PX, 0, 0, 0)

    def act_crop_right(self) -> None:
        self._nudge(NUDGE_PX, 0, 0, 0)

    def act_crop_up(self) -> None:
        self._nudge(0, -NUDGE_PX, 0, 0)

    def act_crop_down(self) -> None:
        self._nudge(0, NUDGE_PX, 0, 0)

    def act_crop_narrower(self) -> None:
        self._nudge(0, 0, -NUDGE_PX, 0)

    def act_crop_wider(self) -> None:
        self._nudge(0, 0, NUDGE_PX, 0)

    def act_crop_shorter(self) -> None:
        self._nudge(0, 0, 0, -NUDGE_PX)

    def act_crop_taller(self) -> None:
        self._nudge(0, 0, 0, NUDGE_PX)

    def act_reset_crop(self) -> None:
        session = self.session
        if session is None or session.crop is None:
            return
        reset = session.crop.reset()
        if reset != session.crop:
            self.undo_stack.push(SetCropCommand(session, session.crop, reset,
                                                "Reset crop to automatic"))

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

    def act_undo(self) -> None:
        self.undo_stack.undo()

    def act_redo(self) -> None:
        self.undo_stack.redo()
