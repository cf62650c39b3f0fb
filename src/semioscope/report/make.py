"""Results + case fields -> PDF bytes / file: the one report function the CLI and GUI share.

Stale results are refused (README, "Stale results"): with ``current`` (the inputs the review window
shows now), a result made with an earlier crop, span, classifier... is never exported.
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from semioscope.core.atomic import write_bytes
from semioscope.core.results import Inputs, Results
from semioscope.core.semiology.events import SemiologyEvent
from semioscope.core.trust import assess
from semioscope.errors import SemioscopeError
from semioscope.report.case import CaseInfo


@dataclass
class Report:
    """A finished report: the PDF, its page count, and warnings for the user (already
    de-identified, safe to print)."""

    pdf: bytes
    pages: int
    warnings: list[str] = field(default_factory=list)


def make_report(results: Results, case: CaseInfo, *,
                subject: str | os.PathLike[str] = "results",
                now: datetime | None = None, current: Inputs | None = None,
                events: tuple[SemiologyEvent, ...] = ()) -> Report:
    """Lay out the PDF; stale ``results`` (against ``current``) raise SemioscopeError.
    ``events``: the reviewer's semiology events (a "Semiology" section and the plot's lane)."""
    from pypdf import PdfReader

    from semioscope.report.content import build_content
    from semioscope.report.pdf import Pictures, render_pdf
    from semioscope.report.plots import keyframes, timeline_png
    from semioscope.report.semiology import sequence_rows

    trust = assess(results, current)
    if trust.stale:
        raise SemioscopeError(subject, f"stale results, not exported: "
                              f"{trust.reasons[-1].text}")
    case.validate()
    now = now or datetime.now(UTC)
    content = build_content(results, case, now, trust)
    content.semiology_rows = sequence_rows(events, results.span.onset_s,
                                           deidentify=case.deidentify)
    frames = keyframes(results, case)
    pictures = Pictures(timeline_png(results, events=events), frames.png, frames.note)
    pdf = render_pdf(content, pictures, case.paper,
                     report_year=now.year if case.deidentify else None)
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    warnings = [frames.warning] if frames.warning else []
    return Report(pdf, pages, warnings)


def write_report(results: Results, out: str | os.PathLike[str], case: CaseInfo, *,
                 subject: str | os.PathLike[str] = "results",
                 current: Inputs | None = None,
                 events: tuple[SemiologyEvent, ...] = ()) -> Report:
    """Make the report and write it to ``out`` atomically (a failed run leaves no file)."""
    out = Path(out)
    if out.suffix.lower() != ".pdf":
        raise SemioscopeError(out, "the report file name must end in .pdf")
    if out.is_dir():
        raise SemioscopeError(out, "is a folder; give a file name ending in .pdf")
    from semioscope.core.outputs import refuse_source_targets

    refuse_source_targets([out], [results.video.path], what="analysed video")
    report = make_report(results, case, subject=subject, current=current, events=events)
    write_bytes(out, report.pdf)
    return report
