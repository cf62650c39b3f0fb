"""The one rule that says whether a result may be read clinically, and if not, every reason.

Every banner (review window), watermark (PDF), CLI warning and the ``trust`` field of the results
JSON comes from :func:`assess`; nothing else decides. Reasons, in the order they are shown:

* ``untrained_backbone``   the backbone had random weights (``--allow-untrained``)
* ``custom_weights``       weights that load but are not the registry's official file and were
                           not registered by the user as their own ("custom weights, unverified")
* ``unchecked_precision``  the backbone ran in bf16/int8 without a passed agreement check
                           against fp32 (``models export --precision``, ``train
                           --precision-check``)
* ``untrained_classifier`` no classifier file: a random classifier
* ``demo_model``           a classifier marked as a demo (``semioscope train --demo``)
* ``classifier_untrained_backbone``  the classifier learnt from features of a random backbone
* ``classifier_other_weights``       the classifier learnt from other backbone weights than the
                           ones used (only possible with ``--accept-backbone-mismatch``)
* ``stale``                the result's inputs differ from the current ones (crop, span, ...)
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from semioscope import UNTRAINED_WARNING
from semioscope.core.results.model import Inputs, Provenance, Results

UNTRAINED_CLASSIFIER_WARNING = "untrained classifier: random weights, the scores mean nothing"
DEMO_TEXT = "demo model: trained on synthetic seizures, not on patients"
UNTRAINED_HEADLINE = "UNTRAINED / DEMO MODEL \u2014 NOT FOR CLINICAL USE"
#: a demo classifier on a real (pretrained) backbone: nothing is untrained, the data is synthetic
DEMO_HEADLINE = "DEMO MODEL (SYNTHETIC DATA) \u2014 NOT FOR CLINICAL USE"
UNVERIFIED_HEADLINE = "UNVERIFIED MODEL \u2014 NOT FOR CLINICAL USE"
STALE_HEADLINE = "STALE RESULTS \u2014 ANALYSE AGAIN"
#: texts 0.1.0 wrote into ``warnings``; the migration drops them (the rule says them now)
TRUST_TEXTS = frozenset({UNTRAINED_WARNING, UNTRAINED_CLASSIFIER_WARNING})
_MODEL_CODES = ("untrained_backbone", "untrained_classifier", "demo_model",
                "classifier_untrained_backbone")
SPAN_TOLERANCE_S = 1 / 60   # under a frame at 30 fps: the span is stored snapped to frames


@dataclass(frozen=True)
class Reason:
    code: str
    text: str


@dataclass(frozen=True)
class Trust:
    """The verdict on one result; ``clinical`` only when there is no reason at all."""

    reasons: tuple[Reason, ...]
    changed: tuple[str, ...] = ()     # what differs from the current inputs (stale)

    @property
    def clinical(self) -> bool:
        return not self.reasons

    @property
    def stale(self) -> bool:
        return bool(self.changed)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(r.code for r in self.reasons)

    @property
    def model_reasons(self) -> tuple[Reason, ...]:
        return tuple(r for r in self.reasons if r.code != "stale")

    @property
    def headline(self) -> str | None:
        """The short banner / watermark text; None for a clinically readable result."""
        codes = set(self.codes)
        if codes & set(_MODEL_CODES) == {"demo_model"}:
            return DEMO_HEADLINE
        if codes & set(_MODEL_CODES):
            return UNTRAINED_HEADLINE
        if codes - {"stale"}:
            return UNVERIFIED_HEADLINE
        return STALE_HEADLINE if self.stale else None


def _short(sha: str | None) -> str:
    return "none (random)" if not sha else f"{sha[:12]}\u2026"


def model_reasons(m: Provenance) -> list[Reason]:
    """The reasons a result made by this model carries (the review window also asks it before
    any analysis, with the provenance the settings would give)."""
    out: list[Reason] = []
    if not m.backbone_pretrained or m.weights_status == "random":
        out.append(Reason("untrained_backbone", UNTRAINED_WARNING))
    elif m.weights_status == "custom":
        out.append(Reason("custom_weights", f"custom weights, unverified: the {m.backbone} "
                          f"weights (sha256 {_short(m.weights_sha256)}) are not the official "
                          "file; `semioscope models register` records your own"))
    if m.precision not in (None, "f32") and m.precision_check is None:
        also = " or `semioscope train --precision-check bf16`" if m.precision == "bf16" else ""
        out.append(Reason("unchecked_precision", f"the backbone ran in {m.precision} without an "
                          "agreement check against f32 (`semioscope models export --precision "
                          f"{m.precision}`{also} makes one)"))
    if not m.classifier_trained:
        out.append(Reason("untrained_classifier", UNTRAINED_CLASSIFIER_WARNING))
        return out
    if m.classifier_demo:
        out.append(Reason("demo_model", DEMO_TEXT))
    if not m.classifier_backbone_pretrained:
        out.append(Reason("classifier_untrained_backbone", "the classifier was trained on "
                          "features of an untrained backbone: not for clinical use"))
    if m.classifier_backbone_sha256 != m.weights_sha256:
        override = " (run anyway by --accept-backbone-mismatch)" if m.backbone_override else ""
        out.append(Reason("classifier_other_weights", "the classifier was trained on features "
                          f"of other backbone weights ({_short(m.classifier_backbone_sha256)}) "
                          f"than these ({_short(m.weights_sha256)}){override}"))
    return out


def changes(recorded: Inputs, current: Inputs) -> tuple[str, ...]:
    """What differs between the inputs a result was made with and the current ones.

    A field that is None on either side is unknown and not compared; ``NO_FILE`` (no weights
    or no classifier file) is known, so removing one is a change like replacing it.
    """
    out: list[str] = []

    def differs(a: object, b: object) -> bool:
        return a is not None and b is not None and a != b

    if differs(recorded.video_sha256, current.video_sha256):
        out.append("video")
    if differs(recorded.crop, current.crop):
        out.append("crop")
    if recorded.span is not None and current.span is not None and any(
            not math.isclose(a, b, abs_tol=SPAN_TOLERANCE_S)
            for a, b in zip(recorded.span, current.span, strict=True)):
        out.append("span")
    if differs(recorded.mapping, current.mapping):
        out.append("intensity mapping")
    if differs(recorded.backbone, current.backbone):
        out.append("backbone")
    if differs(recorded.weights_sha256, current.weights_sha256):   # NO_FILE: known, none
        out.append("backbone weights")
    if differs(recorded.classifier_sha256, current.classifier_sha256):
        out.append("classifier")
    if differs(recorded.preprocessing_version, current.preprocessing_version):
        out.append("preprocessing")
    if differs(recorded.precision, current.precision):
        out.append("precision")
    return tuple(out)


def stale_text(changed: tuple[str, ...]) -> str:
    """"made with an earlier crop and span — Analyse again"."""
    names = list(changed)
    joined = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return f"made with an earlier {joined} \u2014 Analyse again"


def assess(results: Results, current: Inputs | None = None) -> Trust:
    """Every reason not to read ``results`` clinically; with ``current``, staleness too."""
    reasons = model_reasons(results.model)
    changed = () if current is None else changes(results.inputs, current)
    if changed:
        reasons.append(Reason("stale", stale_text(changed)))
    return Trust(tuple(reasons), changed)
