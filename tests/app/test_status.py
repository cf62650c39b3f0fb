"""Status messages never run under the permanent disclaimer."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QMainWindow

from semioscope.app.status import free_width, show_status

LONG = ("analysis engine not loaded (no weights: run `semioscope models fetch i3d` or pass "
        "--weights PATH (or --allow-untrained for a smoke test)) (5.4 s)")


def test_a_long_message_is_elided_before_the_disclaimer(qtbot) -> None:
    window = QMainWindow()
    qtbot.addWidget(window)
    bar = window.statusBar()
    disclaimer = QLabel("For Research Use Only. Not for use in diagnostic procedures.")
    bar.addPermanentWidget(disclaimer)
    window.resize(900, 300)
    window.show()
    qtbot.waitExposed(window)
    show_status(bar, LONG)
    shown = bar.currentMessage()
    assert shown != LONG and shown.endswith("…")
    assert bar.fontMetrics().horizontalAdvance(shown) <= disclaimer.x() - 6
    assert bar.toolTip() == LONG
    show_status(bar, "analysis finished")
    assert bar.currentMessage() == "analysis finished" and bar.toolTip() == ""
    assert free_width(bar) < disclaimer.x()
