"""The report's Semiology section: the sequence in order, on the plot, reviewers dropped when
de-identified; the command takes the video's saved events (or a file)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from semioscope.cli import main
from semioscope.core.results import Results, results_to_dict
from semioscope.core.semiology import SemiologyEvent
from semioscope.core.video_state import VideoState, save_state
from semioscope.report import CaseInfo, make_report
from semioscope.report.plots import timeline_png
from semioscope.report.semiology import sequence_rows
from tests.report.conftest import decompressed, page_texts, squash

REVIEWER = "Dr Ivo Markham"


def _events() -> tuple[SemiologyEvent, ...]:
    return (SemiologyEvent(onset_s=2.5, duration_s=1.0, term="hypermotor",
                           laterality="bilateral", reviewer=REVIEWER),
            SemiologyEvent(onset_s=1.0, term="versive", laterality="left", body_part="head",
                           reviewer=REVIEWER))


def test_rows_in_order_from_the_clinical_onset():
    rows = sequence_rows(_events(), 0.5, deidentify=False)
    assert rows == [("+0.5 s", "versive", "left", "head", REVIEWER),
                    ("+2.0 s for 1.0 s", "hypermotor", "bilateral", "\u2014", REVIEWER)]
    assert {r[4] for r in sequence_rows(_events(), 0.5, deidentify=True)} == {"withheld"}


def test_the_section_and_the_lane_in_the_pdf(results: Results):
    plain = make_report(results, CaseInfo())
    marked = make_report(results, CaseInfo(), events=_events())
    text = squash("".join(page_texts(marked.pdf)))
    assert squash("Semiology") in text and squash("+0.5 s") in text
    assert squash("versive") in text and squash(REVIEWER) in text
    assert "Semiology" not in "".join(page_texts(plain.pdf))
    assert timeline_png(results, events=_events()) != timeline_png(results)


def test_deidentified_keeps_the_events_and_drops_who_marked_them(results: Results):
    report = make_report(results, CaseInfo(deidentify=True), events=_events())
    text = squash("".join(page_texts(report.pdf)))
    assert squash("hypermotor") in text and squash("+2.0 s for 1.0 s") in text
    assert REVIEWER.encode() not in decompressed(report.pdf)
    assert "Markham" not in text


def test_the_command_uses_the_saved_events_of_the_video(results: Results, tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]):
    save_state(VideoState(results.video.sha256, events=_events()))
    path = tmp_path / "results.json"
    path.write_text(json.dumps(results_to_dict(results)))
    assert main(["report", str(path), "--out", str(tmp_path / "a.pdf")]) == 0
    assert squash("versive") in squash("".join(page_texts((tmp_path / "a.pdf").read_bytes())))
    tsv = tmp_path / "e.tsv"
    tsv.write_text("onset\tduration\ttrial_type\n1.2\t0\toroalimentary\n")
    assert main(["report", str(path), "--out", str(tmp_path / "b.pdf"), "--events",
                 str(tsv)]) == 0
    text = squash("".join(page_texts((tmp_path / "b.pdf").read_bytes())))
    assert "oroalimentary" in text and "versive" not in text
