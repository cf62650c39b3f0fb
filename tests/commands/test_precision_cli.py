"""`--precision` through the real CLI: refused where the CPU would emulate it, recorded in the
results when it ran, and `info --system` naming the CPU's instruction set."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from semioscope.cli import main
from semioscope.core.results import load_results
from semioscope.core.runtime.cpu_features import detect_cpu
from semioscope.core.trust import assess
from semioscope.core.video.writer import write_ffv1
from tests.commands.test_analyze_cli import blob_frames


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("precision") / "clip.mkv"
    write_ffv1(path, blob_frames(12), fps=30)   # one 12-frame window
    return path


def _analyze(clip: Path, out: Path, *extra: str) -> int:
    return main(["analyze", str(clip), "--allow-untrained", "--threads", "2", "--out", str(out),
                 *extra])


@pytest.mark.parametrize("precision", ["bf16", "int8"])
def test_a_cpu_without_the_instructions_refuses_in_one_line(
        clip: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str], precision: str) -> None:
    monkeypatch.setenv("SEMIOSCOPE_HIDE_CPU_FLAGS", "avx512_bf16,amx_bf16,avx512_vnni,"
                       "avx_vnni,amx_int8")
    out = tmp_path / "r.json"
    assert _analyze(clip, out, "--precision", precision) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith(f"semioscope: error: --precision: {precision} is not native on "
                              "this CPU")
    assert not out.exists()


def test_int8_without_a_quantised_pack_is_refused(clip: Path, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    if not detect_cpu(openvino=False).int8_native:
        pytest.skip("this CPU has no VNNI: the refusal above is the one it gives")
    assert _analyze(clip, tmp_path / "r.json", "--precision", "int8") == 2
    assert "a model pack exported with `semioscope models export --precision int8`" in \
        capsys.readouterr().err


@pytest.mark.skipif(not detect_cpu(openvino=False).bf16_native,
                    reason="this CPU runs bf16 only emulated (refused, tested above)")
def test_bf16_runs_and_says_so_in_the_results(clip: Path, tmp_path: Path) -> None:
    f32, bf16 = tmp_path / "f32.json", tmp_path / "bf16.json"
    assert _analyze(clip, f32, "--precision", "f32") == 0
    assert _analyze(clip, bf16, "--precision", "bf16") == 0
    a, b = load_results(f32), load_results(bf16)
    assert (a.model.precision, b.model.precision) == ("f32", "bf16")
    assert b.model.precision_check is None
    assert "bf16 (NO agreement check)" in b.model.computed_by()
    assert a.model.computed_by().startswith("torch") and ", f32" in a.model.computed_by()
    assert "unchecked_precision" in assess(b).codes
    assert "unchecked_precision" not in assess(a).codes
    # the same network at lower precision: close, not equal
    pa, pb = a.windows[0].p_tle, b.windows[0].p_tle
    assert pa != pb and abs(pa - pb) < 0.02
    assert json.loads(bf16.read_text())["model"]["precision"] == "bf16"


def test_info_system_names_the_cpu(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["info", "--system", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    cpu = detect_cpu()
    assert data["instruction_set"] == cpu.instruction_set()
    assert data["bf16_native"] is cpu.bf16_native
    assert main(["info", "--system"]) == 0
    assert f"bf16: {'native' if cpu.bf16_native else 'not native'}" in capsys.readouterr().out
