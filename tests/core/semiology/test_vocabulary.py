"""The vocabulary: generated from the vendored HED-SCORE file, and every HED string we write is
valid HED-SCORE by hedtools (the reference validator)."""

from __future__ import annotations

from pathlib import Path

import pytest

from semioscope.core.semiology import load_vocabulary
from semioscope.core.semiology.build_vocabulary import RESOURCE_DIR, SCHEMA_FILE, build, render
from semioscope.errors import SemioscopeError

hed = pytest.importorskip("hed")


@pytest.fixture(scope="module")
def validator():
    from hed.models import HedString
    from hed.schema import load_schema
    from hed.validator import HedValidator

    schema = load_schema(str(RESOURCE_DIR / "schema" / SCHEMA_FILE))
    check = HedValidator(schema)

    def issues(text: str) -> list[str]:
        return [i["code"] for i in check.validate(HedString(text, schema),
                                                  allow_placeholders=False)]
    return issues


def test_resources_are_what_the_generator_makes_of_the_schema_file():
    files = render(build(RESOURCE_DIR / "schema" / SCHEMA_FILE))
    for name, text in files.items():
        assert (RESOURCE_DIR / name).read_text(encoding="utf-8") == text, name


def test_the_semiology_subtree_is_there_with_its_groups():
    vocab = load_vocabulary(Path("/nonexistent"))
    assert vocab.schema.hed_version == ["8.4.0", "score_2.1.0"]
    for name, parent in [("clonic", "elementary-motor"), ("versive", "elementary-motor"),
                         ("hypermotor", "automatisms"), ("oroalimentary", "automatisms"),
                         ("motor-behavioral-arrest", "seizure-semiology"), ("vocalization", "language"),
                         ("postictal-nose-wiping", "postictal-semiology"),
                         ("tonic-clonic-with-figure-of-four-extension-left-elbow", "tonic-clonic")]:
        assert vocab.terms[name].parent == parent
        assert vocab.terms[name].description
    assert set(vocab.laterality) == {"left", "right", "bilateral", "axial", "generalised"}
    assert {"head", "arm", "hand", "leg", "trunk", "face"} <= set(vocab.body_parts)
    # free-text "other" nodes are the site terms' places, not terms themselves
    assert "other-automatisms" not in vocab.terms


def test_lookup_by_name_short_tag_and_long_tag():
    vocab = load_vocabulary(Path("/nonexistent"))
    long_tag = ("Feature-property/Episode-property/Seizure-semiology/Semiology-elementary-motor/"
                "Semiology-clonic")
    assert {vocab.term(t).name for t in ("clonic", "Semiology-clonic", long_tag)} == {"clonic"}
    with pytest.raises(SemioscopeError, match="not a HED-SCORE semiology term"):
        vocab.term("head-banging")


def test_every_term_with_every_laterality_and_body_part_is_valid_hed_score(validator):
    vocab = load_vocabulary(Path("/nonexistent"))
    strings = [vocab.hed_string(t) for t in vocab.terms]
    strings += [vocab.hed_string("clonic", lat, part)
                for lat in vocab.laterality for part in vocab.body_parts]
    bad = {s: validator(s) for s in strings if validator(s)}
    assert not bad
    assert validator("(Semiology-clonicx, Left)")  # the validator does catch a wrong tag


def test_site_terms_are_custom_and_exported_as_valid_free_text(tmp_path: Path, validator):
    site = tmp_path / "semiology-terms.csv"
    site.write_text("term,description,parent\nhead nodding,Repeated nodding,automatisms\n"
                    "bed-grip,Gripping the bed rail,\n")
    vocab = load_vocabulary(site)
    nod = vocab.terms["head-nodding"]
    assert nod.custom and nod.tag == "Semiology-other-automatisms/Head-Nodding"
    assert vocab.terms["bed-grip"].tag == "Semiology-manifestation-other/Bed-Grip"
    assert not vocab.terms["clonic"].custom
    assert vocab.term("Semiology-other-automatisms/Head-Nodding") is nod
    assert validator(vocab.hed_string("head-nodding", "left", "head")) == []
    site.write_text("term,description,parent\nclonic,dup,\n")
    with pytest.raises(SemioscopeError, match="already a HED-SCORE term"):
        load_vocabulary(site)
