"""Seizure-level verdict, the model's provenance, and the trust rule's banner.

The banner's text and reasons come only from :func:`semioscope.core.trust.assess` (the same rule
as the PDF watermark and the CLI warnings). Stale results (made with other inputs than the ones
shown) are greyed and say what changed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QFrame, QLabel, QToolButton, QVBoxLayout, QWidget

from semioscope.core.results import Provenance, Results, rule_text
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


def classifier_text(m: Provenance) -> str:
    """The classifier as a clinician needs it: which one, and whether it learnt anything."""
    if not m.classifier_trained:
        what = "none chosen" if not m.classifier_path else Path(m.classifier_path).name
        return f"{what}: untrained, random weights (the scores mean nothing)"
    name = Path(m.classifier_path).name if m.classifier_path else "from the model pack"
    return name + (" (demo: trained on synthetic seizures)" if m.classifier_demo else "")


def details_text(m: Provenance) -> str:
    """Hashes, files and notes of the model, for the details expander and tooltips."""
    lines = [f"backbone weights sha256: {m.weights_sha256 or 'none (random)'}"]
    if m.weights_note:
        lines.append(f"weights note: {m.weights_note}")
    lines.append(f"classifier file: {m.classifier_path or 'none'}")
    if m.classifier_sha256:
        lines.append(f"classifier sha256: {m.classifier_sha256}")
    if m.classifier_backbone_sha256 and m.classifier_backbone_sha256 != m.weights_sha256:
        lines.append(f"classifier trained on backbone weights {m.classifier_backbone_sha256}")
    lines.append(f"preprocessing {m.preprocessing_version}")
    return "\n".join(lines)


class VerdictPanel(QFrame):
    """Read-only view of one :class:`Results` and its :class:`Trust`."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setMinimumWidth(260)   # with its scroll bar it still fits 1024 px
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
        # hashes, the classifier's file and the weights' note: for whoever checks the model,
        # one click away (and in the model lines' tooltips), not in the clinician's reading
        self.details_button = QToolButton()
        self.details_button.setText("Model details")
        self.details_button.setCheckable(True)
        self.details_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.details_button.setArrowType(Qt.ArrowType.RightArrow)
        self.details = QLabel("")
        self.details.setWordWrap(True)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details.setStyleSheet("color:#616161;font-size:9pt;")
        self.details.hide()
        self.details_button.toggled.connect(self._show_details)
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addWidget(self.stale)
        layout.addWidget(self.verdict)
        layout.addLayout(form)
        layout.addWidget(self.details_button)
        layout.addWidget(self.details)
        layout.addStretch(1)
        self.show_results(None)

    def _show_details(self, shown: bool) -> None:
        self.details.setVisible(shown)
        self.details_button.setArrowType(Qt.ArrowType.DownArrow if shown
                                         else Qt.ArrowType.RightArrow)

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
                label.setToolTip("")
            self.details.setText("")
            self.details_button.setEnabled(False)
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
        rule = f"Decision rule: {rule_text(s.threshold, s.uncertain_band)}"
        self.fields["confidence"].setToolTip(rule)
        self.fields["windows"].setToolTip(rule)
        self.fields["span"].setText(f"{span.onset_s:.1f}–{span.offset_s:.1f} s")
        pre = "pretrained" if m.backbone_pretrained else "UNTRAINED"
        self.fields["backbone"].setText(f"{m.backbone} ({pre})")
        self.fields["weights"].setText(WEIGHTS_NAMES.get(m.weights_status, m.weights_status))
        self.fields["computed"].setText(m.computed_by())     # runtime, device, batch
        self.fields["classifier"].setText(classifier_text(m))
        self.fields["validation"].setText(_validation_text(m.classifier_metadata))
        self.fields["warnings"].setText("\n".join(results.warnings) or "none")
        details = details_text(m)
        self.details.setText(details)
        self.details_button.setEnabled(True)
        for key in ("backbone", "weights", "classifier"):
            self.fields[key].setToolTip(details)
