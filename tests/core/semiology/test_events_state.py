"""Events in the per-video review state and in projects (with their audit rows); they never
change what the results were made from, so they never make them stale."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest

from semioscope.core.project import ProjectStore
from semioscope.core.project import schema as project_schema
from semioscope.core.project.events import read_events, write_events
from semioscope.core.semiology import SemiologyEvent
from semioscope.core.trust import assess
from semioscope.core.video_state import VideoState, load_state, save_state, state_path
from semioscope.errors import SemioscopeError
from tests.core.project.helpers import fake_project
from tests.sample_results import synthetic_results

SHA = "cd" * 32


def _events() -> tuple[SemiologyEvent, ...]:
    return (SemiologyEvent(onset_s=4.0, duration_s=2.5, term="hypermotor", reviewer="ann"),
            SemiologyEvent(onset_s=1.0, term="versive", laterality="left", note="first sign",
                           reviewer="ann"))


def test_event_rules():
    with pytest.raises(SemioscopeError, match="duration"):
        SemiologyEvent(onset_s=1.0, term="tonic", duration_s=0.0)
    e = SemiologyEvent(onset_s=3.0, term="tonic")
    assert e.is_point and e.ended(5.0).duration_s == 2.0 and e.ended(2.0).is_point
    assert e.moved(-4.0).onset_s == 0.0


def test_state_keeps_events_in_order_and_results_stay_fresh():
    results = synthetic_results(n_windows=2)
    save_state(VideoState(SHA, span=(0.5, 6.0), results=results))
    before = assess(load_state(SHA).results, results.inputs)
    state, events = load_state(SHA), _events()
    save_state(replace(state, events=events))
    again = load_state(SHA)
    assert [e.term for e in again.events] == ["versive", "hypermotor"]
    assert set(again.events) == set(events)
    assert again.results == results and again.results.inputs == results.inputs
    after = assess(again.results, results.inputs)
    assert not after.stale and after.codes == before.codes
    data = json.loads(state_path(SHA).read_text())
    assert data["semiology"][0]["term"] == "versive"


def test_damaged_events_are_dropped_but_the_rest_opens():
    save_state(VideoState(SHA, span=(1.0, 2.0), events=_events()))
    data = json.loads(state_path(SHA).read_text())
    data["semiology"][0]["onset_s"] = -5
    state_path(SHA).write_text(json.dumps(data))
    state = load_state(SHA)
    assert state.span == (1.0, 2.0) and state.events == ()


def test_project_events_with_audit_rows(tmp_path: Path):
    with fake_project(tmp_path / "p", 2) as store:
        first, second = _events()
        assert write_events(store, 1, (first, second)) == 2
        assert read_events(store, 1) == (second, first)
        assert read_events(store, 2) == ()
        moved = first.moved(5.0)
        assert write_events(store, 1, (moved,)) == 2      # one moved, one deleted
        assert write_events(store, 1, (moved,)) == 0      # nothing changed: no audit rows
        trail = store.audit("events")
        assert [(a.old is None, a.new is None) for a in trail] == [
            (True, False), (True, False), (False, True), (False, False)]
        assert all(a.user == store.user and a.field == "event" for a in trail)
        assert json.loads(trail[-1].new)["onset_s"] == 5.0
        assert json.loads(trail[-1].old)["onset_s"] == 4.0
        with pytest.raises(SemioscopeError, match="no video 9"):
            write_events(store, 9, (first,))
    with ProjectStore.open(tmp_path / "p", read_only=True) as store:
        assert read_events(store, 1) == (moved,)


def test_a_v3_project_gains_the_events_table(tmp_path: Path):
    with fake_project(tmp_path / "p", 1):
        pass
    conn = sqlite3.connect(tmp_path / "p" / "project.sqlite", isolation_level=None)
    conn.execute("DROP TABLE events")
    conn.execute("PRAGMA user_version = 3")
    conn.close()
    with ProjectStore.open(tmp_path / "p") as store:
        assert project_schema.version(store.conn) == project_schema.SCHEMA_VERSION == 4
        write_events(store, 1, _events()[:1])
        assert len(read_events(store, 1)) == 1
    assert (tmp_path / "p" / "project.v3.backup.sqlite").is_file()


def test_per_seizure_agreement_when_two_reviewers_marked_it(tmp_path: Path):
    from semioscope.core.project.events import reviewer_agreement

    with fake_project(tmp_path / "p", 2) as store:
        write_events(store, 1, (SemiologyEvent(onset_s=1.0, term="versive", reviewer="bo"),
                                SemiologyEvent(onset_s=2.5, term="versive", reviewer="al"),
                                SemiologyEvent(onset_s=8.0, term="tonic", reviewer="al")))
        write_events(store, 2, _events())                    # one reviewer only
        a, b, result = reviewer_agreement(store, 1)
        assert (a, b) == ("al", "bo")
        assert {t.term: t.matched for t in result.terms} == {"tonic": 0, "versive": 1}
        assert reviewer_agreement(store, 2) is None
