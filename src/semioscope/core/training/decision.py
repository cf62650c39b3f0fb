"""The seizure verdict's threshold and "uncertain" band, both chosen on out-of-fold CV scores.

Threshold: the one in 0.05..0.95 (step 0.01) with the best seizure-level macro F1 (ties: the one
closest to 0.5). Band ``[threshold - h, threshold + h]``: the narrowest ``h`` such that, outside
it, both the FLE and the TLE verdicts reach ``precision_target``; a seizure inside is reported
"uncertain". Choosing them on the same CV scores that are reported makes those two numbers
optimistic; the per-fold metrics are computed at 0.5 and are not affected.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.metrics import f1_score, precision_score


def choose_threshold(y: np.ndarray, score: np.ndarray) -> float:
    grid = np.round(np.arange(0.05, 0.951, 0.01), 2)
    f1 = np.array([f1_score(y, score >= t, average="macro", labels=[0, 1], zero_division=0)
                   for t in grid])
    best = np.flatnonzero(np.isclose(f1, f1.max()))
    return float(grid[best[np.argmin(np.abs(grid[best] - 0.5))]])


def _side_precisions(y: np.ndarray, score: np.ndarray, lo: float, hi: float) -> list[float]:
    """Precision of the FLE verdicts (score < lo) and of the TLE verdicts (score > hi)."""
    out = []
    for mask, label in ((score < lo, 0), (score > hi, 1)):
        if not mask.any():
            out.append(1.0)  # no verdicts on that side: nothing wrong
            continue
        out.append(float(precision_score(y[mask] == label, np.ones(int(mask.sum()), bool),
                                         zero_division=0)))
    return out


def choose_band(y: np.ndarray, score: np.ndarray, threshold: float,
                target: float = 0.9) -> dict[str, Any]:
    """Narrowest symmetric band around ``threshold`` outside which precision >= ``target``."""
    for h in np.round(np.arange(0.0, 0.501, 0.01), 2):
        lo, hi = max(0.0, threshold - h), min(1.0, threshold + h)
        precisions = _side_precisions(y, score, lo, hi)
        inside = (score >= lo) & (score <= hi)
        if min(precisions) >= target:
            return {"band": [round(float(lo), 6), round(float(hi), 6)], "target": target, "reached": True,
                    "precision_fle": precisions[0], "precision_tle": precisions[1],
                    "n_in_band": int(inside.sum()), "n": int(len(y))}
    return {"band": [0.0, 1.0], "target": target, "reached": False,
            "precision_fle": None, "precision_tle": None, "n_in_band": int(len(y)),
            "n": int(len(y))}
