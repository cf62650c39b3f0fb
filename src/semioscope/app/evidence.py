"""The evidence overlay: the heat map of the window under the cursor, drawn on the video.

A toggle and an opacity slider under the video. The maps are the analysis' saliency (Grad-CAM
per window, ``core/explain``), stored beside the results; this widget only looks them up by the
window under the current frame and hands the placed map to the video view, which draws it over
the crop box it covers in source-frame coordinates.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QSlider, QWidget

from semioscope.app.elided_label import ElidedLabel
from semioscope.core.explain import SaliencySet, saliency_for_results
from semioscope.core.results import Results
from semioscope.errors import SemioscopeError

log = logging.getLogger(__name__)
NOTE_STYLE = "color:#ad1457;"
TOGGLE_TIP = ("Grad-CAM: the heat map of the window under the cursor, where in the crop the "
              "network's evidence for that window's verdict lies")
STALE_NOTE_STYLE = "color:#757575;"


def load_for(results: Results | None, base: Path | None = None) -> SaliencySet | None:
    """The saliency the results name (None when they have none or its file is unreadable)."""
    if results is None or results.saliency is None:
        return None
    try:
        return saliency_for_results(results, (base or Path.cwd()) / "results.json")
    except SemioscopeError as exc:
        log.info("no saliency shown: %s", exc)
        return None


def no_maps_reason(results: Results | None) -> str:
    """Why results have no heat maps to show, in the words the toggle shows."""
    if results is None:
        return "analyse first: no heat maps yet"
    if results.model.pack is not None:
        return ("not with a model pack: its classifier has no gradients for Grad-CAM; a .semio "
                "classifier gives heat maps")
    if results.saliency is not None:
        return "these results' heat-map file is missing"
    return "these results were analysed without heat maps (analyse again to get them)"


class EvidenceOverlay(QWidget):
    """Toggle + opacity; mirrors (results, lookup, frame) onto ``view.set_heatmap``."""

    def __init__(self, view: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.view = view
        self.toggle = QCheckBox("Show evidence")
        self.toggle.setToolTip(TOGGLE_TIP)
        self.opacity = QSlider(Qt.Orientation.Horizontal)
        self.opacity.setRange(5, 100)
        self.opacity.setValue(55)
        self.opacity.setMinimumWidth(80)
        self.opacity.setMaximumWidth(160)
        self.opacity.setToolTip("opacity of the heat map")
        self.note = ElidedLabel("")   # a long note must not squeeze the slider
        self.note.setStyleSheet(NOTE_STYLE)
        row = QHBoxLayout(self)
        row.setContentsMargins(4, 0, 4, 0)
        row.addWidget(self.toggle)
        row.addWidget(QLabel("opacity"))
        row.addWidget(self.opacity)
        row.addWidget(self.note, 1)
        self.saliency: SaliencySet | None = None
        self.stale = ""       # why the maps no longer match the crop on screen ("": they do)
        self.why_none = ""    # why there are no maps at all ("": there are)
        self.lookup: Any = None
        self.frame = 0
        self.toggle.toggled.connect(lambda _on: self._update())
        self.opacity.valueChanged.connect(lambda _v: self._update())
        self.set_results(None, None)

    def set_results(self, results: Results | None, lookup: Any) -> None:
        self.saliency, self.lookup = load_for(results), lookup
        self.toggle.setEnabled(self.saliency is not None)
        self.opacity.setEnabled(self.saliency is not None)
        self.why_none = "" if self.saliency is not None else no_maps_reason(results)
        self.toggle.setToolTip(TOGGLE_TIP + (f"\n(off: {self.why_none})" if self.why_none
                                             else ""))
        self._update()

    def set_stale(self, stale: str) -> None:
        """Results made with other inputs: their map sits where the old crop was, so it is
        hidden and the caption says why (``stale`` is the trust rule's text, "" when fresh)."""
        self.stale = stale
        self._update()

    def set_frame(self, frame: int) -> None:
        self.frame = int(frame)
        self._update()

    def current_window(self) -> int | None:
        """The results' window index under the current frame."""
        if self.lookup is None:
            return None
        pos = self.lookup.at_frame(self.frame)
        if pos is None:
            return None
        return int(self.lookup.windows[pos].index)

    def _update(self) -> None:
        placed = None
        index = self.current_window()
        if self.saliency is not None and index is not None:
            placed = self.saliency.placed(index)
        shown = self.toggle.isChecked() and placed is not None and not self.stale
        self.view.set_heatmap(placed if shown else None, self.opacity.value() / 100.0)
        self.note.setStyleSheet(STALE_NOTE_STYLE if self.stale or self.why_none else NOTE_STYLE)
        if self.why_none:
            self.note.setText(f"no heat map: {self.why_none}")
            return
        if self.stale and self.saliency is not None:
            self.note.setText(f"heat map hidden: {self.stale}")
            return
        self.note.setText("" if index is None or self.saliency is None else
                          self.saliency.note(index))
