"""A focus ring that can be seen: one overlay, drawn around whichever control has keyboard focus.

The Fusion and offscreen styles mark focus with a faint 1-px tint that a person working from
the keyboard cannot find. Instead of a stylesheet per widget type (which replaces the native
look of buttons, combos and sliders), :func:`install_focus_ring` follows the application's
focus and draws a two-tone rectangle (dark blue outside, white inside: visible on the light
window and on the dark video alike) just around the focused widget. One place, every window.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPoint, QRect, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QApplication, QWidget
from shiboken6 import isValid

#: the ring's colours and sizes (px); OUTSIDE is how far it reaches beyond the widget
RING_COLOUR = QColor("#0b57d0")
INNER_COLOUR = QColor("#ffffff")
RING_WIDTH = 2
OUTSIDE = 2


class FocusRing(QWidget):
    """The overlay: a child of the focused widget's window (a child of a QSplitter would become
    one of its panes), stacked above everything in it, mouse-transparent, following the widget
    and each of its parents as they move."""

    def __init__(self) -> None:
        super().__init__(None)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setAttribute(Qt.WidgetAttribute.WA_NoSystemBackground)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.target: QWidget | None = None
        self._watched: list[QWidget] = []
        self.hide()

    def follow(self, widget: QWidget | None) -> None:
        """Draw around ``widget`` (None or a window itself: draw nothing)."""
        for watched in self._watched:
            if isValid(watched):
                watched.removeEventFilter(self)
        self._watched = []
        if widget is None or widget.isWindow():
            self.target = None
            self.hide()
            return
        self.target = widget
        chain = widget
        while chain is not None and not chain.isWindow():
            chain.installEventFilter(self)
            self._watched.append(chain)
            chain = chain.parentWidget()
        widget.destroyed.connect(self._gone)
        window = widget.window()
        if self.parentWidget() is not window:
            self.setParent(window)
        self._place()

    def _gone(self, *_: object) -> None:
        self.target = None
        self._watched = []
        self.hide()

    def _place(self) -> None:
        widget, window = self.target, self.parentWidget()
        if widget is None or window is None or not widget.isVisible():
            self.hide()
            return
        area = _in(window, widget).adjusted(-OUTSIDE, -OUTSIDE, OUTSIDE, OUTSIDE)
        parent = widget.parentWidget()
        while parent is not None and parent is not window:   # scrolled out of view: cut off
            area = area.intersected(_in(window, parent).adjusted(-OUTSIDE, -OUTSIDE,
                                                                 OUTSIDE, OUTSIDE))
            parent = parent.parentWidget()
        self.setGeometry(area)
        self.show()
        self.raise_()
        self.update()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if watched in self._watched and event.type() in (
                QEvent.Type.Move, QEvent.Type.Resize, QEvent.Type.Show, QEvent.Type.Hide,
                QEvent.Type.ZOrderChange, QEvent.Type.ParentChange):
            self._place()
        return False

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt's name)
        painter = QPainter(self)
        outer = QRect(0, 0, self.width(), self.height())
        half = RING_WIDTH // 2
        painter.setPen(QPen(RING_COLOUR, RING_WIDTH))
        painter.drawRect(outer.adjusted(half, half, -half - 1 + RING_WIDTH % 2,
                                        -half - 1 + RING_WIDTH % 2))
        painter.setPen(QPen(INNER_COLOUR, 1))
        painter.drawRect(outer.adjusted(RING_WIDTH, RING_WIDTH, -RING_WIDTH - 1,
                                        -RING_WIDTH - 1))
        painter.end()


class _Keeper(QObject):
    """Holds the ring; makes a new one when Qt deleted the old with a closed window."""

    def __init__(self, app: QApplication) -> None:
        super().__init__(app)
        self.ring = FocusRing()
        app.focusChanged.connect(self._changed)

    def _changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        self.alive().follow(new)

    def alive(self) -> FocusRing:
        if not isValid(self.ring):
            self.ring = FocusRing()
        return self.ring


def _in(window: QWidget, widget: QWidget) -> QRect:
    """``widget``'s rectangle in ``window``'s coordinates."""
    return QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())


def install_focus_ring(app: QApplication | None = None) -> FocusRing:
    """Start drawing the ring (the first call; later ones only return it); windows call this."""
    app = app or QApplication.instance()  # type: ignore[assignment]
    if app is None:
        raise RuntimeError("install_focus_ring needs a QApplication")
    keeper = app.findChild(_Keeper)
    if keeper is None:
        keeper = _Keeper(app)
        keeper.ring.follow(app.focusWidget())
    return keeper.alive()
