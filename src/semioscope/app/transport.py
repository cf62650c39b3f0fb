"""Transport bar: play/step buttons, speed, scrub slider, time and frame, display window (in a
drop-down, so the row fits 1024 px)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QMenu,
    QSlider,
    QToolButton,
    QVBoxLayout,
    QWidget,
    QWidgetAction,
)


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
        # never cut: wide enough for an hour-long video's time and frame counter
        self.time_label.setMinimumWidth(self.time_label.fontMetrics().horizontalAdvance(
            "00:00.00 / 00:00.00  frame 000000 / 000000") + 8)
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
        buttons.addWidget(self._display_button())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.slider)
        layout.addLayout(buttons)

    def _display_button(self) -> QToolButton:
        """The display window's sliders in a drop-down: beside the time in one row they were
        cut at 1024 px (the time and frame counter with them)."""
        panel = QWidget()
        form = QFormLayout(panel)
        form.addRow("black", self.black)
        form.addRow("white", self.white)
        action = QWidgetAction(self)
        action.setDefaultWidget(panel)
        menu = QMenu(self)
        menu.addAction(action)
        self.display_button = QToolButton()
        self.display_button.setText("Display ▾")
        self.display_button.setToolTip("Brightness/contrast of the picture (display only, not "
                                       "analysed; Ctrl+0 resets)")
        self.display_button.setMenu(menu)
        self.display_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        return self.display_button

    def _level_slider(self, value: int) -> QSlider:
        slider = QSlider(Qt.Orientation.Horizontal)
        slider.setRange(0, 255)
        slider.setValue(value)
        slider.setFixedWidth(160)
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
