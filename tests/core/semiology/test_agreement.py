"""Agreement between two reviewers: event-level P/R/F1 with an onset tolerance, kappa on bins."""

from __future__ import annotations

import pytest

from semioscope.core.semiology import SemiologyEvent
from semioscope.core.semiology.agreement import agreement, cohen_kappa, match_count


def ev(onset: float, term: str, duration: float | None = None) -> SemiologyEvent:
    return SemiologyEvent(onset_s=onset, term=term, duration_s=duration)


def test_matching_is_one_to_one_within_the_tolerance():
    assert match_count([10.0], [11.9], 2.0) == 1
    assert match_count([10.0], [12.1], 2.0) == 0
    # two of B near one of A: only one matches; the closest pairs win
    assert match_count([10.0, 14.0], [10.5, 11.0], 2.0) == 1
    assert match_count([10.0, 12.0], [11.9, 10.1], 2.0) == 2


def test_kappa_of_a_small_table_by_hand():
    # 10 items: both yes 3, A only 1, B only 1, both no 5 -> po 0.8, pa=pb=0.4,
    # pe = .16 + .36 = .52, kappa = (.8 - .52) / .48 = 0.58333
    a = [True] * 3 + [True] + [False] + [False] * 5
    b = [True] * 3 + [False] + [True] + [False] * 5
    assert cohen_kappa(a, b) == pytest.approx(0.28 / 0.48)
    assert cohen_kappa([True, False], [True, False]) == pytest.approx(1.0)
    assert cohen_kappa([False] * 4, [False] * 4) is None


def test_per_term_precision_recall_and_pooled_kappa():
    a = (ev(2.0, "versive"), ev(5.0, "hypermotor", 4.0), ev(12.0, "clonic"))
    b = (ev(3.5, "versive"), ev(5.5, "hypermotor", 2.0), ev(7.0, "hypermotor"))
    result = agreement(a, b, tolerance_s=2.0, duration_s=15.0)
    by = {t.term: t for t in result.terms}
    assert (by["versive"].matched, by["versive"].precision, by["versive"].recall) == (1, 1.0, 1.0)
    assert (by["hypermotor"].n_a, by["hypermotor"].n_b, by["hypermotor"].matched) == (1, 2, 1)
    assert by["hypermotor"].precision == 0.5 and by["hypermotor"].recall == 1.0
    assert by["hypermotor"].f1 == pytest.approx(2 / 3)
    assert (by["clonic"].recall, by["clonic"].precision) == (0.0, None)
    assert result.bins == 15
    # hypermotor bins: A 5..8 (5-9 s), B 5..7 (5.5-7.5 s, the point in 7): 14 of 15 agree
    # po = 14/15, pa = 4/15, pb = 3/15 -> kappa by hand
    pa, pb, po = 4 / 15, 3 / 15, 14 / 15
    pe = pa * pb + (1 - pa) * (1 - pb)
    assert by["hypermotor"].kappa == pytest.approx((po - pe) / (1 - pe))
    # with a tolerance of 1 s the versive onsets (1.5 s apart) no longer match
    assert {t.term: t.matched for t in agreement(a, b, tolerance_s=1.0).terms}["versive"] == 0
