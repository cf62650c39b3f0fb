"""Moving through the open video and showing it: frames decoded off the GUI thread, the
transport row, playback, frame and second steps, display levels.

A part of the review window with its own state (the frame server, the player); every step
pauses playback first, so a key press always lands on the frame it names.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction

from semioscope.app.frames import FrameServer
from semioscope.app.playback import Player
from semioscope.app.state import VideoSession
from semioscope.app.transport import TransportBar
from semioscope.app.video_view import VideoView


class Navigation(QObject):
    """Owns ``view``, ``transport``, ``player`` and the frame server of the open video.

    Emits ``frameShown(frame, seconds)`` whenever the current frame changes, for the parts that
    follow the time (timeline cursor, evidence), and ``decodeFailed(message)``.
    """

    frameShown = Signal(int, float)
    decodeFailed = Signal(str)

    def __init__(self, actions: dict[str, QAction], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session: VideoSession | None = None
        self.frames: FrameServer | None = None
        self.view = VideoView()
        self.transport = TransportBar(actions)
        self.transport.seek.connect(self.seek)
        self.transport.levels.connect(self.view.set_levels)
        self.player = Player(lambda frame: self.view.shown_frame == frame, self)
        self.player.playingChanged.connect(self.transport.set_playing)
        self.player.speedChanged.connect(self.transport.set_speed)

    # -- the open video ------------------------------------------------------------------------
    def attach(self, session: VideoSession, path: Path) -> None:
        """Show ``session`` from its first frame, decoding ``path`` in a thread."""
        self.detach()
        self.session = session
        p = session.properties
        self.view.set_geometry(p.width, p.height)
        self.transport.set_video(p.frames)
        self.frames = FrameServer(path, session.mapping, p.frames)
        self.frames.frameReady.connect(self._on_frame_ready)
        self.frames.failed.connect(self.decodeFailed)
        self.frames.start()
        self.player.attach(session)
        session.frameChanged.connect(self._on_frame_changed)
        self._on_frame_changed(0)

    def detach(self) -> None:
        self.player.attach(None)
        if self.frames is not None:
            self.frames.stop()
            self.frames = None
        self.session = None

    def _on_frame_changed(self, frame: int) -> None:
        s = self.session
        if s is None:
            return
        if self.frames is not None:
            self.frames.request(frame)
        self.transport.set_position(frame, s.n_frames, s.time_of(frame),
                                    s.time_of(max(s.n_frames - 1, 0)))
        self.frameShown.emit(frame, s.time_of(frame))

    def _on_frame_ready(self, index: int, image: np.ndarray) -> None:
        if self.session is not None and index == self.session.frame:
            self.view.show_frame(index, image)

    # -- the keys (app/actions.py) ------------------------------------------------------------
    def seek(self, frame: int) -> None:
        if self.session is not None:
            self.session.set_frame(frame)

    def _step(self, frames: int) -> None:
        if self.session is not None:
            self.player.pause()
            self.seek(self.session.frame + frames)

    def act_play(self) -> None:
        self.player.toggle()

    def act_prev_frame(self) -> None:
        self._step(-1)

    def act_next_frame(self) -> None:
        self._step(1)

    def act_back_second(self) -> None:
        self._step(-int(round(self.session.fps)) if self.session else 0)

    def act_fwd_second(self) -> None:
        self._step(int(round(self.session.fps)) if self.session else 0)

    def act_first_frame(self) -> None:
        self._step(-(self.session.frame if self.session else 0))

    def act_last_frame(self) -> None:
        if self.session is not None:
            self._step(self.session.n_frames - 1 - self.session.frame)

    def act_slower(self) -> None:
        self.player.slower()

    def act_faster(self) -> None:
        self.player.faster()

    def act_reset_display(self) -> None:
        self.transport.reset_levels()
