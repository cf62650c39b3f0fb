"""`semioscope --self-test`: the check IT runs after installing or copying a bundle."""

from __future__ import annotations

import os

import pytest

from semioscope import selftest
from semioscope.cli import main


def test_self_test_passes_and_leaves_user_folders_alone(capsys: pytest.CaptureFixture[str]) -> None:
    before = {name: os.environ.get(name) for name in ("SEMIOSCOPE_DATA_DIR",
                                                      "SEMIOSCOPE_CACHE_DIR")}
    assert main(["--self-test"]) == 0
    out = capsys.readouterr().out
    lines = [line for line in out.splitlines() if line.startswith("self-test: ")]
    assert lines[-1] == "self-test: PASS", out
    for label, _ in selftest.CHECKS:
        assert any(line.startswith(f"self-test: {label} ... pass (") for line in lines), out
    assert "FAIL" not in out
    # the temporary user folders were only for the duration of the test: nothing (settings,
    # recent files, per-video state) went into the folders set before it
    assert {name: os.environ.get(name) for name in before} == before
    for value in before.values():
        assert value is not None  # tests/conftest.py isolates every test
        assert not os.path.isdir(value) or not any(os.scandir(value)), value


def test_a_failing_check_fails_the_self_test(monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    def broken(ctx: selftest.Context) -> str:
        raise FileNotFoundError("semioscope resource not found: semioscope-256.png")

    def not_reached(ctx: selftest.Context) -> str:  # keep this test fast: skip the real work
        raise selftest.CheckFailed("skipped in this test")

    monkeypatch.setattr(selftest, "check_resources", broken)
    for name in ("check_clip", "check_engine", "check_detector", "check_report", "check_window"):
        monkeypatch.setattr(selftest, name, not_reached)
    assert main(["--self-test"]) == 1
    out = capsys.readouterr().out
    assert ("self-test: resources ... FAIL: FileNotFoundError: semioscope resource not found: "
            "semioscope-256.png") in out
    assert out.splitlines()[-1] == "self-test: FAIL"


def test_dependent_checks_fail_cleanly_without_their_input(monkeypatch: pytest.MonkeyPatch,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    def no_clip(ctx: selftest.Context) -> str:
        raise RuntimeError("codec missing")

    monkeypatch.setattr(selftest, "check_clip", no_clip)
    assert selftest.run_self_test() == 1
    out = capsys.readouterr().out
    assert "synthetic clip ... FAIL: RuntimeError: codec missing" in out
    assert "analysis engine ... FAIL: no clip (the clip check failed)" in out
    assert "PDF report ... FAIL: no results (the engine check failed)" in out
    assert "review window ... FAIL: no clip" in out
    assert "resources ... pass" in out


def test_self_test_of_the_clinician_runtime_passes_without_torch(tmp_path) -> None:
    """No torch: the engine check runs the real analysis on OpenVINO with a tiny built pack, and
    the crop check that pack's detector (the operations of a converted torchvision detector)."""
    from tests.torchfree import run_without_torch

    done = run_without_torch("import sys\nfrom semioscope.cli import main\n"
                             "rc = main(['--self-test'])\n"
                             "assert 'torch' not in sys.modules\nsys.exit(rc)\n", cwd=tmp_path,
                             env={"QT_QPA_PLATFORM": "offscreen"})
    assert done.returncode == 0, done.stdout + done.stderr
    lines = [line for line in done.stdout.splitlines() if line.startswith("self-test: ")]
    assert lines[-1] == "self-test: PASS"
    engine = next(line for line in lines if line.startswith("self-test: analysis engine"))
    assert "openvino" in engine
    crop = next(line for line in lines if line.startswith("self-test: crop detector"))
    assert "pass" in crop and "ROIAlign, NMS" in crop


def test_the_self_test_detector_check_fails_on_a_wrong_answer(tmp_path, monkeypatch) -> None:
    from semioscope.selftest import CheckFailed
    from semioscope.selftest import openvino as selftest_openvino

    pack = selftest_openvino.make_selftest_pack(tmp_path / "pack")
    assert "ROIAlign" in selftest_openvino.check_openvino_detector(pack, 1)
    # a detector that answers differently must not pass: four equal boxes, NMS keeps one
    import numpy as np

    monkeypatch.setattr(selftest_openvino, "SELFTEST_BOXES",
                        np.repeat(selftest_openvino.SELFTEST_BOXES[:1], 4, axis=0))
    wrong = selftest_openvino.make_selftest_pack(tmp_path / "wrong")
    with pytest.raises(CheckFailed, match="expected 3 boxes"):
        selftest_openvino.check_openvino_detector(wrong, 1)
