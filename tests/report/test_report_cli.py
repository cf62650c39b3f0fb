"""`semioscope report`: a good run, and bad input as one line with exit status 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from semioscope.cli import main
from semioscope.core.results import Results, results_to_dict
from tests.report.conftest import PATIENT, metadata, page_texts, squash
from tests.sample_results import with_video_path


def _one_error_line(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    assert err[0].startswith("semioscope: error: ")
    return err[0]


def test_report_command_writes_the_pdf(results: Results, tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "results.json"
    path.write_text(json.dumps(results_to_dict(results)))
    assert main(["report", str(path), "--out", str(tmp_path / "out" / "case.pdf")]) == 2
    assert "does not exist" in capsys.readouterr().err   # a mistyped folder is not made up
    (tmp_path / "out").mkdir()
    out = tmp_path / "out" / "case.pdf"
    code = main(["report", str(path), "--out", str(out), "--patient", PATIENT, "--seizure",
                 "S1", "--recording-date", "2024-06-17", "--reviewer", "Dr. Who",
                 "--comment", "clonic left arm", "--paper", "letter"])
    assert code == 0
    assert f"wrote {out}" in capsys.readouterr().out
    text = squash("".join(page_texts(out.read_bytes())))
    assert squash("clonic left arm") in text and squash("Dr. Who") in text
    assert metadata(out.read_bytes())["/Author"] == "Dr. Who"


def test_deidentified_command_prints_the_case_code(results: Results, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "results.json"
    path.write_text(json.dumps(results_to_dict(results)))
    out = tmp_path / "case.pdf"
    assert main(["report", str(path), "--out", str(out), "--deidentify",
                 "--patient", PATIENT]) == 0
    printed = capsys.readouterr().out
    code = printed.split("case code ")[1].rstrip(")\n")
    assert code in squash("".join(page_texts(out.read_bytes())))
    assert "Doemaker" not in "".join(page_texts(out.read_bytes()))


def test_missing_video_warns_but_succeeds(results: Results, tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    results = with_video_path(results, str(tmp_path / "nowhere.mkv"))
    path = tmp_path / "results.json"
    path.write_text(json.dumps(results_to_dict(results)))
    assert main(["report", str(path), "--out", str(tmp_path / "c.pdf")]) == 0
    err = capsys.readouterr().err
    # the trust rule's line first (untrained backbone), then the keyframe problem
    assert err.startswith("semioscope: warning: UNTRAINED / DEMO MODEL")
    assert "untrained backbone: not for clinical use" in err
    assert "semioscope: warning: keyframes left out" in err and "not found" in err


@pytest.mark.parametrize("content, expected", [
    (None, "no such results file"),
    ("this is not json {", "not a results JSON file"),
    (json.dumps({"hello": 1}), "not a valid results file: 'software_version' is missing"),
    ("MISSING_SUMMARY", "'summary' lacks label"),
])
def test_bad_results_exit_2_one_line(content: str | None, expected: str, results: Results,
                                     tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "results.json"
    if content == "MISSING_SUMMARY":
        data = results_to_dict(results)
        del data["summary"]["label"]
        content = json.dumps(data)
    if content is not None:
        path.write_text(content)
    out = tmp_path / "case.pdf"
    assert main(["report", str(path), "--out", str(out)]) == 2
    line = _one_error_line(capsys)
    assert str(path) in line and expected in line
    assert not out.exists()


def test_bad_output_name_exit_2(results: Results, tmp_path: Path,
                                capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "results.json"
    path.write_text(json.dumps(results_to_dict(results)))
    assert main(["report", str(path), "--out", str(tmp_path / "case.docx")]) == 2
    assert "must end in .pdf" in _one_error_line(capsys)
    assert main(["report", str(path), "--out", str(tmp_path / "c.pdf"), "--deidentify",
                 "--recording-date", "last spring"]) == 2
    assert "--recording-date" in _one_error_line(capsys)
