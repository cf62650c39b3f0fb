"""How far two reviewers' semiology events for the same seizure agree.

Two measures, because they answer different questions:

* event level, per term: an event of B matches one of A with the same term whose onset is within
  ``tolerance_s`` (default 2 s), each event matched at most once (closest onsets first).
  Precision = matched / B's events, recall = matched / A's events (A is the reference), F1.
* time level: the seizure cut into 1-s bins; a term is present in a bin when an event of that term
  covers any of it (a point event its own bin). Cohen's kappa per term over the bins, and pooled
  over every (bin, term) pair, with chance agreement from each reviewer's own rates.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from semioscope.core.semiology.events import SemiologyEvent

DEFAULT_TOLERANCE_S = 2.0
BIN_S = 1.0


@dataclass(frozen=True)
class TermAgreement:
    term: str
    n_a: int
    n_b: int
    matched: int
    kappa: float | None      # None when neither reviewer used the term in any bin

    @property
    def precision(self) -> float | None:
        return self.matched / self.n_b if self.n_b else None

    @property
    def recall(self) -> float | None:
        return self.matched / self.n_a if self.n_a else None

    @property
    def f1(self) -> float | None:
        total = self.n_a + self.n_b
        return 2 * self.matched / total if total else None


@dataclass(frozen=True)
class Agreement:
    terms: tuple[TermAgreement, ...]
    kappa: float | None
    bins: int
    tolerance_s: float

    @property
    def f1(self) -> float | None:
        total = sum(t.n_a + t.n_b for t in self.terms)
        return 2 * sum(t.matched for t in self.terms) / total if total else None


def match_count(a: list[float], b: list[float], tolerance_s: float) -> int:
    """One-to-one matches of onsets within the tolerance, closest pairs first."""
    pairs = sorted((abs(x - y), i, j) for i, x in enumerate(a) for j, y in enumerate(b)
                   if abs(x - y) <= tolerance_s + 1e-9)
    used_a: set[int] = set()
    used_b: set[int] = set()
    for _, i, j in pairs:
        if i not in used_a and j not in used_b:
            used_a.add(i)
            used_b.add(j)
    return len(used_a)


def _last_bin(end_s: float) -> int:
    """How many bins reach ``end_s`` (an interval ending on a bin edge stops before it)."""
    return int(math.ceil(end_s / BIN_S - 1e-9))


def _bins(events: list[SemiologyEvent], n: int) -> list[bool]:
    present = [False] * n
    for e in events:
        first = int(math.floor(e.onset_s / BIN_S))
        last = first if e.is_point else max(first, _last_bin(e.end_s) - 1)
        for k in range(first, min(last, n - 1) + 1):
            present[k] = True
    return present


def cohen_kappa(a: list[bool], b: list[bool]) -> float | None:
    """Kappa of two binary ratings; None when undefined (no variation at all), 1.0 when both
    rate every item the same and chance agreement is below 1."""
    n = len(a)
    if n == 0:
        return None
    observed = sum(x == y for x, y in zip(a, b, strict=True)) / n
    pa, pb = sum(a) / n, sum(b) / n
    chance = pa * pb + (1 - pa) * (1 - pb)
    if chance >= 1.0:
        return None
    return (observed - chance) / (1 - chance)


def agreement(a: tuple[SemiologyEvent, ...], b: tuple[SemiologyEvent, ...], *,
              tolerance_s: float = DEFAULT_TOLERANCE_S,
              duration_s: float | None = None) -> Agreement:
    """Agreement of B with A over a seizure lasting ``duration_s`` (default: to the last event)."""
    n = max([1, _last_bin(duration_s or 0.0)] + [
        int(math.floor(e.onset_s / BIN_S)) + 1 if e.is_point else _last_bin(e.end_s)
        for e in (*a, *b)])
    terms = sorted({e.term for e in (*a, *b)})
    rows = []
    pooled_a: list[bool] = []
    pooled_b: list[bool] = []
    for term in terms:
        ea = [e for e in a if e.term == term]
        eb = [e for e in b if e.term == term]
        ba, bb = _bins(ea, n), _bins(eb, n)
        pooled_a += ba
        pooled_b += bb
        rows.append(TermAgreement(term, len(ea), len(eb),
                                  match_count([e.onset_s for e in ea], [e.onset_s for e in eb],
                                              tolerance_s), cohen_kappa(ba, bb)))
    return Agreement(tuple(rows), cohen_kappa(pooled_a, pooled_b), n, tolerance_s)
