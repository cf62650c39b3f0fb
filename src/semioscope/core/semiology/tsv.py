"""Events as BIDS ``events.tsv`` (write and read back, losslessly) and BORIS exports (read).

Columns written: ``onset, duration, trial_type, laterality, body_part, HED, note, reviewer``
(onset and duration first, as BIDS requires; ``HED`` is the column name BIDS validates). Times are
written with Python's shortest exact float text, so a file read back gives the same numbers; a
point event has duration 0. A file to import needs only ``onset``, ``duration`` and
``trial_type`` (a term name or its HED tag); the other columns are read when present.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from semioscope.core.semiology.events import SemiologyEvent, chronological
from semioscope.core.semiology.vocabulary import Vocabulary
from semioscope.errors import SemioscopeError

COLUMNS = ("onset", "duration", "trial_type", "laterality", "body_part", "HED", "note",
           "reviewer")
NA = "n/a"


def _cell(text: str) -> str:
    """TSV cells hold no tabs or line breaks (BIDS); empty is n/a."""
    clean = " ".join(text.split())
    return clean if clean else NA


def _number(x: float) -> str:
    return repr(float(x))


def events_tsv(events: tuple[SemiologyEvent, ...], vocabulary: Vocabulary) -> str:
    out = io.StringIO()
    out.write("\t".join(COLUMNS) + "\n")
    for e in chronological(events):
        hed = vocabulary.hed_string(e.term, e.laterality, e.body_part)
        cells = [_number(e.onset_s), _number(e.duration_s or 0.0), e.term, _cell(e.laterality),
                 _cell(e.body_part), hed, _cell(e.note), _cell(e.reviewer)]
        out.write("\t".join(cells) + "\n")
    return out.getvalue()


def _read_rows(path: Path) -> list[list[str]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise SemioscopeError(path, f"cannot read the events file ({exc})") from None
    dialect = "excel-tab" if "\t" in text.split("\n", 1)[0] or path.suffix == ".tsv" else "excel"
    return [r for r in csv.reader(io.StringIO(text), dialect=dialect) if any(c.strip() for c in r)]


def _float(text: str, path: Path, line: int, what: str) -> float | None:
    text = text.strip()
    if text in ("", NA):
        return None
    try:
        value = float(text)
    except ValueError:
        raise SemioscopeError(path, f"line {line}: {what} {text!r} is not a number") from None
    if not math.isfinite(value):
        raise SemioscopeError(path, f"line {line}: {what} {text!r} is not a number")
    return value


def read_events_tsv(path: Path, vocabulary: Vocabulary, *,
                    reviewer: str = "") -> tuple[SemiologyEvent, ...]:
    """Events from a BIDS events.tsv (ours or anyone's with onset, duration, trial_type)."""
    rows = _read_rows(path)
    if not rows:
        raise SemioscopeError(path, "is empty")
    header = [h.strip() for h in rows[0]]
    missing = [c for c in ("onset", "duration", "trial_type") if c not in header]
    if missing:
        raise SemioscopeError(path, f"no {', '.join(missing)} column (an events.tsv needs onset, "
                              "duration and trial_type)")
    col = {name: header.index(name) for name in header}
    events = []
    for line, row in enumerate(rows[1:], start=2):
        def get(name: str, row: list[str] = row) -> str:
            i = col.get(name)
            value = row[i].strip() if i is not None and i < len(row) else ""
            return "" if value == NA else value
        onset = _float(get("onset"), path, line, "onset")
        if onset is None:
            raise SemioscopeError(path, f"line {line}: no onset")
        duration = _float(get("duration"), path, line, "duration")
        if not get("trial_type"):
            raise SemioscopeError(path, f"line {line}: no trial_type")
        term = vocabulary.term(get("trial_type"), f"{path} line {line}")
        where = f"{path} line {line}"
        try:
            events.append(SemiologyEvent(
                onset_s=onset, duration_s=duration or None, term=term.name,
                laterality=vocabulary.check_modifier("laterality", get("laterality"), where),
                body_part=vocabulary.check_modifier("body_part", get("body_part"), where),
                note=get("note"), reviewer=get("reviewer") or reviewer))
        except SemioscopeError as exc:
            raise SemioscopeError(path, f"line {line}: {exc.message}") from None
    return chronological(events)


def read_term_table(path: Path, vocabulary: Vocabulary) -> dict[str, dict[str, str]]:
    """A user's BORIS behaviour -> term table (CSV: ``behavior,term[,laterality,body_part]``)."""
    rows = _read_rows(path)
    header = [h.strip().lower() for h in rows[0]] if rows else []
    if "behavior" not in header or "term" not in header:
        raise SemioscopeError(path, "a term table needs the columns behavior and term")
    table: dict[str, dict[str, str]] = {}
    for line, row in enumerate(rows[1:], start=2):
        cells = dict(zip(header, (c.strip() for c in row), strict=False))
        where = f"{path} line {line}"
        table[cells["behavior"]] = {
            "term": vocabulary.term(cells.get("term", ""), where).name,
            "laterality": vocabulary.check_modifier("laterality", cells.get("laterality", ""),
                                                    where),
            "body_part": vocabulary.check_modifier("body_part", cells.get("body_part", ""),
                                                   where)}
    return table


def is_boris(path: Path) -> bool:
    rows = _read_rows(path)
    return any("Behavior" in [c.strip() for c in r] for r in rows[:20])


def read_boris(path: Path, terms: dict[str, dict[str, str]], *,
               reviewer: str = "") -> tuple[SemiologyEvent, ...]:
    """Events from BORIS's tabular export (Time + START/STOP/POINT per behaviour) or its
    aggregated export (Start (s), Stop (s)); each behaviour mapped through ``terms``."""
    rows = _read_rows(path)
    start = next((i for i, r in enumerate(rows) if "Behavior" in [c.strip() for c in r]), None)
    if start is None:
        raise SemioscopeError(path, "not a BORIS export (no Behavior column)")
    col = {name.strip(): i for i, name in enumerate(rows[start])}
    cell = _cell_reader(col)
    status_col = "Behavior type" if "Behavior type" in col else "Status"
    events: list[SemiologyEvent] = []
    open_: dict[tuple[str, str], tuple[float, str]] = {}
    for line, row in enumerate(rows[start + 1:], start=start + 2):
        behaviour = cell(row, "Behavior")
        if behaviour not in terms:
            raise SemioscopeError(path, f"line {line}: behaviour {behaviour!r} is not in the "
                                  "term table")
        note = cell(row, "Comment") or cell(row, "Comment start")
        event = partial(_boris_event, terms[behaviour], reviewer=reviewer, note=note)
        if "Start (s)" in col:
            onset = _float(cell(row, "Start (s)"), path, line, "Start (s)")
            stop = _float(cell(row, "Stop (s)"), path, line, "Stop (s)")
            if onset is None:
                raise SemioscopeError(path, f"line {line}: no start time")
            events.append(event(onset, stop))
            continue
        time = _float(cell(row, "Time"), path, line, "Time")
        status = cell(row, status_col).upper()
        if time is None or status not in ("START", "STOP", "POINT"):
            raise SemioscopeError(path, f"line {line}: needs a Time and {status_col} "
                                  "START, STOP or POINT")
        key = (cell(row, "Subject"), behaviour)
        if status == "POINT":
            events.append(event(time, None))
        elif status == "START":
            open_[key] = (time, note)
        else:
            if key not in open_:
                raise SemioscopeError(path, f"line {line}: STOP of {behaviour!r} without START")
            began, began_note = open_.pop(key)
            events.append(event(began, time, note=began_note or note))
    if open_:
        raise SemioscopeError(path, f"{', '.join(b for _, b in open_)}: START without STOP")
    return chronological(events)


def _cell_reader(col: dict[str, int]) -> Callable[[list[str], str], str]:
    """``cell(row, column name)``: the stripped text, empty where the row is short."""
    def cell(row: list[str], name: str) -> str:
        i = col.get(name)
        return row[i].strip() if i is not None and i < len(row) else ""
    return cell


def _boris_event(mapped: dict[str, str], onset: float, end: float | None, *, note: str,
                 reviewer: str) -> SemiologyEvent:
    """One BORIS behaviour as an event: a point when it has no positive duration."""
    duration = None if end is None or end - onset <= 0 else end - onset
    return SemiologyEvent(onset_s=onset, duration_s=duration, note=note, reviewer=reviewer,
                          **mapped)


def describe_columns(vocabulary: Vocabulary, used: set[str]) -> dict[str, Any]:
    """The ``_events.json`` sidecar: every column described, the terms used as levels."""
    levels = {}
    for name in sorted(used):
        term = vocabulary.terms[name]
        source = "site term, not in HED-SCORE" if term.custom else f"HED-SCORE {term.tag}"
        levels[name] = f"{term.description} ({source})".strip()
    return {
        "onset": {"Description": "Start of the observed sign, from the start of the video.",
                  "Units": "s"},
        "duration": {"Description": "How long the sign lasted; 0 for a sign marked at one "
                     "instant.", "Units": "s"},
        "trial_type": {"Description": "The semiology term (HED-SCORE "
                       f"{vocabulary.schema.version}, ILAE glossary of ictal semiology).",
                       "Levels": levels},
        "laterality": {"Description": "Side of the patient's body.",
                       "Levels": {m.name: m.description for m in vocabulary.laterality.values()}},
        "body_part": {"Description": "Body part showing the sign.",
                      "Levels": {m.name: m.description for m in vocabulary.body_parts.values()}},
        "note": {"Description": "The reviewer's free-text note."},
        "reviewer": {"Description": "Who marked the event (empty when de-identified)."},
    }
