"""The agreement gate: a lower precision goes into a pack only if it gives the same answers.

The team's own windows (a manifest of their seizures) run through the fp32 backbone and the
lower-precision one side by side (each clip decoded once, fed to both), then through the same
fp32 classifier. The record keeps, over all windows, the largest and the 99th-percentile
|ΔP(TLE)|, every seizure's verdict both ways (the mean-P(TLE) rule of ``analyze``), and the CPU
it was measured on. It passes only when no seizure verdict flips, max |ΔP(TLE)| <= 0.02
(:data:`~semioscope.core.runtime.precision.MAX_DELTA`) and the backbone's features stay within
5 % of f32's (:data:`~semioscope.core.runtime.precision.MAX_FEATURE_REL`: a trained classifier's
P(TLE) near 0 or 1 on its check windows hides feature error); otherwise the export is refused.

int8 is calibrated (NNCF post-training quantisation, :mod:`.quantize`) on clips of seizures
that are *not* in the check: :func:`split_rows` sets some seizures apart for calibration, and the
record names both sets.

The record also says what the check ran on (:func:`check_set`): how many seizures and windows,
and how many of those seizures the classifier was trained on. A check on the training seizures
themselves is weaker evidence than it looks (the benchmark's int8 moved one unseen video's
P(TLE) by 0.044 after passing on nine training seizures at 0.0052), so ``verify-pack`` and
``analyze`` say so in words. The feature bound is what catches that case: that int8's features
differed from f32 by 16 %.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import numpy as np

from semioscope.core.manifest import ManifestRow
from semioscope.core.runtime.precision import MAX_DELTA, MAX_FEATURE_REL
from semioscope.errors import SemioscopeError

__all__ = ["Agreement", "SeizureAgreement", "check_set", "gate", "measure", "split_rows"]

#: progress(done seizures, total seizures)
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class SeizureAgreement:
    seizure_id: str
    label: str
    p_f32: tuple[float, ...]
    p_low: tuple[float, ...]
    verdict_f32: str
    verdict_low: str

    @property
    def flipped(self) -> bool:
        return self.verdict_f32 != self.verdict_low


@dataclass
class Agreement:
    """What :func:`measure` found, and the record it writes (:meth:`record`)."""

    precision: str
    seizures: list[SeizureAgreement]
    threshold: float
    band: tuple[float, float]
    seconds: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def deltas(self) -> np.ndarray:
        return np.abs(np.concatenate([np.subtract(s.p_low, s.p_f32) for s in self.seizures])
                      if self.seizures else np.zeros(0))

    @property
    def max_abs_dp(self) -> float:
        d = self.deltas
        return float(d.max()) if d.size else 0.0

    @property
    def p99_abs_dp(self) -> float:
        d = self.deltas
        return float(np.percentile(d, 99)) if d.size else 0.0

    @property
    def flipped(self) -> list[str]:
        return [s.seizure_id for s in self.seizures if s.flipped]

    def window_labels_changed(self) -> int:
        from semioscope.core.results.decision import label_for

        return sum(label_for(a, self.threshold, self.band) != label_for(b, self.threshold,
                                                                       self.band)
                   for s in self.seizures for a, b in zip(s.p_f32, s.p_low, strict=True))

    @property
    def reason(self) -> str:
        """Why the gate refuses ("" when it passes)."""
        problems = []
        if self.flipped:
            problems.append(f"{len(self.flipped)} seizure verdict(s) flipped "
                            f"({', '.join(self.flipped[:5])})")
        if self.max_abs_dp > MAX_DELTA:
            problems.append(f"max |dP(TLE)| {self.max_abs_dp:.4f} > {MAX_DELTA}")
        feature_rel = float(self.extra.get("max_feature_rel_diff", 0.0))
        if feature_rel > MAX_FEATURE_REL:
            problems.append(f"its features differ from f32 by up to {feature_rel:.1%} of their "
                            f"largest value > {MAX_FEATURE_REL:.0%} (P(TLE) on check windows "
                            "near 0 or 1 hides this; on unseen videos it shows)")
        if not self.seizures:
            problems.append("no windows to check")
        return "; ".join(problems)

    @property
    def passed(self) -> bool:
        return not self.reason

    def record(self, *, cpu: dict[str, Any], backbone_weights_sha256: str | None,
               runtime: str) -> dict[str, Any]:
        """The manifest's ``precision_checks[precision]`` entry."""
        return {
            "precision": self.precision, "passed": self.passed, "reason": self.reason,
            "max_abs_dp": round(self.max_abs_dp, 6), "p99_abs_dp": round(self.p99_abs_dp, 6),
            "limit_abs_dp": MAX_DELTA, "limit_feature_rel_diff": MAX_FEATURE_REL,
            "windows": int(self.deltas.size),
            "seizures": len(self.seizures),
            "seizure_verdicts_agree": len(self.seizures) - len(self.flipped),
            "window_labels_changed": self.window_labels_changed(),
            "flipped": self.flipped,
            "per_seizure": [{"seizure_id": s.seizure_id, "label": s.label,
                             "windows": len(s.p_f32), "verdict_f32": s.verdict_f32,
                             "verdict": s.verdict_low,
                             "max_abs_dp": round(float(np.max(np.abs(np.subtract(
                                 s.p_low, s.p_f32)))) if s.p_f32 else 0.0, 6)}
                            for s in self.seizures],
            "threshold": self.threshold, "uncertain_band": list(self.band),
            "cpu": cpu, "backbone_weights_sha256": backbone_weights_sha256,
            "runtime": runtime, "seconds": round(self.seconds, 1),
            "measured": datetime.now(UTC).isoformat(timespec="seconds"), **self.extra,
            # the features' own difference: what a trained classifier would see (the random
            # classifiers of tests barely move with their input)
        }


class _Twin:
    """Feeds every batch to the fp32 backbone (whose features it returns) and to the lower one
    (whose features it keeps, in order), so each clip is decoded and preprocessed once."""

    def __init__(self, f32: Any, low: Any) -> None:
        self.f32, self.low = f32, low
        self.kept: list[np.ndarray] = []
        self.feature_rel = 0.0   # largest |Δfeature| / largest |feature|, per batch

    def __getattr__(self, name: str) -> Any:
        return getattr(self.f32, name)

    def features(self, clips: Any) -> Any:
        low = np.asarray(self.low.features(clips), dtype=np.float32)
        ref = np.asarray(self.f32.features(clips), dtype=np.float32)
        scale = float(np.abs(ref).max()) or 1.0
        self.feature_rel = max(self.feature_rel, float(np.abs(low - ref).max()) / scale)
        self.kept.extend(low)
        return ref


def p_tle(model: Any, feats: Sequence[np.ndarray]) -> list[float]:
    """P(TLE) of each window's ``(T', F)`` features with the fp32 torch classifier."""
    import torch

    from semioscope.core.models.classifier import pad_features

    if not feats:
        return []
    x = torch.as_tensor(np.stack([pad_features(f, model.config.steps) for f in feats]))
    model.eval()
    with torch.inference_mode():
        return [float(v) for v in torch.as_tensor(model(x)).reshape(-1)]


def measure(rows: Sequence[ManifestRow], *, f32: Any, low: Any, precision: str, model: Any,
            meta: Any, mapping: str = "kinect", batch_size: int = 2,
            progress: Progress | None = None) -> Agreement:
    """Every window of ``rows`` through ``f32`` and ``low`` backbones, then ``model``."""
    from semioscope.core.results.decision import seizure_verdict as summarise
    from semioscope.core.training.cache import compute_windows

    started = time.monotonic()
    threshold = float(meta.threshold)
    band = (float(meta.uncertain_band[0]), float(meta.uncertain_band[1]))
    out: list[SeizureAgreement] = []
    feature_rel = 0.0
    for done, row in enumerate(rows):
        twin = _Twin(f32, low)
        _, feats, _ = compute_windows(row, twin, mapping, batch_size)
        feature_rel = max(feature_rel, twin.feature_rel)
        pa, pb = p_tle(model, feats), p_tle(model, twin.kept)
        out.append(SeizureAgreement(row.seizure_id, row.label, tuple(pa), tuple(pb),
                                    summarise(pa, threshold, band).label,
                                    summarise(pb, threshold, band).label))
        if progress is not None:
            progress(done + 1, len(rows))
    windows = sum(len(s.p_f32) for s in out)
    return Agreement(precision, out, threshold, band, time.monotonic() - started,
                     {"max_feature_rel_diff": round(feature_rel, 6),
                      "check_set": check_set(rows, windows, getattr(meta, "training", None))})


def check_set(rows: Sequence[ManifestRow], windows: int, training: Any) -> dict[str, Any]:
    """What a check ran on: seizures, windows, and how many of those seizures the classifier
    learnt from (``training.seizure_ids``; None where the classifier does not record them)."""
    trained = training.get("seizure_ids") if isinstance(training, dict) else None
    known = isinstance(trained, list) and all(isinstance(t, str) for t in trained)
    ids = {row.seizure_id for row in rows}
    overlap = len(ids & set(trained)) if known and isinstance(trained, list) else None
    if overlap is None:
        kind = "unknown"
    elif overlap == 0:
        kind = "held_out"
    else:
        kind = "training" if overlap == len(ids) else "partly_training"
    return {"seizures": len(ids), "windows": int(windows), "training_seizures": overlap,
            "kind": kind}


def split_rows(rows: Sequence[ManifestRow], *, every: int = 4
               ) -> tuple[list[ManifestRow], list[ManifestRow]]:
    """``(calibration, check)``: every ``every``-th seizure (the first included) calibrates
    int8 and is never checked; the rest is the check. Needs at least two seizures."""
    if len(rows) < 2:
        raise SemioscopeError("--check-manifest", "int8 needs at least two seizures: some "
                              "calibrate it, the others check it")
    calibration = [row for i, row in enumerate(rows) if i % every == 0]
    check = [row for i, row in enumerate(rows) if i % every != 0]
    return calibration, check


def gate(agreement: Agreement, subject: str) -> None:
    """Refuse (one line) an export whose lower precision does not agree with fp32."""
    if not agreement.passed:
        raise SemioscopeError(subject, f"{agreement.precision} refused by the agreement gate "
                              f"against f32: {agreement.reason} (p99 |dP(TLE)| "
                              f"{agreement.p99_abs_dp:.4f}, {agreement.deltas.size} windows); "
                              "the pack was not written")
