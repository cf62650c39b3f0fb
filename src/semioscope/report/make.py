"""Results dict + case fields -> PDF bytes / file: the one report function the CLI and GUI share."""

from __future__ import annotations

import io
import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from semioscope.core.atomic import write_bytes
from semioscope.core.results import validate_results
from semioscope.report.case import CaseInfo


@dataclass
class Report:
    """A finished report: the PDF, its page count, and warnings for the user (already
    de-identified, safe to print)."""

    pdf: bytes
    pages: int
    warnings: list[str] = field(default_factory=list)


def make_report(results: dict[str, Any], case: CaseInfo, *,
                subject: str | os.PathLike[str] = "results",
                now: datetime | None = None) -> Report:
    """Validate ``results`` (SemioscopeError naming ``subject`` if wrong) and lay out the PDF."""
    from pypdf import PdfReader

    from semioscope.report.content import build_content
    from semioscope.report.pdf import Pictures, render_pdf
    from semioscope.report.plots import keyframes, timeline_png

    validate_results(results, subject)
    case.validate()
    now = now or datetime.now(UTC)
    content = build_content(results, case, now)
    frames = keyframes(results, case)
    pictures = Pictures(timeline_png(results), frames.png, frames.note)
    pdf = render_pdf(content, pictures, case.paper,
                     report_year=now.year if case.deidentify else None)
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    warnings = [frames.warning] if frames.warning else []
    return Report(pdf, pages, warnings)


def write_report(results: dict[str, Any], out: str | os.PathLike[str], case: CaseInfo, *,
                 subject: str | os.PathLike[str] = "results") -> Report:
    """Make the report and write it to ``out`` atomically (a failed run leaves no file)."""
    out = Path(out)
    if out.suffix.lower() != ".pdf":
        from semioscope.errors import SemioscopeError

        raise SemioscopeError(out, "the report file name must end in .pdf")
    if out.is_dir():
        from semioscope.errors import SemioscopeError

        raise SemioscopeError(out, "is a folder; give a file name ending in .pdf")
    from semioscope.core.outputs import refuse_source_targets

    video = (results.get("video") or {}).get("path") if isinstance(results, dict) else None
    refuse_source_targets([out], [video] if video else [], what="analysed video")
    report = make_report(results, case, subject=subject)
    write_bytes(out, report.pdf)
    return report
