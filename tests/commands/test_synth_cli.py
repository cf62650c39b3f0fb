"""`semioscope synth` through the real command line."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from semioscope.cli import main


def semioscope(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "semioscope", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=120)


def test_synth_then_info(tmp_path: Path):
    # 3 s: the two processes agree on any length; writing 20 s of 16-bit noise took ~15 s
    made = semioscope("synth", "x.mkv", "--label", "TLE", "--seconds", "3", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    assert "x.truth.json" in made.stdout
    info = semioscope("info", "x.mkv", "--json", cwd=tmp_path)
    assert info.returncode == 0, info.stderr
    facts = json.loads(info.stdout)
    assert (facts["frames"], facts["fps"], facts["width"], facts["height"], facts["bit_depth"]) \
        == (90, 30.0, 512, 424, 16)
    truth = json.loads((tmp_path / "x.truth.json").read_text())
    assert truth["label"] == "TLE" and truth["frames"] == 90 and len(truth["boxes"]) == 90


@pytest.mark.parametrize("args,needle", [
    (["synth", "x.mkv", "--label", "XLE"], "--label"),
    (["synth", "x.mkv", "--label", "FLE", "--seconds", "0.5"], "--seconds"),
    (["synth", "blocker/x.mkv", "--label", "FLE", "--seconds", "1"], "blocker"),
    (["synth", "x.avi", "--label", "FLE", "--seconds", "1"], "x.avi"),
    (["synth", "x.mkv"], "--label"),
    (["synth", "--dataset", "d", "--patients", "0"], "--patients"),
])
def test_bad_inputs_exit_2_with_one_line(tmp_path: Path, monkeypatch, capsys, args, needle):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "blocker").write_text("a file, not a folder")
    assert main(args) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("semioscope: error: ") and needle in err[0]
    assert not (tmp_path / "x.mkv").exists()


def test_bad_label_in_a_real_process(tmp_path: Path):
    done = semioscope("synth", "x.mkv", "--label", "PNES", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "semioscope: error: --label: unknown label 'PNES'; choose FLE or TLE"]


def test_dataset_mode(tmp_path: Path, capsys):
    assert main(["synth", "--dataset", str(tmp_path / "d"), "--patients", "2", "--seizures",
                 "2", "--max-seconds", "1", "--seed", "3"]) == 0
    out = capsys.readouterr().out
    assert "[4/4]" in out and "manifest.csv" in out
    with (tmp_path / "d" / "manifest.csv").open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["label"] for r in rows].count("FLE") == 2
    assert [r["label"] for r in rows].count("TLE") == 2
    assert all((tmp_path / "d" / r["video"]).is_file() for r in rows)


def test_png_format_and_scene_flags(tmp_path: Path):
    assert main(["synth", str(tmp_path / "seq"), "--label", "FLE", "--seconds", "1",
                 "--blanket", "--nurse", "--random-camera", "--seed", "2"]) == 0
    assert len(list((tmp_path / "seq").glob("frame*.png"))) == 30
    options = json.loads((tmp_path / "seq.truth.json").read_text())["options"]
    assert options["blanket"] and options["nurse"] and options["rotation_deg"] != 0


def test_dataset_setting_hard_reaches_every_truth_file(tmp_path: Path, capsys):
    out = tmp_path / "d"
    assert main(["synth", "--dataset", str(out), "--patients", "2", "--seizures", "1",
                 "--max-seconds", "1", "--setting", "hard", "--jobs", "1"]) == 0
    assert "setting hard" in capsys.readouterr().out
    truths = sorted(out.glob("P*/*.truth.json"))
    assert len(truths) == 2
    assert {json.loads(t.read_text())["options"]["setting"] for t in truths} == {"hard"}
    one = tmp_path / "one.mkv"
    assert main(["synth", str(one), "--label", "TLE", "--seconds", "1", "--setting", "hard",
                 "--nurse"]) == 0
    truth = json.loads((tmp_path / "one.truth.json").read_text())
    assert truth["options"]["setting"] == "hard" and all("nurse" in b for b in truth["boxes"])
    with pytest.raises(SystemExit) as stop:
        main(["synth", "--dataset", str(tmp_path / "e"), "--setting", "v9"])
    assert stop.value.code == 2
