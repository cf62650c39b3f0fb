"""The classifier's cross-validation figures as one typed table (review window and report both).

They live in the classifier file's metadata (``metrics.summary``: level -> metric -> mean/std);
reading them in one place means the window and the PDF can never quote them differently.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

METRICS = (("f1_macro", "F1"), ("balanced_accuracy", "balanced acc."), ("roc_auc", "AUC"))


@dataclass(frozen=True)
class MeanSD:
    mean: float | None
    std: float | None

    def text(self) -> str:
        def num(v: float | None) -> str:
            return "\u2014" if v is None else ("n/a" if not math.isfinite(v) else f"{v:.2f}")
        return f"{num(self.mean)} \u00b1 {num(self.std)}"


@dataclass(frozen=True)
class CVRow:
    level: str                          # window | seizure | patient
    values: dict[str, MeanSD | None]    # METRICS key -> figure (None: not recorded)


def _figure(value: Any) -> MeanSD | None:
    def num(v: Any) -> float | None:
        return float(v) if isinstance(v, int | float) and not isinstance(v, bool) else None
    if isinstance(value, dict):
        return MeanSD(num(value.get("mean")), num(value.get("std")))
    if num(value) is not None:
        return MeanSD(num(value), None)
    return None


def cv_rows(classifier_metadata: dict[str, Any]) -> list[CVRow]:
    """One row per level of the CV summary recorded in the classifier; [] when none."""
    metrics = classifier_metadata.get("metrics") or {}
    summary = metrics.get("summary") if isinstance(metrics, dict) else None
    if not isinstance(summary, dict):
        return []
    return [CVRow(str(level), {key: _figure(values.get(key)) for key, _ in METRICS})
            for level, values in summary.items() if isinstance(values, dict)]


def cv_folds(classifier_metadata: dict[str, Any]) -> int | None:
    metrics = classifier_metadata.get("metrics") or {}
    folds = metrics.get("folds") if isinstance(metrics, dict) else None
    return int(folds) if isinstance(folds, int) and not isinstance(folds, bool) else None


def cv_lines(classifier_metadata: dict[str, Any]) -> list[str]:
    """"window: F1 0.84 ± 0.04, AUC 0.90 ± 0.03" per level (the window's short form)."""
    lines = []
    for row in cv_rows(classifier_metadata):
        parts = [f"{label} {fig.text()}" for key, label in METRICS
                 if key != "balanced_accuracy" and (fig := row.values.get(key)) is not None
                 and fig.mean is not None]
        lines.append(f"{row.level}: " + ", ".join(parts))
    return lines
