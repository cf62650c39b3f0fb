"""Transport bar: play/step buttons, speed, scrub slider, time and frame, display window."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSlider, QToolButton, QVBoxLayout, QWidget


def format_time(seconds: float) -> str:
    minutes, secs = divmod(max(seconds, 0.0), 60.0)
    return f"{int(minutes):02d}:{secs:05.2f}"


class TransportBar(QWidget):
    """Mirrors frame, speed and playing state; emits ``seek(frame)`` and ``levels(black, white)``."""

    seek = Signal(int)
    levels = Signal(int, int)

    def __init__(self, actions: dict[str, QAction], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.slider.setRange(0, 0)
        self.slider.valueChanged.connect(self.seek)
        self.time_label = QLabel("--:--.-- / --:--.--  frame – / –")
        self.time_label.setStyleSheet("font-family:monospace;")
        self.speed_label = QLabel("1×")
        self.black = self._level_slider(0)
        self.white = self._level_slider(255)
        buttons = QHBoxLayout()
        for key, text in (("back_second", "−1 s"), ("prev_frame", "◀|"), ("play", "▶"),
                          ("next_frame", "|▶"), ("fwd_second", "+1 s"), ("slower", "slower"),
                          ("faster", "faster")):
            button = QToolButton()
            button.setDefaultAction(actions[key])
            button.setText(text)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            buttons.addWidget(button)
            if key == "play":
                self.play_button = button
        buttons.addWidget(self.speed_label)
        buttons.addSpacing(12)
        buttons.addWidget(self.time_label)
        buttons.addStretch(1)
        buttons.addWidget(QLabel("display  black"))
        buttons.addWidget(self.black)
        buttons.addWidget(QLabel("white"))
        buttons.addWidget(self.white)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.slider)
        layout.addLayout(buttons)

    def _level_slider(self, value: int) -> QSlider:
        slider = QSlider(Qt.Orientation.Horizontal)
        slider.setRange(0, 255)
        slider.setValue(value)
        slider.setFixedWidth(90)
        slider.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        slider.setToolTip("Display window (brightness/contrast) — display only, not analysed")
        slider.valueChanged.connect(lambda _v: self.levels.emit(self.black.value(),
                                                                self.white.value()))
        return slider

    def reset_levels(self) -> None:
        self.black.setValue(0)
        self.white.setValue(255)

    def set_video(self, n_frames: int) -> None:
        self.slider.blockSignals(True)
        self.slider.setRange(0, max(n_frames - 1, 0))
        self.slider.setValue(0)
        self.slider.blockSignals(False)

    def set_position(self, frame: int, n_frames: int, seconds: float, last_s: float) -> None:
        """``seconds``/``last_s``: presentation times of this and the last frame (a variable-rate
        video's are not ``frame / fps``)."""
        self.slider.blockSignals(True)
        self.slider.setValue(frame)
        self.slider.blockSignals(False)
        total = max(n_frames - 1, 0)
        self.time_label.setText(f"{format_time(seconds)} / {format_time(last_s)}  "
                                f"frame {frame} / {total}")

    def set_speed(self, speed: float) -> None:
        self.speed_label.setText(f"{speed:g}×")

    def set_playing(self, playing: bool) -> None:
        self.play_button.setText("❚❚" if playing else "▶")
