"""`semioscope project`: a dataset as a project folder (create, crop, status, export, ...)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from semioscope.commands.detector_choice import add_pack_argument

HELP = "a dataset as a project: create, batch crop (resumable), status, export, import, relink"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="project_command", metavar="ACTION", required=True)
    p = sub.add_parser("create", help="make a project from a manifest CSV or a folder of videos")
    p.add_argument("dir", help="the project folder to create")
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--manifest", metavar="CSV", help="columns video[,patient_id,seizure_id,"
                     "label,onset_s,offset_s]; paths relative to the CSV")
    src.add_argument("--scan", metavar="FOLDER", help="every video file under FOLDER")

    p = sub.add_parser("crop", help="crop every video (resumable; keeps people's edits)")
    p.add_argument("dir", help="the project folder")
    p.add_argument("--detector", default=None,
                   choices=("maskrcnn", "fasterrcnn-mobilenet", "truth"),
                   help="maskrcnn (default), fasterrcnn-mobilenet (faster), or truth: NOT a "
                        "detector, replays synthetic ground truth (demos and tests)")
    p.add_argument("--weights", metavar="PATH", help="detector weights file")
    add_pack_argument(p)
    p.add_argument("--allow-untrained", action="store_true",
                   help="run with random weights if none are found (testing only)")
    p.add_argument("--frames", type=int, default=5, help="frames examined per video (default 5)")
    p.add_argument("--seconds", type=float, default=3.0, help="over the first seconds (3.0)")
    p.add_argument("--mapping", default="kinect", choices=("kinect", "percentile"))
    p.add_argument("--threads", type=int, default=None, help="CPU threads for the detector")

    p = sub.add_parser("status", help="videos per crop status")
    p.add_argument("dir", help="the project folder")
    p.add_argument("--json", action="store_true", help="print JSON instead of text")

    p = sub.add_parser("export", help="write the confirmed crops as a training manifest")
    p.add_argument("dir", help="the project folder")
    p.add_argument("--out", required=True, metavar="CSV", help="manifest to write")

    p = sub.add_parser("import", help="import crop edits from another project (by video hash)")
    p.add_argument("dir", help="the project folder")
    p.add_argument("--from", dest="source", required=True, metavar="OTHER_PROJECT")

    p = sub.add_parser("relink", help="find moved videos again under a folder (by hash)")
    p.add_argument("dir", help="the project folder")
    p.add_argument("--search", required=True, metavar="FOLDER")


def run(args: argparse.Namespace) -> int:
    handler = {"create": _create, "crop": _crop, "status": _status, "export": _export,
               "import": _import, "relink": _relink}[args.project_command]
    return handler(args)


def _print_lines(lines: list[str]) -> None:
    print("\n".join(lines))


def _create(args: argparse.Namespace) -> int:
    from semioscope.core.project import create_project

    def progress(done: int, total: int, path: Any) -> None:
        print(f"[{done}/{total}] hashed {path.name}", file=sys.stderr, flush=True)

    with create_project(args.dir, manifest=args.manifest, scan=args.scan,
                        progress=progress) as store:
        n = len(store.rows())
    print(f"project {args.dir}: {n} videos")
    return 0


def _crop(args: argparse.Namespace) -> int:
    from semioscope.commands.detector_choice import detector_from_args
    from semioscope.core.plans import check_seconds, check_threads
    from semioscope.core.project import ProjectStore
    from semioscope.core.project.batch import crop_project
    from semioscope.errors import SemioscopeError

    if args.frames < 1:
        raise SemioscopeError("--frames", f"need at least 1 frame, got {args.frames}")
    check_seconds(args.seconds)
    check_threads(args.threads)
    with ProjectStore.open(args.dir, require_write=True) as store:  # before loading a model
        detector = detector_from_args(args)

        def progress(position: int, total: int, row: Any, what: str) -> None:
            print(f"[{position}/{total}] {row.seizure_id}: {what}", file=sys.stderr, flush=True)

        try:
            summary = crop_project(store, detector, frames=args.frames, seconds=args.seconds,
                                   mapping_name=args.mapping, progress=progress)
        except KeyboardInterrupt:
            print("semioscope: interrupted; every video finished so far is saved, run the same "
                  "command again to continue", file=sys.stderr)
            return 130
    for warning in getattr(detector, "warnings", ()) or ():
        print(f"semioscope: warning: {warning}", file=sys.stderr)
    _print_lines(summary.lines())
    return 2 if summary.failed else 0


def _status(args: argparse.Namespace) -> int:
    from semioscope.core.project import ProjectStore

    with ProjectStore.open(args.dir, read_only=True) as store:
        counts = store.counts()
    total = sum(counts.values())
    if args.json:
        print(json.dumps({"videos": total, "crop_status": counts}))
    else:
        print(f"{total} videos: " + ", ".join(f"{n} {s}" for s, n in counts.items()))
    return 0


def _export(args: argparse.Namespace) -> int:
    from pathlib import Path

    from semioscope.core.outputs import check_outputs
    from semioscope.core.project import ProjectStore
    from semioscope.core.project.export import export_manifest
    from semioscope.core.project.store import DB_NAME

    db = Path(args.dir) / DB_NAME   # the videos are checked by export_manifest itself
    check_outputs({"--out": args.out},
                  reads=[("project database", db),
                         *(("project file", p) for p in db.parent.glob(f"{DB_NAME}*"))],
                  writes={"--out": "manifest"})
    with ProjectStore.open(args.dir, read_only=True) as store:
        summary = export_manifest(store, args.out)
    _print_lines(summary.lines())
    if summary.excluded.get("needs_review"):
        print(f"semioscope: warning: {summary.excluded['needs_review']} crops still need review "
              "and were left out", file=sys.stderr)
    return 0


def _import(args: argparse.Namespace) -> int:
    from semioscope.core.project import ProjectStore
    from semioscope.core.project.export import import_edits

    with ProjectStore.open(args.dir, require_write=True) as store:
        summary = import_edits(store, args.source)
    _print_lines(summary.lines())
    return 0


def _relink(args: argparse.Namespace) -> int:
    from semioscope.core.project import ProjectStore
    from semioscope.core.project.relink import relink

    with ProjectStore.open(args.dir, require_write=True) as store:
        summary = relink(store, args.search)
    _print_lines(summary.lines())
    return 0 if not summary.still_missing else 2
