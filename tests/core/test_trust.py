"""The one trust rule: each reason on its own, staleness per input, and own-weights registration."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from semioscope import UNTRAINED_WARNING
from semioscope.core.geometry import Box
from semioscope.core.models.own_weights import register_weights, registrations
from semioscope.core.models.registry import IMPORTED_FILES, WEIGHT_FILES, weights_status
from semioscope.core.results import NO_FILE, MappingInfo, Results
from semioscope.core.trust import (
    DEMO_HEADLINE,
    STALE_HEADLINE,
    UNTRAINED_HEADLINE,
    UNVERIFIED_HEADLINE,
    assess,
    changes,
)
from semioscope.errors import SemioscopeError
from tests.sample_results import synthetic_results


@pytest.fixture
def clean() -> Results:
    """Official weights, a trained classifier made on the same weights: clinically readable."""
    results = synthetic_results(n_windows=2, untrained=False)
    assert assess(results).clinical and assess(results).headline is None
    return results


def _with(results: Results, **model: Any) -> Results:
    return replace(results, model=replace(results.model, **model))


@pytest.mark.parametrize(("model", "code", "headline", "fragment"), [
    ({"backbone_pretrained": False, "weights_sha256": None, "weights_status": "random",
      "classifier_backbone_sha256": None, "classifier_backbone_pretrained": False},
     "untrained_backbone", UNTRAINED_HEADLINE, UNTRAINED_WARNING),
    ({"weights_status": "custom"}, "custom_weights", UNVERIFIED_HEADLINE,
     "custom weights, unverified"),
    ({"classifier_trained": False}, "untrained_classifier", UNTRAINED_HEADLINE,
     "untrained classifier"),
    ({"classifier_demo": True}, "demo_model", DEMO_HEADLINE, "demo model"),
    ({"classifier_backbone_pretrained": False}, "classifier_untrained_backbone",
     UNTRAINED_HEADLINE, "features of an untrained backbone"),
    ({"classifier_backbone_sha256": "ee" * 32, "backbone_override": True},
     "classifier_other_weights", UNVERIFIED_HEADLINE, "--accept-backbone-mismatch"),
])
def test_each_reason_alone(clean: Results, model: dict[str, Any], code: str, headline: str,
                           fragment: str) -> None:
    trust = assess(_with(clean, **model))
    assert not trust.clinical
    assert code in trust.codes
    assert trust.headline == headline
    assert any(fragment in r.text for r in trust.reasons)
    if code != "untrained_backbone":            # a random backbone also differs in its hash
        assert trust.codes == (code,)


def test_registered_own_weights_are_clinical_and_say_whose(clean: Results) -> None:
    trust = assess(_with(clean, weights_status="registered", weights_note="registered by x"))
    assert trust.clinical


def test_stale_by_crop_span_and_classifier(clean: Results) -> None:
    now = clean.inputs
    assert assess(clean, now).clinical and not assess(clean, now).stale
    moved = replace(now, crop=Box(1, 2, 30, 40))
    trust = assess(clean, moved)
    assert trust.codes == ("stale",) and trust.changed == ("crop",)
    assert trust.reasons[0].text == "made with an earlier crop \u2014 Analyse again"
    assert trust.headline == STALE_HEADLINE
    both = replace(moved, span=(now.span[0] + 1.0, now.span[1]), classifier_sha256="ff" * 32)
    assert assess(clean, both).changed == ("crop", "span", "classifier")
    assert "earlier crop, span and classifier" in assess(clean, both).reasons[0].text


def test_stale_by_every_other_input(clean: Results) -> None:
    now = clean.inputs
    for change, name in (({"video_sha256": "9" * 64}, "video"),
                         ({"mapping": MappingInfo("percentile", {})}, "intensity mapping"),
                         ({"backbone": "s3d"}, "backbone"),
                         ({"weights_sha256": "1" * 64}, "backbone weights"),
                         ({"preprocessing_version": "older"}, "preprocessing")):
        assert changes(now, replace(now, **change)) == (name,)


def test_unknown_current_inputs_and_frame_rounding_are_not_changes(clean: Results) -> None:
    now = clean.inputs
    unknown = replace(now, video_sha256=None, crop=None, classifier_sha256=None,
                      weights_sha256=None)
    assert changes(now, unknown) == ()
    assert changes(now, replace(now, span=(now.span[0] + 0.01, now.span[1]))) == ()


def test_removing_the_classifier_or_the_weights_is_a_change(clean: Results) -> None:
    now = clean.inputs
    assert changes(now, replace(now, classifier_sha256=NO_FILE)) == ("classifier",)
    assert changes(now, replace(now, weights_sha256=NO_FILE)) == ("backbone weights",)
    bare = _with(clean, classifier_sha256=None, weights_sha256=None)   # made with neither
    none_now = replace(now, classifier_sha256=NO_FILE, weights_sha256=NO_FILE)
    assert changes(bare.inputs, none_now) == ()
    assert changes(bare.inputs, now) == ("backbone weights", "classifier")   # one added
    assert "stale" in assess(clean, replace(now, classifier_sha256=NO_FILE)).codes


def test_weights_status_official_prefix_custom_and_random(tmp_path: Path) -> None:
    assert weights_status("i3d", WEIGHT_FILES["i3d"].sha256) == ("official", None)
    assert weights_status("i3d", IMPORTED_FILES["i3d"].sha256) == ("official", None)
    assert weights_status("s3d", WEIGHT_FILES["s3d"].sha256 + "0" * 56)[0] == "official"
    assert weights_status("i3d", "ab" * 32) == ("custom", None)
    assert weights_status("i3d", None) == ("random", None)


def test_registering_own_weights(tmp_path: Path) -> None:
    from semioscope.core.hashing import file_sha256

    weights = tmp_path / "our_i3d.pt"
    weights.write_bytes(b"fine-tuned on our EMU")
    with pytest.raises(SemioscopeError, match="--note"):
        register_weights("i3d", weights, "  ")
    entry = register_weights("i3d", weights, "I3D fine-tuned on site videos, 2026")
    status, note = weights_status("i3d", file_sha256(weights))
    assert status == "registered" and note is not None and "fine-tuned on site" in note
    assert weights_status("s3d", file_sha256(weights))[0] == "custom"   # only for its backbone
    register_weights("i3d", weights, "renamed")       # again: replaced, not duplicated
    assert [r.note for r in registrations()] == ["renamed"] and entry.sha256 == registrations()[0].sha256
