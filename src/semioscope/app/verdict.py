"""Seizure-level verdict, the model's provenance, and a red banner for untrained/demo models."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QFrame, QLabel, QVBoxLayout, QWidget

from semioscope import UNTRAINED_WARNING

BANNER_TEXT = "UNTRAINED / DEMO MODEL — NOT FOR CLINICAL USE"
LABEL_NAMES = {"TLE": "temporal lobe (TLE)", "FLE": "frontal lobe (FLE)",
               "uncertain": "uncertain"}


def is_untrained_or_demo(results: dict[str, Any]) -> bool:
    """True when any part of the model that produced ``results`` is untrained or a demo."""
    model = results.get("model", {})
    meta = model.get("classifier_metadata") or {}
    return (model.get("backbone_pretrained") is False or model.get("classifier_trained") is False
            or bool(meta.get("demo")) or UNTRAINED_WARNING in results.get("warnings", []))


def _metrics_text(meta: dict[str, Any]) -> str:
    """The classifier's cross-validation, one line per level: "window: F1 0.84 ± 0.04, AUC …"."""
    metrics = meta.get("metrics") or {}
    summary = metrics.get("summary") if isinstance(metrics, dict) else None
    if not isinstance(summary, dict) or not summary:
        return "none recorded"
    lines = []
    for level, values in summary.items():
        if not isinstance(values, dict):
            continue
        parts = [f"{label} {values[key]['mean']:.2f} ± {values[key]['std']:.2f}"
                 for key, label in (("f1_macro", "F1"), ("roc_auc", "AUC"))
                 if isinstance(values.get(key), dict) and values[key].get("mean") is not None]
        lines.append(f"{level}: " + ", ".join(parts))
    folds = metrics.get("folds")
    return "\n".join(lines) + (f"\n({folds}-fold CV by patient)" if folds else "")


class VerdictPanel(QFrame):
    """Read-only view of a results dict (Results JSON contract)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setMinimumWidth(280)
        self.banner = QLabel(BANNER_TEXT)
        self.banner.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet("background:#c62828;color:white;font-weight:bold;padding:6px;")
        self.verdict = QLabel("No analysis yet")
        self.verdict.setWordWrap(True)
        self.verdict.setStyleSheet("font-size:16pt;font-weight:bold;")
        self.fields: dict[str, QLabel] = {}
        form = QFormLayout()
        for key in ("confidence", "windows", "span", "backbone", "weights", "classifier",
                    "validation", "warnings"):
            label = QLabel("—")
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.fields[key] = label
            form.addRow(key.capitalize() + ":", label)
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addWidget(self.verdict)
        layout.addLayout(form)
        layout.addStretch(1)
        self.show_results(None)

    def show_results(self, results: dict[str, Any] | None) -> None:
        if results is None:
            self.banner.hide()
            self.verdict.setText("No analysis yet")
            for label in self.fields.values():
                label.setText("—")
            return
        s = results.get("summary", {})
        m = results.get("model", {})
        meta = m.get("classifier_metadata") or {}
        span = results.get("span", {})
        self.banner.setVisible(is_untrained_or_demo(results))
        self.verdict.setText(LABEL_NAMES.get(str(s.get("label")), str(s.get("label"))))
        self.fields["confidence"].setText(
            f"{float(s.get('confidence', 0.0)):.2f} (mean P(TLE) {float(s.get('p_tle_mean', 0)):.2f},"
            f" threshold {float(s.get('threshold', 0.5)):.2f})")
        self.fields["windows"].setText(
            f"{s.get('n_windows', 0)}: {s.get('n_tle', 0)} TLE, {s.get('n_fle', 0)} FLE, "
            f"{s.get('n_uncertain', 0)} uncertain")
        self.fields["span"].setText(
            f"{float(span.get('onset_s', 0)):.1f}–{float(span.get('offset_s', 0)):.1f} s")
        pre = "pretrained" if m.get("backbone_pretrained") else "UNTRAINED"
        self.fields["backbone"].setText(f"{m.get('backbone', '?')} ({pre})")
        self.fields["weights"].setText(
            f"sha256 {str(m['weights_sha256'])[:16]}" if m.get("weights_sha256")
            else "none (random initialisation)")
        path = m.get("classifier_path")
        trained = "" if m.get("classifier_trained", True) else " (untrained)"
        self.fields["classifier"].setText(
            f"{Path(path).name if path else 'built-in'}{trained}, "
            f"sha256 {str(m.get('classifier_sha256') or '?')[:12]}")
        self.fields["validation"].setText(_metrics_text(meta))
        self.fields["warnings"].setText("\n".join(results.get("warnings", [])) or "none")
