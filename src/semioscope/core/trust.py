"""The trust rule's public import path (``from semioscope.core.trust import assess``).

The rule itself is :mod:`semioscope.core.results.trust`: it lives in the results package because
the results JSON writer records its verdict (the ``trust`` field), so it sits below that writer.
"""

from semioscope.core.results.trust import (
    DEMO_HEADLINE,
    DEMO_TEXT,
    SPAN_TOLERANCE_S,
    STALE_HEADLINE,
    TRUST_TEXTS,
    UNTRAINED_CLASSIFIER_WARNING,
    UNTRAINED_HEADLINE,
    UNVERIFIED_HEADLINE,
    Reason,
    Trust,
    assess,
    changes,
    model_reasons,
    stale_text,
)

__all__ = ["DEMO_HEADLINE", "DEMO_TEXT", "SPAN_TOLERANCE_S", "STALE_HEADLINE", "TRUST_TEXTS",
           "UNTRAINED_CLASSIFIER_WARNING", "UNTRAINED_HEADLINE", "UNVERIFIED_HEADLINE", "Reason",
           "Trust", "assess", "changes", "model_reasons", "stale_text"]
