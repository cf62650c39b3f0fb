"""Case fields, the random case code and the identifier scrubber."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from semioscope.core.results import WindowResult
from semioscope.errors import SemioscopeError
from semioscope.report.case import (
    REMOVED,
    CaseInfo,
    Scrubber,
    random_case_code,
    recording_year,
    scrubber_for,
    year_only,
)
from semioscope.report.content import build_content, fmt_time
from tests.sample_results import synthetic_results


def test_case_codes_are_random_and_well_formed() -> None:
    codes = {random_case_code() for _ in range(200)}
    assert len(codes) == 200
    assert all(re.fullmatch(r"CASE-[0-9A-F]{4}-[0-9A-F]{4}", c) for c in codes)
    # the same patient gets a different code each time: nothing to reverse
    assert CaseInfo(patient="P1").case_code != CaseInfo(patient="P1").case_code


def test_scrubber_removes_whole_paths_names_and_full_dates() -> None:
    results = synthetic_results("/emu/Doe_John/P123_20240101.mkv")
    case = CaseInfo(patient="John Doe", seizure="SZ-9", recording_date="2024-01-01",
                    deidentify=True)
    scrub = scrubber_for(case, results)
    text = scrub("John said; see /emu/Doe_John/P123_20240101.mkv, P123_20240101.mkv, "
                 "SZ-9 on 2024-01-01T03:12:00 and 2023-05-06. Johnny stays.")
    for secret in ("John ", "Doe", "P123", "SZ-9", "2024-01-01", "05-06", "/emu"):
        assert secret not in text, (secret, text)
    assert "2023" in text and "Johnny stays" in text and text.count(REMOVED) >= 4
    assert Scrubber(False, ["John"])("John") == "John"


def test_name_parts_are_scrubbed_only_from_typed_text() -> None:
    case = CaseInfo(patient="Will Patient", deidentify=True)
    results = synthetic_results("/v.mkv")
    assert "Patient" not in scrubber_for(case, results)("by Patient")
    assert scrubber_for(case, results, name_parts=False)("by patient") == "by patient"


def test_years_and_validation() -> None:
    assert recording_year("17/06/2024") == "2024" and recording_year("spring") is None
    assert year_only("2025-03-14T09:26:53+00:00") == "2025" and year_only("") == "withheld"
    with pytest.raises(SemioscopeError, match="paper"):
        CaseInfo(paper="A3").validate()
    with pytest.raises(SemioscopeError, match="year"):
        CaseInfo(recording_date="last spring", deidentify=True).validate()
    assert CaseInfo(paper="Letter").validate().paper == "letter"


def test_times_are_readable() -> None:
    assert fmt_time(12.04) == "12.0 s"
    assert fmt_time(75.5) == "1:15.5"
    assert fmt_time(3600.0) == "60:00.0"


def test_window_times_from_onset_never_read_minus_zero() -> None:
    from semioscope.report.content import _window_rows

    base = synthetic_results(n_windows=0)
    windows = tuple(WindowResult(i, s, s + 2, 60, 0.5, "FLE")
                    for i, s in enumerate((118 / 30, 1.0, 6.0)))   # the first starts on onset
    rows = _window_rows(replace(base, windows=windows, span=replace(base.span, onset_s=3.95)))
    assert [r[2] for r in rows] == ["+0.0 s", "-3.0 s", "+2.0 s"]


def test_deidentified_content_keeps_no_path_or_date(tmp_path) -> None:
    results = synthetic_results(tmp_path / "P77_2024-02-02.mkv", n_windows=2)
    results = replace(results, warnings=(
        f"could not read {tmp_path / 'P77_2024-02-02.mkv'} fully",))
    case = CaseInfo(patient="P77", recording_date="2024-02-02", deidentify=True)
    content = build_content(results, case)
    flat = repr(content)
    assert "P77" not in flat and "2024-02-02" not in flat and str(tmp_path) not in flat
    assert content.metadata["title"].endswith(case.case_code)
    plain = build_content(results, CaseInfo(patient="P77"))
    assert "P77_2024-02-02.mkv" in repr(plain.video_rows)
