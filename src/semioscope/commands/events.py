"""``semioscope events``: semiology events (HED-SCORE terms) of a video or a project.

    events list (VIDEO | PROJECT) [--json]
    events import FILE.tsv --into (VIDEO | PROJECT) [--seizure ID] [--terms MAP.csv]
    events export (VIDEO | PROJECT) --bids DIR
    events agree A B [--tolerance S]      A, B: events.tsv, BIDS folder, VIDEO or PROJECT,
                                          each optionally @REVIEWER (only that reviewer's events)

A video's events live in its review state (the data folder, by content hash), a project's in its
database with the audit trail. Importing adds to the events already there (the same event twice
is kept once) and never touches crops, spans or results.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

HELP = "semiology events in HED-SCORE terms: list, import (BIDS / BORIS), export BIDS, agreement"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="events_command", metavar="ACTION", required=True)
    p = sub.add_parser("list", help="the events of a video or of every seizure of a project")
    p.add_argument("target", metavar="VIDEO|PROJECT")
    p.add_argument("--json", action="store_true", help="print JSON")

    p = sub.add_parser("import", help="add events from a BIDS events.tsv, a BORIS export, or "
                       "a video's review state (the events marked on it in the review window)")
    p.add_argument("file", metavar="FILE.tsv", help="events.tsv, BORIS export, or a video")
    p.add_argument("--into", required=True, metavar="VIDEO|PROJECT")
    p.add_argument("--seizure", metavar="ID", help="the project's seizure (default: the one "
                   "named by the file's _video.json, as `events export` writes it)")
    p.add_argument("--terms", metavar="MAP.csv", help="BORIS behaviour -> term table (columns "
                   "behavior,term[,laterality,body_part]); needed for a BORIS export")
    p.add_argument("--reviewer", metavar="NAME", help="who marked events that name nobody "
                   "(default: you)")

    p = sub.add_parser("export", help="write a BIDS dataset: one events file per seizure")
    p.add_argument("target", metavar="VIDEO|PROJECT")
    p.add_argument("--bids", required=True, metavar="DIR", help="the dataset folder (new, "
                   "empty, or an earlier export)")
    p.add_argument("--patient", default="01", help="subject label for a single video (01)")

    p = sub.add_parser("agree", help="agreement of B with A: per-term P/R/F1, kappa on 1-s bins")
    p.add_argument("a", metavar="A")
    p.add_argument("b", metavar="B")
    p.add_argument("--tolerance", type=float, default=2.0, metavar="S",
                   help="onsets this close match (seconds, default 2)")
    p.add_argument("--json", action="store_true", help="print JSON")


def run(args: argparse.Namespace) -> int:
    handler = {"list": _list, "import": _import, "export": _export,
               "agree": _agree}[args.events_command]
    return int(handler(args))


# -- where events live --------------------------------------------------------------------------
def _is_project(path: str) -> bool:
    from semioscope.core.project import is_project
    return is_project(path)


def _is_video(path: Path) -> bool:
    from semioscope.core.outputs import VIDEO_SUFFIXES
    return path.suffix.lower() in VIDEO_SUFFIXES


def _video_sha(path: str) -> str:
    from semioscope.core.hashing import file_sha256
    from semioscope.errors import SemioscopeError

    if not Path(path).is_file():
        raise SemioscopeError(path, "no such video file or project folder")
    return file_sha256(Path(path))


def _event_json(e: Any, onset: float | None) -> dict[str, Any]:
    from semioscope.core.semiology.events import since_onset
    return {**e.to_dict(), "since_onset_s": round(since_onset(e, onset), 3)}


def _list(args: argparse.Namespace) -> int:
    from semioscope.core.semiology.events import format_since, since_onset

    seizures = _seizures(args.target)
    if args.json:
        print(json.dumps([{"seizure_id": s["seizure_id"], "patient_id": s["patient_id"],
                           "events": [_event_json(e, s["onset"]) for e in s["events"]]}
                          for s in seizures], indent=1))
        return 0
    for s in seizures:
        print(f"{s['seizure_id']}: {len(s['events'])} events")
        for e in s["events"]:
            length = "point" if e.is_point else f"{e.duration_s:.1f} s"
            extra = ", ".join(x for x in (e.laterality, e.body_part) if x)
            print(f"  {format_since(since_onset(e, s['onset']))}  {e.term}"
                  f"{' (' + extra + ')' if extra else ''}  {length}  {e.reviewer}")
    return 0


def _seizures(target: str) -> list[dict[str, Any]]:
    """Every seizure of the target: id, patient, clinical onset, events, and its video facts."""
    if _is_project(target):
        from semioscope.core.project import ProjectStore
        from semioscope.core.project.events import read_events

        with ProjectStore.open(target, read_only=True) as store:
            return [{"seizure_id": r.seizure_id, "patient_id": r.patient_id, "onset": r.onset_s,
                     "events": read_events(store, r.id), "row": r} for r in store.rows()]
    from semioscope.core.video_state import load_state

    state = load_state(_video_sha(target))
    return [{"seizure_id": Path(target).stem, "patient_id": "", "events": state.events,
             "onset": state.span[0] if state.span else None, "row": None}]


# -- import ---------------------------------------------------------------------------------------
def _read_file(args: argparse.Namespace) -> tuple[Any, ...]:
    from semioscope.core.project import current_user
    from semioscope.core.semiology import load_vocabulary
    from semioscope.core.semiology.tsv import (
        is_boris,
        read_boris,
        read_events_tsv,
        read_term_table,
    )
    from semioscope.errors import SemioscopeError

    vocab = load_vocabulary()
    path = Path(args.file)
    if not path.is_file():
        raise SemioscopeError(path, "no such file")
    reviewer = args.reviewer or current_user()
    if _is_video(path):   # the events marked on it in the review window
        from semioscope.core.video_state import load_state
        return load_state(_video_sha(str(path))).events
    if is_boris(path):
        if not args.terms:
            raise SemioscopeError(path, "is a BORIS export: give --terms MAP.csv (behavior,term)")
        return read_boris(path, read_term_table(Path(args.terms), vocab), reviewer=reviewer)
    return read_events_tsv(path, vocab, reviewer=reviewer)


def _merged(old: tuple[Any, ...], new: tuple[Any, ...]) -> tuple[Any, ...]:
    """Old events plus the new ones that are not already there (same content, any id)."""
    from dataclasses import replace

    def key(e: Any) -> Any:
        return replace(e, id="")
    seen = {key(e) for e in old}
    return (*old, *[e for e in new if key(e) not in seen])


def _import(args: argparse.Namespace) -> int:
    from semioscope.core.semiology.bids import seizure_id_of
    from semioscope.errors import SemioscopeError

    events = _read_file(args)
    if _is_project(args.into):
        from semioscope.core.project import ProjectStore
        from semioscope.core.project.events import read_events, write_events

        seizure = args.seizure or seizure_id_of(Path(args.file))
        sha = _video_sha(args.file) if _is_video(Path(args.file)) and not seizure else None
        if not seizure and not sha:
            raise SemioscopeError(args.file, "which seizure? give --seizure ID")
        with ProjectStore.open(args.into, require_write=True) as store:
            row = next((r for r in store.rows()
                        if r.seizure_id == seizure or (sha and r.sha256 == sha)), None)
            if row is None and sha:
                raise SemioscopeError(args.into, f"{Path(args.file).name} is not one of the "
                                      "project's videos: give --seizure ID")
            seizure = row.seizure_id if row is not None else seizure
            if row is None:
                raise SemioscopeError(args.into, f"no seizure {seizure!r} in the project")
            old = read_events(store, row.id)
            merged = _merged(old, events)
            write_events(store, row.id, merged)
    else:
        from dataclasses import replace

        from semioscope.core.video_state import load_state, save_state

        state = load_state(_video_sha(args.into))
        old = state.events
        merged = _merged(old, events)
        save_state(replace(state, events=merged))
        seizure = Path(args.into).name
    print(f"{seizure}: {len(merged)} events ({len(merged) - len(old)} new of {len(events)} "
          f"read from {Path(args.file).name})")
    return 0


# -- export ---------------------------------------------------------------------------------------
def _export(args: argparse.Namespace) -> int:
    from semioscope.core.outputs import refuse_source_targets
    from semioscope.core.semiology import load_vocabulary
    from semioscope.core.semiology.bids import SeizureEvents, bep047_video_fields, export_bids

    vocab = load_vocabulary()
    seizures = _seizures(args.target)
    videos = [s["row"].path for s in seizures if s["row"] is not None] or [args.target]
    refuse_source_targets([args.bids], videos)
    out = []
    for s in seizures:
        row = s["row"]
        if row is None:
            video = _video_facts(args.target)
            patient = args.patient
        else:
            video = bep047_video_fields(row.width, row.height, row.fps, "",
                                        row.frames / row.fps if row.frames and row.fps else None)
            patient = row.patient_id or row.seizure_id
        out.append(SeizureEvents(patient, s["seizure_id"], s["events"], video))
    written = export_bids(Path(args.bids), out, vocab)
    n = sum(len(s.events) for s in out)
    print(f"{args.bids}: {len(written)} events files, {n} events, "
          f"{len({s.patient_id for s in out})} participants")
    return 0


def _video_facts(path: str) -> dict[str, Any]:
    from semioscope.core.semiology.bids import bep047_video_fields
    from semioscope.core.video import open_video

    with open_video(path) as reader:
        p = reader.properties
    return bep047_video_fields(p.width, p.height, p.fps, p.codec, p.duration_s)


# -- agreement ------------------------------------------------------------------------------------
def _source(spec: str) -> dict[str, tuple[Any, ...]]:
    """``spec``'s events by seizure: a file, a BIDS folder, a video or a project[@reviewer]."""
    from semioscope.core.semiology import load_vocabulary
    from semioscope.core.semiology.tsv import read_events_tsv
    from semioscope.errors import SemioscopeError

    reviewer = None
    if not Path(spec).exists() and "@" in spec:
        spec, reviewer = spec.rsplit("@", 1)
    path = Path(spec)
    if path.is_dir() and not _is_project(spec):
        files = sorted(path.rglob("*_events.tsv"))
        if not files:
            raise SemioscopeError(path, "no *_events.tsv files in this folder")
        vocab = load_vocabulary()
        found = {str(f.relative_to(path)): read_events_tsv(f, vocab) for f in files}
    elif path.suffix.lower() in (".tsv", ".csv", ".txt"):
        found = {"events": read_events_tsv(path, load_vocabulary())}
    else:
        found = {s["seizure_id"]: s["events"] for s in _seizures(spec)}
    if reviewer is not None:
        found = {k: tuple(e for e in v if e.reviewer == reviewer) for k, v in found.items()}
    return found


def _agree(args: argparse.Namespace) -> int:
    from semioscope.core.semiology.agreement import agreement
    from semioscope.errors import SemioscopeError

    a, b = _source(args.a), _source(args.b)
    if len(a) == 1 and len(b) == 1:
        pairs = [(next(iter(a)), next(iter(a.values())), next(iter(b.values())))]
    else:
        common = sorted(set(a) & set(b))
        if not common:
            raise SemioscopeError(args.b, "no seizure in common with A")
        pairs = [(k, a[k], b[k]) for k in common]
    report: list[dict[str, Any]] = []
    for key, ea, eb in pairs:
        if not ea and not eb:
            continue
        result = agreement(ea, eb, tolerance_s=args.tolerance)
        report.append({"seizure": key, "kappa": _round(result.kappa), "f1": _round(result.f1),
                       "bins": result.bins, "terms": [
                           {"term": t.term, "a": t.n_a, "b": t.n_b, "matched": t.matched,
                            "precision": _round(t.precision), "recall": _round(t.recall),
                            "f1": _round(t.f1), "kappa": _round(t.kappa)} for t in result.terms]})
    if args.json:
        print(json.dumps({"tolerance_s": args.tolerance, "seizures": report}, indent=1))
        return 0

    def f(x: Any) -> str:
        return "  -  " if x is None else f"{x:5.2f}"
    for r in report:
        print(f"{r['seizure']}: F1 {f(r['f1'])}  kappa {f(r['kappa'])} over {r['bins']} 1-s bins "
              f"(onset tolerance {args.tolerance:g} s)")
        print(f"  {'term':32} {'A':>3} {'B':>3} {'P':>5} {'R':>5} {'F1':>5} {'kappa':>5}")
        for t in r["terms"]:
            print(f"  {t['term']:32} {t['a']:3d} {t['b']:3d} {f(t['precision'])} "
                  f"{f(t['recall'])} {f(t['f1'])} {f(t['kappa'])}")
    return 0


def _round(x: float | None) -> float | None:
    """Six decimals: enough to read, and no -4e-16 for a kappa of 0."""
    return None if x is None else round(x, 6) + 0.0
