"""A keyboard user can see where the focus is: the ring is drawn, in pixels, around the focused
control, and every focusable control of the review and project windows gets it (issue #27)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QHBoxLayout, QPushButton, QScrollArea, QWidget

from semioscope.app.focus_ring import OUTSIDE, install_focus_ring
from tests.app.conftest import wait_until
from tests.app.test_dataset_review import make
from tests.app.test_dataset_window_text import project  # noqa: F401 - the project fixture
from tests.app.test_main_window import open_and_crop


def pixels(image: QImage) -> np.ndarray:
    image = image.convertToFormat(QImage.Format.Format_RGB888)
    row = image.bytesPerLine()
    data = np.frombuffer(image.constBits(), np.uint8, row * image.height())
    return data.reshape(image.height(), row)[:, :image.width() * 3].reshape(
        image.height(), image.width(), 3).astype(int)


def border(rect: QRect, image: np.ndarray) -> np.ndarray:
    """The pixels of the frame from OUTSIDE px outside ``rect`` to its own edge."""
    x0, y0 = rect.left() - OUTSIDE, rect.top() - OUTSIDE
    x1, y1 = rect.right() + OUTSIDE, rect.bottom() + OUTSIDE
    mask = np.zeros(image.shape[:2], bool)
    mask[y0:y1 + 1, x0:x1 + 1] = True
    mask[y0 + OUTSIDE + 1:y1 - OUTSIDE, x0 + OUTSIDE + 1:x1 - OUTSIDE] = False
    return image[mask]


def focus(qtbot, widget: QWidget) -> None:
    widget.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is widget, timeout=3000)
    QApplication.processEvents()


def test_a_focused_button_is_outlined_in_pixels_an_unfocused_one_is_not(qtbot) -> None:
    install_focus_ring()
    box = QWidget()
    qtbot.addWidget(box)
    layout = QHBoxLayout(box)
    first, second = QPushButton("Analyse"), QPushButton("Show evidence")
    layout.addWidget(first)
    layout.addWidget(second)
    box.resize(320, 60)
    box.show()
    box.activateWindow()
    qtbot.waitUntil(box.isActiveWindow, timeout=5000)
    focus(qtbot, first)
    unfocused = border(second.geometry(), pixels(box.grab().toImage()))
    focus(qtbot, second)
    focused = border(second.geometry(), pixels(box.grab().toImage()))
    changed = np.abs(focused - unfocused).max(axis=1) > 100     # a strong change, not a tint
    assert changed.mean() > 0.5, f"only {changed.mean():.0%} of the border changed"


def _focusable(window: QWidget) -> list[QWidget]:
    return [w for w in window.findChildren(QWidget)
            if w.isVisible() and w.isEnabled() and not w.isWindow() and w.focusProxy() is None
            and w.focusPolicy() & Qt.FocusPolicy.TabFocus]


def _scroll_area_of(widget: QWidget) -> QScrollArea | None:
    parent = widget.parentWidget()
    while parent is not None and not isinstance(parent, QScrollArea):
        parent = parent.parentWidget()
    return parent


def _every_control_gets_the_ring(qtbot, window: QWidget) -> int:
    install_focus_ring()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)
    controls = _focusable(window)
    for widget in controls:
        focus(qtbot, widget)
        area = _scroll_area_of(widget)
        if area is not None:      # what Tab does (QScrollArea.focusNextPrevChild): scroll to it
            area.ensureWidgetVisible(widget)
            QApplication.processEvents()
        ring = install_focus_ring()     # the one ring (made again when a closed window took it)
        assert ring.target is widget and ring.isVisible(), type(widget).__name__
        assert ring.parentWidget() is window
        where = QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())
        assert ring.geometry().contains(where), type(widget).__name__   # all around it
    return len(controls)


def test_every_control_of_the_review_window_shows_the_ring(qtbot, make_window, video,
                                                           monkeypatch) -> None:
    import semioscope.core.analysis as engine
    from tests.app.test_analysis_gui import FakeEngine

    monkeypatch.setattr(engine, "analyze", FakeEngine([0.2, 0.8, 0.9]))
    window = make_window()
    window.resize(1280, 800)
    session = open_and_crop(qtbot, window, video)
    window.analysis_control.act_analyse()
    wait_until(qtbot, lambda: session.results is not None and not window.analysis.running)
    assert _every_control_gets_the_ring(qtbot, window) >= 4


def test_every_control_of_the_project_window_shows_the_ring(qtbot, project: Path) -> None:  # noqa: F811
    window = make(qtbot, project)
    window.resize(1280, 800)
    assert _every_control_gets_the_ring(qtbot, window) >= 3


def test_the_ring_survives_its_window_being_deleted(qtbot) -> None:
    install_focus_ring()
    box = QWidget()
    button = QPushButton("gone soon", box)
    box.show()
    box.activateWindow()
    qtbot.waitUntil(box.isActiveWindow, timeout=5000)
    focus(qtbot, button)
    assert install_focus_ring().parentWidget() is box
    box.deleteLater()            # the ring goes with it (a child of the button's parent) ...
    qtbot.waitUntil(lambda: QApplication.focusWidget() is None, timeout=3000)
    other = QWidget()
    qtbot.addWidget(other)
    second = QPushButton("next", other)
    other.show()
    other.activateWindow()
    qtbot.waitUntil(other.isActiveWindow, timeout=5000)
    focus(qtbot, second)         # ... and a new one follows the focus
    assert install_focus_ring().target is second
