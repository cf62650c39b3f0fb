"""PDF case reports (reportlab + matplotlib Agg; never Qt).

``make_report(results, case) -> Report`` builds the PDF bytes; ``write_report(results, out, case)``
writes them atomically. The CLI (``semioscope report``) and the GUI's report dialog both call
these, so the two always produce the same document.
"""

from __future__ import annotations

from typing import Any

__all__ = ["CaseInfo", "Report", "make_report", "write_report"]


def __getattr__(name: str) -> Any:
    # lazy: importing semioscope.report.case must not pull in reportlab and matplotlib
    if name == "CaseInfo":
        from semioscope.report.case import CaseInfo

        return CaseInfo
    if name in ("Report", "make_report", "write_report"):
        from semioscope.report import make

        return getattr(make, name)
    raise AttributeError(name)
