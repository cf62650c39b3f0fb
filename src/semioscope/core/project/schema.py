"""The project database schema, its version history and the migrations between versions.

``PRAGMA user_version`` holds the schema version. Every historical schema stays here, frozen, so
a test can build a database exactly as an older semioscope made it and migrate it forward.

* v1: videos (with the clinical span as two bare columns), crops, results, audit, meta.
* v2: the clinical span moves to its own ``spans`` table that records who set it and when;
  the span columns leave ``videos``.
* v3: the ``results`` table goes (no semioscope ever wrote to it: results live in their own
  JSON files and in the review window's per-video state); the audit trail keeps its rows.

Durability: ``journal_mode=WAL`` with ``synchronous=FULL``. In WAL mode a commit is a write to
the ``-wal`` file; with FULL that write is fsynced before ``COMMIT`` returns, so a confirmed edit
survives not only ``kill -9`` of the app (which NORMAL already survives, the data being in the
OS cache) but also an OS crash or power cut, which NORMAL does not. The price is one fsync per
edit (milliseconds), invisible next to a person pressing a key.
"""

from __future__ import annotations

import contextlib
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

from semioscope.core.crop.editing import STATUSES
from semioscope.errors import SemioscopeError

SCHEMA_VERSION = 4
#: the crop model's statuses (the frozen CHECK constraints below list the same words)
CROP_STATUSES = STATUSES

_AUDIT = """
CREATE TABLE audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    time TEXT NOT NULL,
    user TEXT NOT NULL,
    tbl TEXT NOT NULL,
    row_id INTEGER NOT NULL,
    field TEXT NOT NULL,
    old TEXT,
    new TEXT
);
CREATE INDEX audit_row ON audit (tbl, row_id);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
"""

_CROPS_AND_RESULTS = """
CREATE TABLE crops (
    video_id INTEGER PRIMARY KEY REFERENCES videos (id) ON DELETE RESTRICT,
    status TEXT NOT NULL DEFAULT 'not_cropped' CHECK (status IN
        ('ok', 'needs_review', 'corrected', 'unusable', 'not_cropped')),
    auto_record TEXT,
    auto_box TEXT,
    auto_status TEXT CHECK (auto_status IN ('ok', 'needs_review')),
    auto_reasons TEXT NOT NULL DEFAULT '[]',
    detector TEXT,
    weights_sha256 TEXT,
    manual_box TEXT,
    unusable_reason TEXT,
    user TEXT,
    updated TEXT
);
CREATE INDEX crops_status ON crops (status);
CREATE TABLE results (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    video_id INTEGER NOT NULL REFERENCES videos (id) ON DELETE RESTRICT,
    created TEXT NOT NULL,
    user TEXT NOT NULL,
    json TEXT NOT NULL
);
CREATE INDEX results_video ON results (video_id);
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""

#: schema v1 exactly as semioscope first wrote it (frozen: tests build old projects from it)
V1 = """
CREATE TABLE videos (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    path TEXT NOT NULL UNIQUE,
    sha256 TEXT NOT NULL,
    size INTEGER NOT NULL,
    patient_id TEXT NOT NULL DEFAULT '',
    seizure_id TEXT NOT NULL UNIQUE,
    label TEXT NOT NULL DEFAULT '',
    frames INTEGER,
    fps REAL,
    width INTEGER,
    height INTEGER,
    added TEXT NOT NULL,
    onset_s REAL,
    offset_s REAL
);
CREATE INDEX videos_sha ON videos (sha256);
""" + _CROPS_AND_RESULTS + _AUDIT

#: v1 -> v2: the clinical span gets its own table with who and when
V1_TO_V2 = """
CREATE TABLE spans (
    video_id INTEGER PRIMARY KEY REFERENCES videos (id) ON DELETE RESTRICT,
    onset_s REAL NOT NULL,
    offset_s REAL NOT NULL,
    user TEXT NOT NULL,
    updated TEXT NOT NULL,
    CHECK (onset_s >= 0 AND offset_s > onset_s)
);
INSERT INTO spans (video_id, onset_s, offset_s, user, updated)
    SELECT id, onset_s, offset_s, 'migration', added FROM videos
    WHERE onset_s IS NOT NULL AND offset_s IS NOT NULL AND offset_s > onset_s AND onset_s >= 0;
ALTER TABLE videos DROP COLUMN onset_s;
ALTER TABLE videos DROP COLUMN offset_s;
"""

#: v2 -> v3: the results table, never written by any semioscope, goes (its index with it)
V2_TO_V3 = """
DROP TABLE results;
"""

#: v3 -> v4: semiology events (IF NOT EXISTS: a test may rewind a new project's version)
V3_TO_V4 = """
CREATE TABLE IF NOT EXISTS events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    uid TEXT NOT NULL UNIQUE,
    video_id INTEGER NOT NULL REFERENCES videos (id) ON DELETE RESTRICT,
    onset_s REAL NOT NULL CHECK (onset_s >= 0),
    duration_s REAL CHECK (duration_s IS NULL OR duration_s > 0),
    term TEXT NOT NULL,
    laterality TEXT NOT NULL DEFAULT '',
    body_part TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    reviewer TEXT NOT NULL DEFAULT '',
    user TEXT NOT NULL,
    updated TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS events_video ON events (video_id);
"""

#: version -> script that brings a database at that version to the next one
MIGRATIONS: dict[int, str] = {1: V1_TO_V2, 2: V2_TO_V3, 3: V3_TO_V4}


def configure(conn: sqlite3.Connection, *, read_only: bool = False) -> None:
    """Connection settings every project connection uses (see the module docstring)."""
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA busy_timeout = 10000")
    if not read_only:
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            raise SemioscopeError(None, f"the project database refused WAL mode ({mode})")
    conn.execute("PRAGMA synchronous = FULL")


def version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def _run_script(conn: sqlite3.Connection, script: str, new_version: int) -> None:
    """One migration step in one transaction: all of it or none of it."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        for statement in _statements(script):
            conn.execute(statement)
        conn.execute(f"PRAGMA user_version = {int(new_version)}")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def _statements(script: str) -> list[str]:
    """Split a script on complete statements (triggers contain ``;`` inside BEGIN..END)."""
    out: list[str] = []
    current = ""
    for line in script.splitlines(keepends=True):
        current += line
        if sqlite3.complete_statement(current):
            if current.strip():
                out.append(current.strip())
            current = ""
    if current.strip():
        out.append(current.strip())
    return out


def create_version(conn: sqlite3.Connection, target: int) -> None:
    """A fresh database at schema ``target`` (v1 then the migrations: one path, always tested)."""
    if version(conn) != 0:
        raise SemioscopeError(None, "the database is not empty")
    _run_script(conn, V1, 1)
    upgrade(conn, target)


def upgrade(conn: sqlite3.Connection, target: int = SCHEMA_VERSION,
            progress: Callable[[int, int], None] | None = None) -> int:
    """Migrate to ``target``; returns the version found. A newer project is refused."""
    found = version(conn)
    if found > SCHEMA_VERSION:
        raise SemioscopeError(None, f"the project was made by a newer semioscope (schema v{found}; "
                              f"this version reads up to v{SCHEMA_VERSION}); update semioscope")
    if found == 0:
        raise SemioscopeError(None, "not a semioscope project database (no schema version)")
    for step in range(found, target):
        _run_script(conn, MIGRATIONS[step], step + 1)
        if progress is not None:
            progress(step + 1, target)
    return found


def bring_up_to_date(conn: sqlite3.Connection, db: Path, *, writable: bool) -> None:
    """Open-time check: migrate an older project (after a backup copy beside it, once per
    version) when it may be written; refuse a newer one, or an older one opened read-only.
    ``conn`` is closed when it is refused."""
    try:
        found = version(conn)
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise SemioscopeError(db, f"not a project database ({exc})") from None
    if found == SCHEMA_VERSION:
        return
    if found > SCHEMA_VERSION or not writable:
        conn.close()
        why = ("made by a newer semioscope (schema v{0}; this one reads up to v{1}); update "
               "semioscope" if found > SCHEMA_VERSION else
               "schema v{0} needs upgrading to v{1}: open it once for editing")
        raise SemioscopeError(db, why.format(found, SCHEMA_VERSION))
    backup = db.with_name(f"project.v{found}.backup.sqlite")
    if not backup.exists():
        with contextlib.closing(sqlite3.connect(backup.with_suffix(".tmp"))) as dest:
            conn.backup(dest)
        shutil.move(backup.with_suffix(".tmp"), backup)
    try:
        upgrade(conn)
    except SemioscopeError as exc:
        conn.close()
        raise SemioscopeError(db, exc.message) from None
