"""Status-bar messages that fit beside the permanent disclaimer.

QStatusBar paints a long temporary message straight over its permanent widgets (the red
"Research Use Only" line), so both become unreadable. Messages are elided to the free width;
the whole text is the status bar's tooltip.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QStatusBar, QWidget

MARGIN_PX = 24


def free_width(bar: QStatusBar) -> int:
    """The width left of the first visible permanent widget (the whole bar without one)."""
    children = bar.findChildren(QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly)
    lefts = [w.x() for w in children if w.isVisible() and w.x() > 0]
    return max(0, min(lefts, default=bar.width()) - MARGIN_PX)


def show_status(bar: QStatusBar, text: str, timeout_ms: int = 0) -> None:
    """``bar.showMessage`` with the text elided to fit; the full text stays in the tooltip."""
    shown = bar.fontMetrics().elidedText(text, Qt.TextElideMode.ElideRight, free_width(bar))
    bar.setToolTip(text if shown != text else "")
    bar.showMessage(shown, timeout_ms)
