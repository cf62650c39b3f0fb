"""The project store: transactions, audit trail, append-only, locking, schema migrations."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from semioscope.core.crop.editing import accepted, nudged, reset, unusable
from semioscope.core.geometry import Box
from semioscope.core.project import ProjectStore, schema
from semioscope.errors import SemioscopeError
from tests.core.project.helpers import auto_record, fake_project, fake_videos

RECORD = {"box": {"x": 10, "y": 20, "w": 50, "h": 40}, "status": "needs_review",
          "reasons": ["unstable"], "detector": {"name": "truth", "weights_sha256": None},
          "frames": []}


def test_create_opens_with_wal_full_sync_foreign_keys(tmp_path: Path):
    with fake_project(tmp_path / "p", 5) as store:
        assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert store.conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
        assert store.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert schema.version(store.conn) == schema.SCHEMA_VERSION
        rows = store.rows()
        assert [r.seizure_id for r in rows] == [f"s{i:03d}" for i in range(5)]
        assert store.counts()["not_cropped"] == 5
        assert (rows[1].onset_s, rows[1].offset_s) == (1.0, 5.0) and rows[0].onset_s is None
    with pytest.raises(SemioscopeError, match="already a semioscope project"):
        ProjectStore.create(tmp_path / "p", fake_videos(1))


def test_a_failing_transaction_rolls_every_statement_back(tmp_path: Path):
    with fake_project(tmp_path / "p", 5) as store:   # videos 1 and 4 have no span
        row = store.set_auto_record(1, RECORD)
        audit_before = len(store.audit())
        with pytest.raises(RuntimeError), store.transaction():
            store.write_crop(1, accepted(row.crop))       # nested: part of this transaction
            store.set_span(1, 0.5, 2.5)
            raise RuntimeError("power cut")
        assert store.row(1).status == "needs_review" and store.row(1).onset_s is None
        assert len(store.audit()) == audit_before
        # a constraint failure half-way through a write leaves nothing either
        with pytest.raises(sqlite3.IntegrityError), store.transaction() as conn:
            store.set_span(4, 0.5, 2.5)
            conn.execute("UPDATE crops SET status = 'bogus' WHERE video_id = 4")
        assert store.row(4).onset_s is None and len(store.audit()) == audit_before


def test_edits_write_an_audit_trail_with_old_and_new_values(tmp_path: Path):
    with fake_project(tmp_path / "p", 2) as store:
        row = store.set_auto_record(1, RECORD)
        assert (row.status, row.auto_box, row.reasons) == ("needs_review", Box(10, 20, 50, 40),
                                                            ("unstable",))
        row = store.write_crop(1, nudged(row.crop, dx=2, dw=-4))
        assert (row.status, row.box) == ("corrected", Box(12, 20, 46, 40))
        row = store.write_crop(1, unusable(row.crop, "patient off camera"))
        trail = [(a.table, a.row_id, a.field, a.old, a.new) for a in store.audit("crops", 1)]
        assert ("crops", 1, "status", "not_cropped", "needs_review") in trail
        assert ("crops", 1, "manual_box", None, "12,20,46,40") in trail
        assert ("crops", 1, "status", "needs_review", "corrected") in trail
        assert ("crops", 1, "status", "corrected", "unusable") in trail
        assert ("crops", 1, "unusable_reason", None, "patient off camera") in trail
        assert all(a.user == store.user and a.time.endswith("Z") for a in store.audit())
        assert store.row(1).user == store.user
        # reset to automatic brings the detector's verdict back
        row = store.write_crop(1, reset(store.row(1).crop))
        assert (row.status, row.box, row.unusable_reason) == ("needs_review", Box(10, 20, 50, 40),
                                                               None)


def test_audit_trail_is_append_only(tmp_path: Path):
    with fake_project(tmp_path / "p", 1) as store:
        n = len(store.audit())
        assert n >= 1
        for sql in ("UPDATE audit SET new = 'forged'", "DELETE FROM audit"):
            with pytest.raises(sqlite3.DatabaseError, match="append-only"):
                store.conn.execute(sql)
        assert len(store.audit()) == n and store.audit()[0].new != "forged"


def test_batch_record_never_overwrites_a_persons_edit(tmp_path: Path):
    with fake_project(tmp_path / "p", 1) as store:
        row = store.set_auto_record(1, RECORD)
        store.write_crop(1, accepted(row.crop))
        row = store.set_auto_record(1, {**RECORD, "box": {"x": 0, "y": 0, "w": 9, "h": 9},
                                        "status": "ok", "reasons": []})
        assert (row.status, row.box, row.auto_box) == ("corrected", Box(10, 20, 50, 40),
                                                       Box(0, 0, 9, 9))
        assert auto_record(store, 1)["box"]["w"] == 9


def test_second_instance_opens_read_only_and_says_who_has_it(tmp_path: Path):
    first = fake_project(tmp_path / "p", 2)
    second = ProjectStore.open(tmp_path / "p")
    try:
        assert second.read_only and first.user in (second.read_only_reason or "")
        assert "process" in (second.read_only_reason or "")
        assert len(second.rows()) == 2
        with pytest.raises(SemioscopeError, match="cannot save: read-only"):
            second.write_crop(1, unusable(second.row(1).crop, "dark"))
        with pytest.raises(SemioscopeError, match="cannot write: .* open for editing"):
            ProjectStore.open(tmp_path / "p", require_write=True)
        # the reader sees the writer's committed edit at once
        first.set_span(1, 1.0, 2.0)
        assert second.row(1).onset_s == 1.0
    finally:
        second.close()
        first.close()
    with ProjectStore.open(tmp_path / "p") as again:
        assert not again.read_only


def test_not_a_project_and_newer_schema_are_refused(tmp_path: Path):
    with pytest.raises(SemioscopeError, match="not a semioscope project"):
        ProjectStore.open(tmp_path)
    fake_project(tmp_path / "p", 1).close()
    with sqlite3.connect(tmp_path / "p" / "project.sqlite") as conn:
        conn.execute("PRAGMA user_version = 99")
    with pytest.raises(SemioscopeError, match="newer semioscope .*v99"):
        ProjectStore.open(tmp_path / "p")


def _v1_project(folder: Path) -> None:
    """A project exactly as schema v1 stored it (span columns on videos)."""
    folder.mkdir()
    conn = sqlite3.connect(folder / "project.sqlite", isolation_level=None)
    schema.configure(conn)
    schema._run_script(conn, schema.V1, 1)
    for i, (on, off) in enumerate([(1.5, 9.0), (None, None), (4.0, 2.0)], start=1):
        conn.execute("INSERT INTO videos (path, sha256, size, seizure_id, added, onset_s,"
                     " offset_s, width, height) VALUES (?,?,?,?,?,?,?,128,96)",
                     (f"/v/{i}.mkv", f"{i:064x}", 10, f"s{i}", "2025-01-01T00:00:00Z", on, off))
        conn.execute("INSERT INTO crops (video_id, status, manual_box, user, updated) "
                     "VALUES (?, 'corrected', '1,2,30,40', 'ann', '2025-01-02T00:00:00Z')", (i,))
    conn.execute("INSERT INTO audit (time, user, tbl, row_id, field, old, new) "
                 "VALUES ('2025-01-02T00:00:00Z', 'ann', 'crops', 1, 'status', 'ok', 'corrected')")
    conn.close()


def test_migration_from_v1_moves_spans_keeps_edits_and_backs_up(tmp_path: Path):
    _v1_project(tmp_path / "p")
    with ProjectStore.open(tmp_path / "p") as store:
        assert schema.version(store.conn) == schema.SCHEMA_VERSION
        rows = store.rows()
        assert [(r.onset_s, r.offset_s) for r in rows] == [(1.5, 9.0), (None, None),
                                                           (None, None)]  # 4 > 2: not a span
        assert all(r.manual_box == Box(1, 2, 30, 40) and r.status == "corrected" for r in rows)
        cols = [c[1] for c in store.conn.execute("PRAGMA table_info(videos)")]
        assert "onset_s" not in cols
        assert store.audit()[0].user == "ann"   # the old trail survives
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            store.conn.execute("DELETE FROM audit")
    backup = sqlite3.connect(tmp_path / "p" / "project.v1.backup.sqlite")
    assert backup.execute("PRAGMA user_version").fetchone()[0] == 1
    backup.close()


def test_fresh_creation_equals_v1_plus_migrations():
    """Every schema version can be built (the chain a real old project goes through)."""
    conn = sqlite3.connect(":memory:", isolation_level=None)
    schema.create_version(conn, 1)
    assert schema.version(conn) == 1
    assert "spans" not in {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    schema.upgrade(conn)
    assert schema.version(conn) == schema.SCHEMA_VERSION
    assert "spans" in {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    assert "results" not in {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}


def test_read_only_open_of_an_old_schema_asks_for_an_upgrade(tmp_path: Path):
    _v1_project(tmp_path / "p")
    with pytest.raises(SemioscopeError, match="needs upgrading"):
        ProjectStore.open(tmp_path / "p", read_only=True)


def _v2_project_with_a_result(folder: Path) -> None:
    """A project as schema v2 stored it: one video, a crop edit, and a row in ``results``."""
    with fake_project(folder, 1) as store:
        store.write_crop(1, unusable(store.row(1).crop, "lens covered"))
    conn = sqlite3.connect(folder / "project.sqlite", isolation_level=None)
    conn.execute("PRAGMA user_version = 2")   # as v2 left it: with its results table
    conn.execute("""CREATE TABLE results (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        video_id INTEGER NOT NULL REFERENCES videos (id) ON DELETE RESTRICT,
        created TEXT NOT NULL, user TEXT NOT NULL, json TEXT NOT NULL)""")
    conn.execute("CREATE INDEX results_video ON results (video_id)")
    conn.execute("INSERT INTO results (video_id, created, user, json) VALUES (1, 'then', 'ann', '{}')")
    conn.close()


def test_migration_to_v3_drops_the_results_table_keeps_the_rest_and_backs_up(tmp_path: Path):
    _v2_project_with_a_result(tmp_path / "p")
    with ProjectStore.open(tmp_path / "p") as store:
        assert schema.version(store.conn) == schema.SCHEMA_VERSION >= 3
        names = {r[0] for r in store.conn.execute("SELECT name FROM sqlite_master")}
        assert "results" not in names and "results_video" not in names
        assert {"videos", "crops", "spans", "audit", "meta"} <= names
        row = store.row(1)
        assert (row.status, row.unusable_reason) == ("unusable", "lens covered")
        assert [a.field for a in store.audit("crops", 1)] == ["status", "unusable_reason"]
    backup = sqlite3.connect(tmp_path / "p" / "project.v2.backup.sqlite")
    assert backup.execute("PRAGMA user_version").fetchone()[0] == 2
    assert backup.execute("SELECT user FROM results").fetchall() == [("ann",)]
    backup.close()
