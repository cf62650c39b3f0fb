"""The project store: one folder, one ``project.sqlite``, every write a transaction + audit rows.

    store = ProjectStore.open(folder)            # read-only (with .read_only_reason) if in use
    rows = store.rows()                          # VideoRow per video, for the dataset table
    store.write_crop(row.id, accepted(row.crop))  # edits: core/crop/editing.py

Every change to a row also appends one audit row per changed field (table, row, field, old, new,
user, time) in the same transaction, so the audit trail and the data can never disagree. The
source videos are only ever opened for reading; the store writes inside its own folder only.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import semioscope.core.project.schema as schema
from semioscope.core.crop.editing import Crop
from semioscope.core.project.lock import ProjectLock, current_user
from semioscope.core.project.model import AuditEntry, VideoRow, box_text, crop_columns, parse_box
from semioscope.errors import SemioscopeError

DB_NAME = "project.sqlite"

_ROWS_SQL = """
SELECT v.id, v.path, v.sha256, v.size, v.patient_id, v.seizure_id, v.label, v.frames, v.fps,
       v.width, v.height, c.status, c.auto_reasons AS reasons, c.auto_box, c.auto_status, c.manual_box,
       c.unusable_reason, c.detector, c.weights_sha256, c.user, c.updated, s.onset_s, s.offset_s,
       json_extract(c.auto_record, '$.detector.pretrained') AS detector_pretrained
FROM videos v JOIN crops c ON c.video_id = v.id LEFT JOIN spans s ON s.video_id = v.id
"""


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass(frozen=True)
class NewVideo:
    """A video about to enter a project (from a manifest or a folder scan)."""

    path: str
    sha256: str
    size: int
    seizure_id: str
    patient_id: str = ""
    label: str = ""
    frames: int | None = None
    fps: float | None = None
    width: int | None = None
    height: int | None = None
    onset_s: float | None = None
    offset_s: float | None = None


def is_project(folder: str | Path) -> bool:
    return (Path(folder) / DB_NAME).is_file()


#: columns stored as text that a VideoRow holds parsed (every other column is taken as it is)
_PARSED: dict[str, Callable[[Any], Any]] = {
    "reasons": lambda text: tuple(json.loads(text or "[]")),
    "auto_box": parse_box, "manual_box": parse_box,
    "detector_pretrained": lambda v: None if v is None else bool(v)}


def _video_rows(cursor: sqlite3.Cursor) -> list[VideoRow]:
    """VideoRows by column name (the SELECT names every column as the field it fills)."""
    names = [d[0] for d in cursor.description]
    return [VideoRow(**{n: _PARSED[n](v) if n in _PARSED else v
                        for n, v in zip(names, r, strict=True)}) for r in cursor]


class ProjectStore:
    """An open project. Writes need the project's write lock; without it the store is
    read-only and says why in :attr:`read_only_reason`."""

    def __init__(self, folder: Path, conn: sqlite3.Connection, lock: ProjectLock | None,
                 read_only_reason: str | None, owns_lock: bool) -> None:
        self.folder = folder
        self.conn = conn
        self.lock = lock
        self.read_only_reason = read_only_reason
        self._owns_lock = owns_lock
        self.user = current_user()

    # -- opening -------------------------------------------------------------------------------
    @classmethod
    def open(cls, folder: str | Path, *, read_only: bool = False,
             require_write: bool = False) -> ProjectStore:
        """Open for editing if nobody else is; otherwise read-only (or an error with
        ``require_write``, for batch commands that only exist to write)."""
        folder = Path(folder)
        db = folder / DB_NAME
        if not db.is_file():
            raise SemioscopeError(folder, f"not a semioscope project (no {DB_NAME}); "
                                  "make one with `semioscope project create`")
        if db.stat().st_size == 0:   # every action says the same, and none writes into it
            raise SemioscopeError(db, "is an empty file, not a semioscope project database; "
                                  "restore it from a backup or make the project again")
        reason: str | None = "opened read-only" if read_only else None
        lock: ProjectLock | None = None
        if not read_only:
            lock = ProjectLock(folder)
            if not lock.acquire():
                reason = f"read-only: {lock.describe_holder()}"
                if require_write:
                    raise SemioscopeError(folder, f"cannot write: {lock.describe_holder()}")
                lock = None
        try:
            conn = _connect(db, read_only=reason is not None)
            schema.bring_up_to_date(conn, db, writable=reason is None)
        except BaseException:
            if lock is not None:
                lock.release()
            raise
        return cls(folder, conn, lock, reason, owns_lock=True)

    @classmethod
    def create(cls, folder: str | Path, videos: list[NewVideo]) -> ProjectStore:
        """A new project from ``videos``; built beside and renamed into place, so an
        interrupted creation leaves no half-made project."""
        folder = Path(folder)
        if (folder / DB_NAME).exists():
            raise SemioscopeError(folder, "is already a semioscope project")
        if not videos:
            raise SemioscopeError(folder, "no videos to put in the project")
        folder.mkdir(parents=True, exist_ok=True)
        tmp = folder / f".{DB_NAME}.creating"
        for leftover in folder.glob(f".{DB_NAME}.creating*"):
            leftover.unlink()
        conn = sqlite3.connect(tmp, isolation_level=None)
        try:
            schema.configure(conn)
            schema.create_version(conn, schema.SCHEMA_VERSION)
            store = cls(folder, conn, None, None, owns_lock=False)
            with store.transaction():
                store._set_meta("created", now())
                store._set_meta("created_by", store.user)
                for video in videos:
                    store._insert_video(video)
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            conn.close()
        tmp.replace(folder / DB_NAME)
        return cls.open(folder)

    def another_connection(self) -> ProjectStore:
        """A second connection for a worker thread, sharing this store's lock (not owning it)."""
        conn = _connect(self.folder / DB_NAME, read_only=self.read_only)
        return ProjectStore(self.folder, conn, self.lock, self.read_only_reason, owns_lock=False)

    @property
    def read_only(self) -> bool:
        return self.read_only_reason is not None

    def close(self) -> None:
        self.conn.close()
        if self._owns_lock and self.lock is not None:
            self.lock.release()

    def __enter__(self) -> ProjectStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- transactions and the audit trail --------------------------------------------------------
    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """``BEGIN IMMEDIATE`` .. ``COMMIT``; any exception rolls every statement back."""
        if self.read_only:
            raise SemioscopeError(self.folder, f"cannot save: {self.read_only_reason}")
        if self.conn.in_transaction:  # nested: part of the caller's transaction
            yield self.conn
            return
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    def _audit(self, table: str, row_id: int, field: str, old: Any, new: Any,
               when: str) -> None:
        self.conn.execute(
            "INSERT INTO audit (time, user, tbl, row_id, field, old, new) VALUES (?,?,?,?,?,?,?)",
            (when, self.user, table, row_id, field, _text(old), _text(new)))

    def _update(self, table: str, key: str, row_id: int, changes: dict[str, Any]) -> int:
        """Change the fields that differ and audit each; returns how many changed."""
        cols = ", ".join(changes)
        old = self.conn.execute(f"SELECT {cols} FROM {table} WHERE {key} = ?",
                                (row_id,)).fetchone()
        if old is None:
            raise SemioscopeError(self.folder, f"no {table} row {row_id} in the project")
        diff = {c: v for (c, v), before in zip(changes.items(), old, strict=True) if before != v}
        if not diff:
            return 0
        when = now()
        extra = {"user": self.user, "updated": when} if table in ("crops", "spans") else {}
        sets = ", ".join(f"{c} = ?" for c in [*diff, *extra])
        self.conn.execute(f"UPDATE {table} SET {sets} WHERE {key} = ?",
                          [*diff.values(), *extra.values(), row_id])
        for (c, v), before in zip(changes.items(), old, strict=True):
            if c in diff:
                self._audit(table, row_id, c, before, v, when)
        return len(diff)

    def _insert_video(self, v: NewVideo) -> int:
        when = now()
        cur = self.conn.execute(
            "INSERT INTO videos (path, sha256, size, patient_id, seizure_id, label, frames, fps,"
            " width, height, added) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            (v.path, v.sha256, v.size, v.patient_id, v.seizure_id, v.label, v.frames, v.fps,
             v.width, v.height, when))
        video_id = int(cur.lastrowid or 0)
        self.conn.execute("INSERT INTO crops (video_id, user, updated) VALUES (?,?,?)",
                          (video_id, self.user, when))
        self._audit("videos", video_id, "path", None, v.path, when)
        if v.onset_s is not None and v.offset_s is not None:
            self.set_span(video_id, v.onset_s, v.offset_s)
        return video_id

    def _set_meta(self, key: str, value: str) -> None:
        self.conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    # -- reading ---------------------------------------------------------------------------------
    def rows(self) -> list[VideoRow]:
        return _video_rows(self.conn.execute(_ROWS_SQL + " ORDER BY v.id"))

    def row(self, video_id: int) -> VideoRow:
        found = _video_rows(self.conn.execute(_ROWS_SQL + " WHERE v.id = ?", (video_id,)))
        if not found:
            raise SemioscopeError(self.folder, f"no video {video_id} in the project")
        return found[0]

    def counts(self) -> dict[str, int]:
        """Videos per crop status (every status listed, zeros included)."""
        found = dict(self.conn.execute("SELECT status, COUNT(*) FROM crops GROUP BY status"))
        return {s: int(found.get(s, 0)) for s in schema.CROP_STATUSES}

    def audit(self, table: str | None = None, row_id: int | None = None) -> list[AuditEntry]:
        sql, args = "SELECT * FROM audit WHERE 1=1", list[object]()
        if table is not None:
            sql, args = sql + " AND tbl = ?", [*args, table]
        if row_id is not None:
            sql, args = sql + " AND row_id = ?", [*args, row_id]
        return [AuditEntry(*r) for r in self.conn.execute(sql + " ORDER BY id", args)]

    # -- writing ---------------------------------------------------------------------------------
    def write_crop(self, video_id: int, crop: Crop) -> VideoRow:
        """Save a person's edit (accept, box, unusable, reset) at once; returns the new row."""
        if crop.status not in schema.CROP_STATUSES:
            raise SemioscopeError(self.folder, f"unknown crop status {crop.status!r}")
        with self.transaction():
            self._update("crops", "video_id", video_id, crop_columns(crop))
        return self.row(video_id)

    def set_auto_record(self, video_id: int, record: dict[str, Any]) -> VideoRow:
        """Store a detector's crop record. A person's edit (corrected / unusable) is kept: only
        the automatic columns change then."""
        with self.transaction():
            status = self.conn.execute("SELECT status FROM crops WHERE video_id = ?",
                                       (video_id,)).fetchone()
            if status is None:
                raise SemioscopeError(self.folder, f"no video {video_id} in the project")
            detector = record.get("detector") or {}
            changes: dict[str, Any] = {
                "auto_record": json.dumps(record, sort_keys=True),
                "auto_box": box_text(parse_box(",".join(str(record["box"][k])
                                                        for k in "xywh"))),
                "auto_status": record["status"],
                "auto_reasons": json.dumps(list(record.get("reasons", []))),
                "detector": detector.get("name"),
                "weights_sha256": detector.get("weights_sha256"),
            }
            if status[0] not in ("corrected", "unusable"):
                changes["status"] = record["status"]
            self._update("crops", "video_id", video_id, changes)
        return self.row(video_id)

    def set_span(self, video_id: int, onset_s: float, offset_s: float) -> None:
        if not (0 <= onset_s < offset_s):
            raise SemioscopeError(self.folder, f"span {onset_s:g}-{offset_s:g} s: the onset must "
                                  "be before the offset and not negative")
        with self.transaction():
            exists = self.conn.execute("SELECT 1 FROM spans WHERE video_id = ?",
                                       (video_id,)).fetchone()
            if exists:
                self._update("spans", "video_id", video_id,
                             {"onset_s": onset_s, "offset_s": offset_s})
                return
            when = now()
            self.conn.execute("INSERT INTO spans (video_id, onset_s, offset_s, user, updated) "
                              "VALUES (?,?,?,?,?)", (video_id, onset_s, offset_s, self.user, when))
            self._audit("spans", video_id, "onset_s", None, onset_s, when)
            self._audit("spans", video_id, "offset_s", None, offset_s, when)

    def set_video_path(self, video_id: int, path: str) -> None:
        with self.transaction():
            self._update("videos", "id", video_id, {"path": path})


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _connect(db: Path, *, read_only: bool) -> sqlite3.Connection:
    try:
        if read_only:
            conn = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True,
                                   isolation_level=None, check_same_thread=True)
        else:
            conn = sqlite3.connect(db, isolation_level=None)
        schema.configure(conn, read_only=read_only)
    except sqlite3.DatabaseError as exc:
        raise SemioscopeError(db, f"cannot open the project database ({exc})") from None
    return conn
