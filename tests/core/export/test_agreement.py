"""The agreement gate's arithmetic and verdicts on known probabilities (no network needed)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from semioscope.core.export.agreement import Agreement, SeizureAgreement, gate, split_rows
from semioscope.core.manifest import ManifestRow
from semioscope.errors import SemioscopeError


def seizure(sid: str, pa: list[float], pb: list[float], threshold: float = 0.5) -> SeizureAgreement:
    from semioscope.core.results.decision import seizure_verdict as summarise

    band = (0.4, 0.6)
    return SeizureAgreement(sid, "TLE", tuple(pa), tuple(pb),
                            summarise(pa, threshold, band).label,
                            summarise(pb, threshold, band).label)


def test_a_close_lower_precision_passes_with_its_figures() -> None:
    a = Agreement("bf16", [seizure("s1", [0.9, 0.8], [0.905, 0.8]),
                           seizure("s2", [0.1, 0.2, 0.3], [0.1, 0.21, 0.3])], 0.5, (0.4, 0.6))
    assert a.passed and a.reason == ""
    assert a.max_abs_dp == pytest.approx(0.01)
    assert a.p99_abs_dp == pytest.approx(np.percentile([0.005, 0, 0, 0.01, 0], 99))
    rec = a.record(cpu={"model": "X"}, backbone_weights_sha256="ab", runtime="openvino 1")
    assert rec["passed"] is True and rec["windows"] == 5 and rec["seizures"] == 2
    assert rec["seizure_verdicts_agree"] == 2 and rec["flipped"] == []
    assert rec["per_seizure"][1]["max_abs_dp"] == pytest.approx(0.01)
    assert rec["cpu"] == {"model": "X"} and rec["limit_abs_dp"] == 0.02
    gate(a, "m.csv")   # no refusal


def test_a_window_moving_more_than_the_limit_fails() -> None:
    a = Agreement("int8", [seizure("s1", [0.9, 0.8], [0.9, 0.77])], 0.5, (0.4, 0.6))
    assert not a.passed and "max |dP(TLE)| 0.0300 > 0.02" in a.reason
    with pytest.raises(SemioscopeError, match=r"^m.csv: int8 refused by the agreement gate"):
        gate(a, "m.csv")


def test_a_flipped_seizure_verdict_fails_even_when_windows_move_little() -> None:
    # mean 0.605 -> TLE; 0.595 -> uncertain: 0.01 per window, yet the verdict changes
    a = Agreement("bf16", [seizure("s7", [0.605, 0.605], [0.595, 0.595])], 0.5, (0.4, 0.6))
    assert a.flipped == ["s7"] and a.max_abs_dp <= 0.02
    assert not a.passed and "1 seizure verdict(s) flipped (s7)" in a.reason
    assert a.window_labels_changed() == 2


def test_nothing_checked_is_not_a_pass() -> None:
    assert not Agreement("bf16", [], 0.5, (0.4, 0.6)).passed


def _row(i: int) -> ManifestRow:
    return ManifestRow(video=Path(f"v{i}.mkv"), seizure_id=f"s{i}", patient_id="p",
                       label="TLE", onset_s=None, offset_s=None, crop=None, line=i + 2)


def test_calibration_seizures_are_never_checked() -> None:
    rows = [_row(i) for i in range(9)]
    calibration, check = split_rows(rows)
    assert [r.seizure_id for r in calibration] == ["s0", "s4", "s8"]
    assert not {r.seizure_id for r in calibration} & {r.seizure_id for r in check}
    assert len(calibration) + len(check) == 9
    assert split_rows(rows[:2]) == ([rows[0]], [rows[1]])
    with pytest.raises(SemioscopeError, match="at least two seizures"):
        split_rows(rows[:1])


def test_the_record_says_whether_it_was_checked_on_the_training_seizures() -> None:
    from semioscope.core.export.agreement import check_set
    from semioscope.core.runtime.precision import check_set_text, on_training_data

    rows = [ManifestRow(Path(f"{s}.mkv"), s, "P1", "TLE") for s in ("s1", "s2", "s3")]
    cases = {
        "training": {"seizure_ids": ["s0", "s1", "s2", "s3"]},
        "partly_training": {"seizure_ids": ["s1", "s9"]},
        "held_out": {"seizure_ids": ["s7", "s8"]},
        "unknown": {"note": "trained before the ids were recorded"},
    }
    texts = {}
    for kind, training in cases.items():
        record = {"check_set": check_set(rows, 120, training), "seizures": 3, "windows": 120}
        assert record["check_set"]["kind"] == kind
        assert record["check_set"]["seizures"] == 3 and record["check_set"]["windows"] == 120
        assert on_training_data(record) == (kind in ("training", "partly_training"))
        texts[kind] = check_set_text(record)
    assert check_set(rows, 120, cases["partly_training"])["training_seizures"] == 1
    assert check_set(rows, 120, cases["unknown"])["training_seizures"] is None
    assert texts["training"] == ("3 seizures (120 windows), all of them the classifier's own "
                                 "TRAINING seizures: agreement on unseen videos was not "
                                 "measured and may be worse")
    assert "1 of them the classifier's own TRAINING seizures" in texts["partly_training"]
    assert texts["held_out"] == "3 seizures (120 windows), none of them the classifier's " \
        "training seizures"
    assert "not recorded" in texts["unknown"]
    # a record made before check_set existed says it does not know, in words
    assert "not recorded" in check_set_text({"seizures": 9, "windows": 412})
    assert not on_training_data({"seizures": 9})
