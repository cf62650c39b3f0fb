"""One rule for the uncertain band: a zero-width band is no band, and the review window, the
CLI and the PDF all say so in the same words; the demo's band comes from its own CV (issue #27,
item 10)."""

from __future__ import annotations

import dataclasses
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from semioscope.core.analysis import label_for, seizure_verdict
from semioscope.core.results import band_text, has_band, rule_text
from tests.sample_results import synthetic_results

NONE = (0.41, 0.41)   # what the demo's CV chose at semioscope's default precision target


def test_a_zero_width_band_is_no_band_and_labels_nothing_uncertain() -> None:
    assert not has_band(NONE) and has_band((0.34, 0.48))
    assert label_for(0.41, 0.41, NONE) == "TLE"         # at the threshold: no band holds it
    assert label_for(0.41, 0.41, (0.34, 0.48)) == "uncertain"
    summary = seizure_verdict([0.41, 0.41], 0.41, NONE)
    assert summary.label == "TLE" and summary.n_uncertain == 0
    assert "[0.41, 0.41]" not in summary.aggregation and "no uncertain band" in summary.aggregation


def test_the_words_for_a_band_and_for_none() -> None:
    assert band_text(NONE) == "no uncertain band"
    assert band_text((0.33999999999999997, 0.48)) == "uncertain band [0.34, 0.48]"
    assert band_text((0.405, 0.415)) == "uncertain band [0.405, 0.415]"   # not "[0.41, 0.41]"
    assert rule_text(0.41, NONE).startswith("threshold 0.41, no uncertain band")
    assert rule_text(0.41, (0.34, 0.48)).startswith("threshold 0.41, uncertain band [0.34, 0.48]")


def _with_rule(results, threshold: float, band: tuple[float, float]):
    p = [w.p_tle for w in results.windows]
    windows = tuple(replace(w, label=label_for(w.p_tle, threshold, band))
                    for w in results.windows)
    return replace(results, windows=windows, summary=seizure_verdict(p, threshold, band))


def test_the_pdf_says_no_uncertain_band_instead_of_a_zero_width_one(tmp_path: Path) -> None:
    from semioscope.report import CaseInfo, make_report
    from tests.report.conftest import page_texts, squash

    results = _with_rule(synthetic_results(n_windows=3, onset_s=0.5), 0.41, NONE)
    older = replace(results, summary=replace(results.summary, aggregation=(   # as 0.1.0 wrote it
        "mean of the 3 window probabilities P(TLE); TLE if the mean >= 0.41, FLE below, "
        "uncertain inside [0.41, 0.41]. confidence = |mean - threshold| / (1 - threshold)")))
    for shown in (results, older):
        whole = squash("".join(page_texts(make_report(shown, CaseInfo(patient="X")).pdf)))
        assert squash("Decision rule: threshold 0.41, no uncertain band") in whole
        assert squash("judged by the decision rule (threshold 0.41, no uncertain band)") in whole
        assert squash("[0.41, 0.41]") not in whole
    banded = _with_rule(synthetic_results(n_windows=3, onset_s=0.5), 0.41, (0.34, 0.48))
    whole = squash("".join(page_texts(make_report(banded, CaseInfo(patient="X")).pdf)))
    assert squash("Decision rule: threshold 0.41, uncertain band [0.34, 0.48]") in whole


def test_the_review_window_and_the_cli_use_the_same_words(qtbot, tmp_path: Path, capsys) -> None:
    from semioscope.app.timeline import Timeline
    from semioscope.app.verdict import VerdictPanel
    from semioscope.cli import main
    from semioscope.core.models.classifier import random_classifier, save_classifier
    from tests.sample_results import window_index

    results = _with_rule(synthetic_results(n_windows=3, onset_s=0.5), 0.41, NONE)
    timeline = Timeline()
    qtbot.addWidget(timeline)
    timeline.set_results(results, window_index(results))
    assert not timeline.band.isVisible()
    assert timeline.threshold.label.format == "threshold 0.41"
    assert timeline.getPlotItem().getAxis("bottom").labelText.endswith(band_text(NONE))
    panel = VerdictPanel()
    qtbot.addWidget(panel)
    panel.show_results(results)
    assert panel.fields["confidence"].toolTip() == f"Decision rule: {rule_text(0.41, NONE)}"

    model, meta = random_classifier(0)
    path = tmp_path / "c.semio"
    save_classifier(path, model, dataclasses.replace(meta, threshold=0.41, uncertain_band=NONE))
    assert main(["models", "inspect", str(path)]) == 0
    out = capsys.readouterr().out
    assert rule_text(0.41, NONE) in out and "0.41..0.41" not in out


def test_the_demos_band_is_the_narrowest_that_leaves_no_wrong_cv_verdict_outside() -> None:
    """The demo's config asks its CV for precision 1.0 outside the band (demo.BAND_NOTE): with
    the demo's out-of-fold seizure scores (one TLE seizure at 0.344, below the 0.41 threshold)
    that is [0.34, 0.48], where the default 0.9 gives the empty band."""
    import tomllib

    from semioscope import demo
    from semioscope.core.training.config import TrainConfig
    from semioscope.core.training.decision import choose_band, choose_threshold

    config = TrainConfig.from_dict(tomllib.loads(
        demo.small_data_config(40, 4, demo.DEMO_PRECISION_TARGET)))
    assert config.precision_target == 1.0
    assert demo.BAND_NOTE in demo.small_data_config(40, 4, demo.DEMO_PRECISION_TARGET)
    assert "precision_target" not in demo.small_data_config(40, 4)   # the benchmark's: default
    fle = [0.078, 0.084, 0.086, 0.087, 0.089, 0.098, 0.104, 0.104, 0.107, 0.109, 0.110, 0.110,
           0.115, 0.137, 0.147, 0.376]
    tle = [0.344, 0.414, 0.562, 0.708, 0.761, 0.838, 0.866, 0.944, 0.962, 0.963, 0.973, 0.977,
           0.982, 0.985, 0.989, 0.992]
    y = np.array([0] * len(fle) + [1] * len(tle))
    s = np.array(fle + tle)
    threshold = choose_threshold(y, s)
    assert threshold == pytest.approx(0.41)
    assert not has_band(choose_band(y, s, threshold, 0.9)["band"])
    chosen = choose_band(y, s, threshold, config.precision_target)
    assert chosen["reached"] and chosen["band"] == [0.34, 0.48] and chosen["n_in_band"] == 3
    lo, hi = chosen["band"]
    wrong = (s >= threshold) != (y == 1)
    assert ((s[wrong] >= lo) & (s[wrong] <= hi)).all()        # every wrong verdict is inside
