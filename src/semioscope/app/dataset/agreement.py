"""Per-seizure agreement of two reviewers' semiology, as the project window shows it.

When two reviewers marked the same seizure (``core.project.events.reviewer_agreement``: the first
two by name, the first the reference), the table gets a short cell (F1 of the events, Cohen's
kappa over 1-s bins), its tooltip the per-term counts, and the details under the view one line.
"""

from __future__ import annotations

from semioscope.core.project import ProjectStore
from semioscope.core.project.events import reviewer_agreement
from semioscope.core.semiology.agreement import Agreement

#: (reference reviewer, other reviewer, how far the other agrees)
Found = tuple[str, str, Agreement]


def _num(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def load_agreements(store: ProjectStore) -> dict[int, Found]:
    """Every video that two reviewers marked, by video id (read once when the window opens:
    events come in through ``semioscope events import``, not through this window)."""
    found = {}
    for row in store.rows():
        result = reviewer_agreement(store, row.id)
        if result is not None:
            found[row.id] = result
    return found


def cell(found: Found | None) -> str:
    """Short, so the Video column stays in view; who the two are: tooltip and details."""
    if found is None:
        return ""
    result = found[2]
    return f"F1 {_num(result.f1)} κ {_num(result.kappa)}"


def tooltip(found: Found | None) -> str:
    """Per term: events each reviewer marked and how many of them match."""
    if found is None:
        return "fewer than two reviewers marked this seizure"
    a, b, result = found
    lines = [f"{b} against {a} (the reference), onsets within {result.tolerance_s:g} s; "
             f"kappa over {result.bins} 1-s bins"]
    lines += [f"{t.term}: {a} {t.n_a}, {b} {t.n_b}, matched {t.matched}, F1 {_num(t.f1)}, "
              f"kappa {_num(t.kappa)}" for t in result.terms]
    return "\n".join(lines)


def details_line(found: Found | None) -> str:
    if found is None:
        return ""
    a, b, result = found
    return (f"semiology: {b} agrees with {a}: F1 {_num(result.f1)} over {len(result.terms)} "
            f"terms (onsets within {result.tolerance_s:g} s), kappa {_num(result.kappa)}")
