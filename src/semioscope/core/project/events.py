"""Semiology events in a project: one ``events`` row each, every change audited.

``write_events(store, video_id, events)`` makes the video's events exactly ``events`` in one
transaction: rows are matched by the event's id, and each added, changed or removed event gets
one audit row (field ``event``, old and new as JSON), so the trail shows who marked what when.
Events are not analysis inputs; nothing here touches crops, spans or results.
"""

from __future__ import annotations

import json
from typing import Any

from semioscope.core.project.store import ProjectStore, now
from semioscope.core.semiology.agreement import DEFAULT_TOLERANCE_S, Agreement, agreement
from semioscope.core.semiology.events import SemiologyEvent, chronological

_COLUMNS = ("onset_s", "duration_s", "term", "laterality", "body_part", "note", "reviewer")


def _event(row: tuple[Any, ...]) -> SemiologyEvent:
    uid, onset, duration, term, lat, part, note, reviewer = row
    return SemiologyEvent(onset_s=float(onset), duration_s=None if duration is None else
                          float(duration), term=term, laterality=lat, body_part=part, note=note,
                          reviewer=reviewer, id=uid)


def read_events(store: ProjectStore, video_id: int) -> tuple[SemiologyEvent, ...]:
    rows = store.conn.execute(f"SELECT uid, {', '.join(_COLUMNS)} FROM events "
                              "WHERE video_id = ?", (video_id,)).fetchall()
    return chronological([_event(r) for r in rows])


def _json(event: SemiologyEvent | None) -> str | None:
    return None if event is None else json.dumps(event.to_dict(), sort_keys=True)


def write_events(store: ProjectStore, video_id: int,
                 events: tuple[SemiologyEvent, ...] | list[SemiologyEvent]) -> int:
    """Make the video's events ``events``; returns how many events changed."""
    new = {e.id: e for e in events}
    changed = 0
    with store.transaction():
        store.row(video_id)  # a missing video is an error, not a silent no-op
        rows = store.conn.execute(f"SELECT id, uid, {', '.join(_COLUMNS)} FROM events "
                                  "WHERE video_id = ?", (video_id,)).fetchall()
        old = {r[1]: (int(r[0]), _event(r[1:])) for r in rows}
        when = now()
        for uid, (row_id, before) in old.items():
            if uid not in new:
                store.conn.execute("DELETE FROM events WHERE id = ?", (row_id,))
                store._audit("events", row_id, "event", _json(before), None, when)
                changed += 1
        for uid, event in new.items():
            values = [getattr(event, c) for c in _COLUMNS]
            if uid in old:
                row_id, before = old[uid]
                if before == event:
                    continue
                sets = ", ".join(f"{c} = ?" for c in _COLUMNS)
                store.conn.execute(f"UPDATE events SET {sets}, user = ?, updated = ? WHERE id = ?",
                                   [*values, store.user, when, row_id])
                store._audit("events", row_id, "event", _json(before), _json(event), when)
            else:
                cur = store.conn.execute(
                    f"INSERT INTO events (uid, video_id, {', '.join(_COLUMNS)}, user, updated) "
                    "VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                    [uid, video_id, *values, store.user, when])
                store._audit("events", int(cur.lastrowid or 0), "event", None, _json(event), when)
            changed += 1
    return changed


def all_events(store: ProjectStore) -> dict[int, tuple[SemiologyEvent, ...]]:
    """Every video's events (videos without any included, empty)."""
    return {row.id: read_events(store, row.id) for row in store.rows()}


def reviewer_agreement(store: ProjectStore, video_id: int, *,
                       tolerance_s: float = DEFAULT_TOLERANCE_S
                       ) -> tuple[str, str, Agreement] | None:
    """When two (or more) reviewers marked this seizure: the first two by name and how far the
    second agrees with the first (what a project view shows per seizure); else None."""
    events = read_events(store, video_id)
    names = sorted({e.reviewer for e in events if e.reviewer})
    if len(names) < 2:
        return None
    a, b = names[:2]
    return a, b, agreement(tuple(e for e in events if e.reviewer == a),
                           tuple(e for e in events if e.reviewer == b), tolerance_s=tolerance_s)
