"""Moving through the open video: frame and second steps, first/last, play speed, display levels.

Mixed into the review window (it supplies ``session``, ``player`` and ``transport``); every step
pauses playback first, so a key press always lands on the frame it names.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from semioscope.app.playback import Player
    from semioscope.app.state import VideoSession
    from semioscope.app.transport import TransportBar


class Navigation:
    """The review window's navigation ``act_*`` handlers (keys from app/actions.py)."""

    session: VideoSession | None
    player: Player
    transport: TransportBar

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
