"""The decision rule: P(TLE) per window -> label, and the seizure-level verdict over windows.

The one place where a probability becomes "FLE", "TLE" or "uncertain": the scoring loop, the
timeline's partial bars, the report and the tests all call these.
"""

from __future__ import annotations

import math

import numpy as np

from semioscope.core.results.band import aggregation_text, has_band
from semioscope.core.results.model import Summary

__all__ = ["confidence_for", "label_for", "seizure_verdict"]


def label_for(p: float, threshold: float, band: tuple[float, float]) -> str:
    """FLE / TLE by ``threshold`` on P(TLE); "uncertain" inside the closed band ``[lo, hi]``
    (a zero-width band is no band: :func:`~semioscope.core.results.has_band`)."""
    lo, hi = band
    if has_band(band) and lo <= p <= hi:
        return "uncertain"
    return "TLE" if p >= threshold else "FLE"


def confidence_for(p: float, threshold: float) -> float:
    """Distance of ``p`` from the threshold, as a fraction of the largest possible on that side."""
    room = (1.0 - threshold) if p >= threshold else threshold
    return 0.0 if room <= 0 else float(min(1.0, abs(p - threshold) / room))


def seizure_verdict(p_tle: list[float], threshold: float, band: tuple[float, float]) -> Summary:
    """The video-level verdict: the per-window rule applied to the mean P(TLE)."""
    labels = [label_for(p, threshold, band) for p in p_tle]
    mean = float(np.mean(p_tle)) if p_tle else math.nan
    return Summary(
        label=label_for(mean, threshold, band) if p_tle else "uncertain",
        p_tle_mean=mean, n_windows=len(p_tle),
        n_fle=labels.count("FLE"), n_tle=labels.count("TLE"),
        n_uncertain=labels.count("uncertain"),
        threshold=threshold, uncertain_band=(band[0], band[1]),
        confidence=confidence_for(mean, threshold) if p_tle else 0.0,
        aggregation=aggregation_text(len(p_tle), threshold, band),
    )

