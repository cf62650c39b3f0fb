"""Whether a classifier may run on the loaded backbone weights (the one rule, used by
``analyze`` before the first window and by ``models export`` before a pack is made)."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from semioscope.errors import WeightsError

__all__ = ["WeightsHolder", "check_backbone_match"]


class WeightsHolder(Protocol):
    """A loaded backbone (torch or OpenVINO): its name and its weights' hash (None: random)."""

    @property
    def name(self) -> str: ...
    @property
    def weights_sha256(self) -> str | None: ...


def check_backbone_match(path: Path, meta: object, backbone: WeightsHolder, override: bool) -> None:
    """Features of other backbone weights (or random ones) mean nothing to this classifier.

    Either direction is refused: a classifier trained on pretrained features run on random or
    other weights, and one trained on random features run on real ones. ``override``
    (``--accept-backbone-mismatch``) lets it run; the trust rule then flags the result.
    """
    wanted: str | None = getattr(meta, "backbone_weights_sha256", None)
    have = backbone.weights_sha256
    if wanted == have or override:
        return
    if wanted and not have:
        raise WeightsError(path, f"the classifier needs pretrained {backbone.name} weights, but "
                           f"none were found: run `semioscope models fetch {backbone.name}` or "
                           "pass --weights PATH (or --accept-backbone-mismatch)")
    have = have or ""   # from here on both are hashes, or only ``have`` is
    if not wanted:
        raise WeightsError(path, "the classifier was trained on features of an untrained "
                           f"(random) {backbone.name} backbone, but this run uses weights "
                           f"{have[:12]}...: its scores would mean nothing (pass "
                           "--accept-backbone-mismatch to run it anyway, flagged)")
    raise WeightsError(path, f"the classifier was trained on features of backbone weights "
                       f"{wanted[:12]}..., but the loaded weights are {have[:12]}... (pass "
                       "--accept-backbone-mismatch to run it anyway, flagged)")
