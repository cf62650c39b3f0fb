"""Playback clock: advances one frame per tick, only once the current frame has been shown.

Waiting for the shown frame keeps playback frame-exact (every frame is displayed, none skipped);
when decoding cannot keep up, playback slows down instead of showing stale frames.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from semioscope.app.state import VideoSession

SPEEDS = (0.125, 0.25, 0.5, 1.0, 2.0, 4.0)


class Player(QObject):
    playingChanged = Signal(bool)
    speedChanged = Signal(float)

    def __init__(self, is_shown: Callable[[int], bool], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._is_shown = is_shown
        self.session: VideoSession | None = None
        self.speed = 1.0
        self.timer = QTimer(self)
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.timeout.connect(self._tick)

    @property
    def playing(self) -> bool:
        return self.timer.isActive()

    def attach(self, session: VideoSession | None) -> None:
        self.pause()
        self.session = session

    def play(self) -> None:
        if self.session is None or self.playing:
            return
        if self.session.frame >= self.session.n_frames - 1:
            self.session.set_frame(0)
        self._restart_timer()
        self.playingChanged.emit(True)

    def pause(self) -> None:
        if self.playing:
            self.timer.stop()
            self.playingChanged.emit(False)

    def toggle(self) -> None:
        self.pause() if self.playing else self.play()

    def set_speed(self, speed: float) -> None:
        self.speed = min(max(speed, SPEEDS[0]), SPEEDS[-1])
        if self.playing:
            self._restart_timer()
        self.speedChanged.emit(self.speed)

    def faster(self) -> None:
        self.set_speed(next((s for s in SPEEDS if s > self.speed), SPEEDS[-1]))

    def slower(self) -> None:
        self.set_speed(next((s for s in reversed(SPEEDS) if s < self.speed), SPEEDS[0]))

    def _restart_timer(self) -> None:
        assert self.session is not None
        self.timer.start(max(1, int(round(1000.0 / (self.session.fps * self.speed)))))

    def _tick(self) -> None:
        session = self.session
        if session is None:
            self.pause()
            return
        if not self._is_shown(session.frame):
            return  # wait for the decoder: never run ahead of what is on screen
        if session.frame >= session.n_frames - 1:
            self.pause()
            return
        session.set_frame(session.frame + 1)
