"""Seizure-level verdict, the model's provenance, and the trust rule's banner.

The banner's text and reasons come only from :func:`semioscope.core.trust.assess` (the same rule
as the PDF watermark and the CLI warnings). Stale results (made with other inputs than the ones
shown) are greyed and say what changed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QFrame, QLabel, QVBoxLayout, QWidget

from semioscope.core.results import Results
from semioscope.core.results.metrics import cv_folds, cv_lines
from semioscope.core.trust import Trust, assess

LABEL_NAMES = {"TLE": "temporal lobe (TLE)", "FLE": "frontal lobe (FLE)",
               "uncertain": "uncertain"}
VERDICT_STYLE = "font-size:16pt;font-weight:bold;"
STALE_STYLE = VERDICT_STYLE + "color:#9e9e9e;"
WEIGHTS_NAMES = {"official": "official", "registered": "registered as own",
                 "custom": "custom, unverified", "random": "none (random initialisation)"}


def _validation_text(meta: dict[str, Any]) -> str:
    lines = cv_lines(meta)
    if not lines:
        return "none recorded"
    folds = cv_folds(meta)
    return "\n".join(lines) + (f"\n({folds}-fold CV by patient)" if folds else "")


class VerdictPanel(QFrame):
    """Read-only view of one :class:`Results` and its :class:`Trust`."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setMinimumWidth(280)
        self.banner = QLabel("")
        self.banner.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet("background:#c62828;color:white;font-weight:bold;padding:6px;")
        self.stale = QLabel("")
        self.stale.setWordWrap(True)
        self.stale.setStyleSheet("background:#5d4037;color:#ffe0b2;font-weight:bold;padding:6px;")
        self.verdict = QLabel("No analysis yet")
        self.verdict.setWordWrap(True)
        self.verdict.setStyleSheet(VERDICT_STYLE)
        self.fields: dict[str, QLabel] = {}
        form = QFormLayout()
        for key in ("confidence", "windows", "span", "backbone", "weights", "computed",
                    "classifier", "validation", "warnings"):
            label = QLabel("—")
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.fields[key] = label
            form.addRow(key.capitalize() + ":", label)
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addWidget(self.stale)
        layout.addWidget(self.verdict)
        layout.addLayout(form)
        layout.addStretch(1)
        self.show_results(None)

    @property
    def is_stale(self) -> bool:
        return not self.stale.isHidden()

    def show_results(self, results: Results | None, trust: Trust | None = None) -> None:
        """Show ``results``; ``trust`` defaults to the rule without current inputs."""
        if results is None:
            self.banner.hide()
            self.stale.hide()
            self.verdict.setText("No analysis yet")
            self.verdict.setStyleSheet(VERDICT_STYLE)
            for label in self.fields.values():
                label.setText("—")
            return
        trust = trust or assess(results)
        model_reasons = trust.model_reasons
        self.banner.setText("\n".join([trust.headline or "", *(r.text for r in model_reasons)])
                            if model_reasons else "")
        self.banner.setVisible(bool(model_reasons))
        self.stale.setText(trust.reasons[-1].text if trust.stale else "")
        self.stale.setVisible(trust.stale)
        self.verdict.setStyleSheet(STALE_STYLE if trust.stale else VERDICT_STYLE)
        s, m, span = results.summary, results.model, results.span
        name = LABEL_NAMES.get(s.label, s.label)
        self.verdict.setText(f"{name} (stale)" if trust.stale else name)
        self.fields["confidence"].setText(
            f"{s.confidence:.2f} (mean P(TLE) {s.p_tle_mean:.2f}, threshold {s.threshold:.2f})")
        self.fields["windows"].setText(
            f"{s.n_windows}: {s.n_tle} TLE, {s.n_fle} FLE, {s.n_uncertain} uncertain")
        self.fields["span"].setText(f"{span.onset_s:.1f}–{span.offset_s:.1f} s")
        pre = "pretrained" if m.backbone_pretrained else "UNTRAINED"
        self.fields["backbone"].setText(f"{m.backbone} ({pre})")
        status = WEIGHTS_NAMES.get(m.weights_status, m.weights_status)
        self.fields["weights"].setText(
            (f"{status}, sha256 {m.weights_sha256[:16]}" if m.weights_sha256 else status)
            + (f"\n{m.weights_note}" if m.weights_note else ""))
        self.fields["computed"].setText(m.computed_by())     # runtime, device, batch
        trained = "" if m.classifier_trained else " (untrained)"
        demo = " (demo)" if m.classifier_demo else ""
        self.fields["classifier"].setText(
            f"{Path(m.classifier_path).name if m.classifier_path else 'built-in'}{trained}"
            f"{demo}, sha256 {(m.classifier_sha256 or '?')[:12]}")
        self.fields["validation"].setText(_validation_text(m.classifier_metadata))
        self.fields["warnings"].setText("\n".join(results.warnings) or "none")
