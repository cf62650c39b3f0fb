"""BIDS events.tsv written and read back losslessly; minimal files and BORIS exports read."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from semioscope.core.semiology import SemiologyEvent, load_vocabulary
from semioscope.core.semiology.tsv import (
    events_tsv,
    is_boris,
    read_boris,
    read_events_tsv,
    read_term_table,
)
from semioscope.errors import SemioscopeError

VOCAB = load_vocabulary(Path("/nonexistent"))


def _content(events):
    return [replace(e, id="") for e in events]


def test_round_trip_is_lossless(tmp_path: Path):
    events = (
        SemiologyEvent(onset_s=0.1 + 0.2, term="versive", laterality="left", reviewer="ann"),
        SemiologyEvent(onset_s=12.345678901, duration_s=3.3333333333, term="hypermotor",
                       laterality="bilateral", note="kicks, then\tthrashes", reviewer="ann"),
        SemiologyEvent(onset_s=14.0, duration_s=2.0, term="dystonic", laterality="right",
                       body_part="arm", reviewer="bob"),
    )
    path = tmp_path / "e_events.tsv"
    path.write_text(events_tsv(events, VOCAB))
    back = read_events_tsv(path, VOCAB)
    # the note's tab cannot live in a TSV cell: it becomes a space, all else is exact
    assert _content(back) == _content([events[0], replace(events[1], note="kicks, then thrashes"),
                                       events[2]])
    assert back[0].onset_s == 0.1 + 0.2 and back[1].duration_s == 3.3333333333
    assert events_tsv(back, VOCAB) == path.read_text()
    header, first = path.read_text().splitlines()[:2]
    assert header.split("\t")[:3] == ["onset", "duration", "trial_type"]
    assert first.split("\t")[1] == "0.0" and first.split("\t")[5] == "(Semiology-versive, Left)"


def test_a_minimal_file_with_hed_tags_as_trial_type(tmp_path: Path):
    path = tmp_path / "min.tsv"
    path.write_text("onset\tduration\ttrial_type\n3\tn/a\tSemiology-clonic\n1.5\t2\ttonic\n")
    events = read_events_tsv(path, VOCAB, reviewer="imported")
    assert [(e.onset_s, e.duration_s, e.term, e.reviewer) for e in events] == [
        (1.5, 2.0, "tonic", "imported"), (3.0, None, "clonic", "imported")]


@pytest.mark.parametrize("text, message", [
    ("onset\ttrial_type\n1\tclonic\n", "no duration column"),
    ("onset\tduration\ttrial_type\nx\t0\tclonic\n", "line 2: onset 'x' is not a number"),
    ("onset\tduration\ttrial_type\n1\t0\tkicking\n", "'kicking' is not a HED-SCORE"),
    ("onset\tduration\ttrial_type\tlaterality\n1\t0\tclonic\tup\n", "unknown laterality 'up'"),
    ("onset\tduration\ttrial_type\n-1\t0\tclonic\n", "onset -1.0 s must be 0 or later"),
])
def test_bad_files_name_the_file_and_line(tmp_path: Path, text: str, message: str):
    path = tmp_path / "bad.tsv"
    path.write_text(text)
    with pytest.raises(SemioscopeError, match=message) as err:
        read_events_tsv(path, VOCAB)
    assert "bad.tsv" in str(err.value.subject) or "bad.tsv" in err.value.message


def _terms(tmp_path: Path) -> dict:
    table = tmp_path / "terms.csv"
    table.write_text("behavior,term,laterality,body_part\nhead turn L,versive,left,head\n"
                     "kicking,hypermotor,bilateral,leg\n")
    return read_term_table(table, VOCAB)


def test_boris_tabular_export_start_stop_and_point(tmp_path: Path):
    path = tmp_path / "boris.tsv"
    path.write_text(
        "Observation id\tTime\tMedia file path\tSubject\tBehavior\tBehavioral category\t"
        "Comment\tStatus\n"
        "obs1\t10.500\tv.mp4\tNo focal subject\tkicking\t\tstrong\tSTART\n"
        "obs1\t11.000\tv.mp4\tNo focal subject\thead turn L\t\t\tPOINT\n"
        "obs1\t14.250\tv.mp4\tNo focal subject\tkicking\t\t\tSTOP\n")
    assert is_boris(path)
    events = read_boris(path, _terms(tmp_path), reviewer="boris user")
    assert [(e.onset_s, e.duration_s, e.term, e.laterality, e.body_part, e.note)
            for e in events] == [(10.5, 3.75, "hypermotor", "bilateral", "leg", "strong"),
                                 (11.0, None, "versive", "left", "head", "")]


def test_boris_aggregated_export(tmp_path: Path):
    path = tmp_path / "agg.tsv"
    path.write_text("Observation id\tSubject\tBehavior\tStart (s)\tStop (s)\tDuration (s)\n"
                    "o\t\tkicking\t2.0\t5.5\t3.5\no\t\thead turn L\t6.0\t6.0\t0\n")
    events = read_boris(path, _terms(tmp_path))
    assert [(e.onset_s, e.duration_s, e.term) for e in events] == [
        (2.0, 3.5, "hypermotor"), (6.0, None, "versive")]


def test_boris_behaviour_missing_from_the_table(tmp_path: Path):
    path = tmp_path / "agg.tsv"
    path.write_text("Behavior\tStart (s)\tStop (s)\nscratching\t1\t2\n")
    with pytest.raises(SemioscopeError, match="'scratching' is not in the term table"):
        read_boris(path, _terms(tmp_path))
