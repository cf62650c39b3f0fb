"""`semioscope report RESULTS.json --out case.pdf`: the PDF case report (same as the GUI's)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

HELP = "write a PDF case report from a results JSON (optionally de-identified)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("results", type=Path, help="results JSON from `semioscope analyze`")
    parser.add_argument("--out", type=Path, required=True, metavar="PDF",
                        help="the PDF to write")
    parser.add_argument("--deidentify", action="store_true",
                        help="HIPAA Safe Harbor style: random case code, no names, file names, "
                        "paths or full dates; keyframes pixelated")
    parser.add_argument("--keep-frames", action="store_true",
                        help="with --deidentify, keep keyframes unpixelated (only de-identified "
                        "reports pixelate them)")
    parser.add_argument("--paper", choices=("a4", "letter"), default="a4", help="paper size")
    parser.add_argument("--patient", default="", metavar="ID", help="patient pseudonym or ID")
    parser.add_argument("--seizure", default="", metavar="ID", help="seizure ID")
    parser.add_argument("--recording-date", default="", metavar="DATE",
                        help="recording date, e.g. 2025-03-14")
    parser.add_argument("--reviewer", default="", metavar="NAME", help="who reviewed the case")
    parser.add_argument("--comment", default="", metavar="TEXT", help="free-text comment")
    parser.add_argument("--events", type=Path, metavar="FILE.tsv",
                        help="semiology events (a BIDS events.tsv) for the Semiology section; "
                             "default: the events marked on this video in the review window")


def run(args: argparse.Namespace) -> int:
    from semioscope.core.outputs import check_outputs
    from semioscope.core.results import load_results
    from semioscope.core.trust import assess
    from semioscope.report import CaseInfo, write_report

    results = load_results(args.results)   # older formats migrated, newer refused
    # the saliency sidecar is named relative to the results file
    results = results.with_saliency_in(Path(args.results).resolve().parent)
    check_outputs({"--out": args.out},
                  reads=[("results file", args.results), ("events file", args.events),
                         ("saliency file", None if results.saliency is None
                          else results.saliency.file)],
                  videos=[results.video.path])
    case = CaseInfo(patient=args.patient, seizure=args.seizure,
                    recording_date=args.recording_date, reviewer=args.reviewer,
                    comment=args.comment, deidentify=args.deidentify,
                    keep_frames=args.keep_frames, paper=args.paper)
    report = write_report(results, args.out, case, subject=args.results,
                          events=_events(args, results))
    trust = assess(results)
    if trust.headline:   # the same reasons the PDF's watermark and first page give
        print(f"semioscope: warning: {trust.headline}: "
              + "; ".join(r.text for r in trust.reasons), file=sys.stderr)
    for warning in report.warnings:
        print(f"semioscope: warning: {warning}", file=sys.stderr)
    extra = f", case code {case.case_code}" if args.deidentify else ""
    print(f"wrote {args.out} ({report.pages} pages{extra})")
    return 0


def _events(args: argparse.Namespace, results: object) -> tuple[object, ...]:
    """The events for the report: the file given, else the video's saved review state."""
    from semioscope.core.semiology import load_vocabulary
    from semioscope.core.semiology.tsv import read_events_tsv
    from semioscope.report.semiology import saved_events

    if args.events is not None:
        return read_events_tsv(args.events, load_vocabulary())
    return saved_events(results)
