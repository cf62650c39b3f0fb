"""CPU capability detection: which lower precisions run natively, from the CPU's own flags."""

from __future__ import annotations

from pathlib import Path

import pytest

from semioscope.core.runtime.cpu_features import CpuFeatures, detect_cpu, parse_cpuinfo

AVX2_EPYC = """processor\t: 0
vendor_id\t: AuthenticAMD
model name\t: AMD EPYC 7B12
flags\t\t: fpu sse4_2 avx fma avx2 bmi2
"""
SAPPHIRE = """processor\t: 0
model name\t: Intel(R) Xeon(R) Platinum 8480+
flags\t\t: avx2 avx512f avx512_vnni avx512_bf16 amx_bf16 amx_tile amx_int8
"""
ALDER = """model name\t: 12th Gen Intel(R) Core(TM) i7-12700H
flags\t\t: avx avx2 fma avx_vnni
"""


def _cpu(text: str, openvino: tuple[str, ...] | None = None) -> CpuFeatures:
    model, flags = parse_cpuinfo(text)
    return CpuFeatures(model, flags, openvino, bool(flags))


def test_an_avx2_cpu_runs_neither_natively() -> None:
    cpu = _cpu(AVX2_EPYC, ("FP32", "INT8", "BIN"))   # OpenVINO says INT8 anywhere: not native
    assert cpu.model == "AMD EPYC 7B12"
    assert (cpu.bf16_native, cpu.int8_native) == (False, False)
    assert cpu.instruction_set() == "AVX2"
    assert "needs avx512_bf16 or amx_bf16" in cpu.evidence("bf16")
    assert "bf16: not native, refused" in "\n".join(cpu.lines())


def test_amx_and_vnni_make_both_native() -> None:
    cpu = _cpu(SAPPHIRE)
    assert cpu.bf16_native and cpu.int8_native and cpu.native("f32")
    assert cpu.evidence("bf16") == "avx512_bf16, amx_bf16"
    assert cpu.instruction_set().startswith("AMX-TILE with avx512_bf16")


def test_avx_vnni_alone_is_int8_only() -> None:
    cpu = _cpu(ALDER)
    assert (cpu.bf16_native, cpu.int8_native) == (False, True)


def test_without_flags_openvino_decides_bf16_but_never_int8() -> None:
    assert CpuFeatures("x", frozenset(), ("BF16", "INT8"), flags_known=False).bf16_native
    cpu = CpuFeatures("x", frozenset(), ("FP32", "INT8"), flags_known=False)
    assert not cpu.bf16_native and not cpu.int8_native


def test_hidden_flags_only_take_capabilities_away(monkeypatch: pytest.MonkeyPatch,
                                                  tmp_path: Path) -> None:
    info = tmp_path / "cpuinfo"
    info.write_text(SAPPHIRE)
    monkeypatch.setenv("SEMIOSCOPE_HIDE_CPU_FLAGS", "avx512_bf16,amx_bf16")
    cpu = detect_cpu(cpuinfo=str(info), openvino=False)
    assert not cpu.bf16_native and cpu.int8_native
    monkeypatch.setenv("SEMIOSCOPE_HIDE_CPU_FLAGS", "")
    assert detect_cpu(cpuinfo=str(info), openvino=False).bf16_native


def test_this_machine_agrees_with_its_own_proc_cpuinfo() -> None:
    text = Path("/proc/cpuinfo").read_text()
    cpu = detect_cpu(openvino=False)
    assert cpu.bf16_native == (" avx512_bf16" in text or " amx_bf16" in text)
    assert cpu.record()["instruction_set"] == cpu.instruction_set()
