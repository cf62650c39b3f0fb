"""Whether a decision rule has an "uncertain" band, and the words for it: one rule for all.

A band ``[lo, hi]`` narrower than :data:`BAND_MIN_WIDTH` can hold no real score (the rule that
chose it found every verdict precise enough at the threshold itself), so it is *no band*: the
label rule calls nothing "uncertain" by it, and the review window, the CLI, the PDF and the CV
summary all say "no uncertain band" instead of printing a zero-width interval like [0.41, 0.41].
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from semioscope.core.results.model import Summary

__all__ = ["BAND_MIN_WIDTH", "MEAN_AGGREGATION", "aggregation_text", "band_text", "has_band",
           "prob_text", "rule_text", "shown_aggregation"]

#: a narrower band can hold no window: it is no band
BAND_MIN_WIDTH = 1e-6


def has_band(band: Sequence[float]) -> bool:
    """True when ``band`` is an interval a score can fall in (wider than BAND_MIN_WIDTH)."""
    return float(band[1]) - float(band[0]) > BAND_MIN_WIDTH


def prob_text(value: float) -> str:
    """A probability as people read it: two decimals, more only where they differ (0.405)."""
    for digits in (2, 3, 4):
        if abs(round(value, digits) - value) < 5e-7:
            return f"{value:.{digits}f}"
    return f"{value:.4f}"


def band_text(band: Sequence[float]) -> str:
    """``"uncertain band [0.34, 0.48]"`` or ``"no uncertain band"``."""
    if not has_band(band):
        return "no uncertain band"
    return f"uncertain band [{prob_text(band[0])}, {prob_text(band[1])}]"


def rule_text(threshold: float, band: Sequence[float], *, short: bool = False) -> str:
    """The whole decision rule in one line, the same wherever it is shown; ``short``: without
    the words on what each side means."""
    if short:
        return f"threshold {prob_text(threshold)}, {band_text(band)}"
    if not has_band(band):
        return (f"threshold {prob_text(threshold)}, no uncertain band (FLE below the "
                "threshold, TLE at or above it)")
    return (f"threshold {prob_text(threshold)}, {band_text(band)} (FLE below the threshold, "
            "TLE at or above it, uncertain inside the band)")


#: how every aggregation text the verdict ever wrote begins (older files' too)
MEAN_AGGREGATION = "mean of the "


def aggregation_text(n_windows: int, threshold: float, band: Sequence[float]) -> str:
    """How the seizure verdict is made from ``n_windows`` scores, in the one rule's words."""
    return (f"{MEAN_AGGREGATION}{n_windows} window probabilities P(TLE), judged by the decision "
            f"rule ({rule_text(threshold, band, short=True)}). "
            "confidence = |mean - threshold| / (1 - threshold) above the threshold, "
            "/ threshold below it (0 at the threshold, 1 at a certain 0 or 1)")


def shown_aggregation(summary: Summary) -> str:
    """The aggregation as people read it: a mean-of-windows verdict (whatever version wrote
    the file) is said again in today's words, so an older file's "uncertain inside
    [0.41, 0.41]" reads "no uncertain band"; any other text is shown as stored."""
    if not summary.aggregation.startswith(MEAN_AGGREGATION):
        return summary.aggregation
    return aggregation_text(summary.n_windows, summary.threshold, summary.uncertain_band)
