"""`train --precision-check bf16`: the agreement record goes into the classifier file, and
`analyze --precision auto` with that classifier then runs bf16 (and says what it rests on).

The OpenVINO backbone is the session's one converted random I3D (tests/ov_i3d.py), handed to
the real load path, so the check compiles the same IR in f32 and bf16 as analyze does.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from semioscope.cli import main
from semioscope.core.models.classifier import read_metadata
from semioscope.core.results import load_results
from semioscope.core.runtime.cpu_features import detect_cpu
from semioscope.core.trust import assess
from tests.commands.test_training_cli import dataset  # noqa: F401 - the fixture
from tests.ov_i3d import hand_ir_to_the_cache


def test_refused_before_any_training_where_bf16_is_not_native(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("SEMIOSCOPE_HIDE_CPU_FLAGS", "avx512_bf16,amx_bf16")
    out = tmp_path / "m.safetensors"
    assert main(["train", str(tmp_path / "missing.csv"), "--cache", str(tmp_path / "c"),
                 "--out", str(out), "--precision-check", "bf16"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("semioscope: error: --precision-check: bf16 is "
                                               "not native on this CPU")
    assert not out.exists()


@pytest.mark.skipif(not detect_cpu(openvino=False).bf16_native, reason="bf16 not native here")
def test_a_passed_check_is_recorded_and_auto_runs_bf16_on_it(
        dataset: Path, i3d_pair: tuple[Any, Path],  # noqa: F811
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    d = dataset
    monkeypatch.setenv("SEMIOSCOPE_CACHE_DIR", str(d / "user-cache"))
    hand_ir_to_the_cache(monkeypatch, i3d_pair)
    common = [str(d / "manifest.csv"), "--cache", str(d / "cache")]
    assert main(["extract", *common, "--allow-untrained", "--threads", "2"]) == 0
    training = [*common, "--config", str(d / "cfg.toml"), "--allow-untrained"]
    assert main(["cv", *training, "--out", str(d / "rep"), "--bootstrap", "20"]) == 0
    model = d / "model.safetensors"
    capsys.readouterr()
    assert main(["train", *training, "--out", str(model), "--cv-report", str(d / "rep"),
                 "--precision-check", "bf16", "--threads", "2"]) == 0
    said = capsys.readouterr().out.strip().splitlines()[-1]
    assert said.startswith("bf16: agreement check ") and str(model) in said
    record = read_metadata(model).training["precision_checks"]["bf16"]
    assert record["seizures"] == 4 and record["windows"] == 4
    # checked on the very seizures it learnt from, and the record says so
    trained_on = read_metadata(model).training["seizure_ids"]
    assert len(trained_on) == 4
    assert record["check_set"] == {"seizures": 4, "windows": 4, "training_seizures": 4,
                                   "kind": "training"}
    assert record["cpu"]["instruction_set"] == detect_cpu().instruction_set()
    assert record["max_abs_dp"] >= record["p99_abs_dp"] >= 0
    assert record["passed"] == (not record["flipped"] and record["max_abs_dp"] <= 0.02)
    if not record["passed"]:
        pytest.skip(f"bf16 did not agree on this CPU: {record['reason']}")
    out = d / "r.json"
    assert main(["analyze", str(d / "v1.mkv"), "--classifier", str(model), "--allow-untrained",
                 "--runtime", "openvino", "--threads", "2", "--out", str(out)]) == 0
    assert ("precision: bf16, its agreement check against f32 ran on 4 seizures (4 windows), "
            "all of them the classifier's own TRAINING seizures") in capsys.readouterr().out
    results = load_results(out)
    assert results.model.precision == "bf16"      # auto, on the record
    assert results.model.precision_check is not None
    assert results.model.precision_check["max_abs_dp"] == record["max_abs_dp"]
    assert "unchecked_precision" not in assess(results).codes
