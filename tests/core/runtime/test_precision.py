"""--precision: what auto picks, what is refused (never emulated), and OpenVINO's real hint.

CI has no GPU and maybe no bf16: the choice is a pure function of the CPU's flags, the runtime,
the device and the agreement records, so every branch is tested here on described CPUs.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from semioscope.core.runtime.cpu_features import CpuFeatures
from semioscope.core.runtime.precision import choose_precision
from semioscope.errors import SemioscopeError

NATIVE = CpuFeatures("Xeon", frozenset({"avx512f", "avx512_bf16", "avx512_vnni"}))
AVX2 = CpuFeatures("EPYC", frozenset({"avx2", "fma"}))
SHA = "ab" * 32
PASSED = {"bf16": {"passed": True, "backbone_weights_sha256": SHA, "max_abs_dp": 0.001},
          "int8": {"passed": True, "backbone_weights_sha256": SHA, "max_abs_dp": 0.01}}


def pick(requested: str, cpu: CpuFeatures = NATIVE, **kw: object) -> str:
    args: dict[str, object] = {"runtime": "openvino", "device_kind": "cpu",
                               "weights_sha256": SHA, **kw}
    return choose_precision(requested, cpu=cpu, **args).precision  # type: ignore[arg-type]


def test_auto_is_f32_without_a_passed_check() -> None:
    assert pick("auto") == "f32"
    assert pick("auto", checks={"bf16": {**PASSED["bf16"], "passed": False}}) == "f32"


def test_auto_takes_a_passed_check_only_for_the_same_weights_and_a_native_cpu() -> None:
    assert pick("auto", checks=PASSED) == "bf16"
    assert pick("auto", checks=PASSED, weights_sha256="cd" * 32) == "f32"
    assert pick("auto", AVX2, checks=PASSED) == "f32"
    assert pick("auto", checks=PASSED, runtime="torch") == "f32"  # measured on OpenVINO only
    only_int8 = {"int8": PASSED["int8"]}
    assert pick("auto", checks=only_int8) == "f32"               # no quantised backbone
    assert pick("auto", checks=only_int8, int8_available=True) == "int8"
    bf16_less = CpuFeatures("Alder", frozenset({"avx2", "avx_vnni"}))
    assert pick("auto", bf16_less, checks=PASSED, int8_available=True) == "int8"


def test_a_record_whose_features_strayed_is_no_pass() -> None:
    """Judged by today's feature bound, whatever the record says: a pack checked before the
    bound existed (int8 at 16 %, "passed") is neither taken by auto nor run on request."""
    strayed = {"int8": {**PASSED["int8"], "max_feature_rel_diff": 0.16},
               "bf16": {**PASSED["bf16"], "max_feature_rel_diff": 0.02}}
    assert pick("auto", checks=strayed, int8_available=True) == "bf16"
    assert pick("auto", checks={"int8": strayed["int8"]}, int8_available=True) == "f32"
    with pytest.raises(SemioscopeError, match=r"int8 failed its agreement check for this model: "
                                              r"its features differ from f32 by up to 16\.0% "
                                              r"\(the gate allows 5%\): use f32"):
        pick("int8", checks=strayed, int8_available=True)
    assert pick("bf16", checks=strayed) == "bf16"


def test_the_record_auto_rests_on_is_returned() -> None:
    choice = choose_precision("auto", runtime="openvino", device_kind="cpu", cpu=NATIVE,
                              weights_sha256=SHA, checks=PASSED)
    assert choice.check == PASSED["bf16"] and choice.requested == "auto"


@pytest.mark.parametrize("precision", ["bf16", "int8"])
def test_a_precision_the_cpu_would_emulate_is_refused(precision: str) -> None:
    with pytest.raises(SemioscopeError, match=rf"^--precision: {precision} is not native on "
                                              r"this CPU \(EPYC: needs "):
        pick(precision, AVX2, int8_available=True)


def test_explicit_choices() -> None:
    assert pick("f32", AVX2) == "f32"
    assert pick("bf16") == "bf16"
    assert pick("bf16", runtime="torch") == "bf16"                # autocast, where native
    assert pick("int8", int8_available=True) == "int8"
    with pytest.raises(SemioscopeError, match="int8 needs a model pack exported with"):
        pick("int8")
    with pytest.raises(SemioscopeError, match="int8 runs on OpenVINO only"):
        pick("int8", runtime="torch", int8_available=True)
    with pytest.raises(SemioscopeError, match="bf16 failed its agreement check"):
        pick("bf16", checks={"bf16": {"passed": False, "reason": "1 verdict flipped"}})
    with pytest.raises(SemioscopeError, match="unknown precision 'fp16'"):
        pick("fp16")


def test_on_a_gpu() -> None:
    assert pick("auto", device_kind="cuda", checks=PASSED, runtime="torch") == "f32"
    assert pick("bf16", AVX2, device_kind="cuda", runtime="torch", cuda_bf16=True) == "bf16"
    with pytest.raises(SemioscopeError, match="this GPU has no native bf16"):
        pick("bf16", device_kind="cuda", runtime="torch")
    with pytest.raises(SemioscopeError, match="int8 runs on the CPU"):
        pick("int8", device_kind="cuda", runtime="torch")


def _tiny_ir(folder: Path) -> Path:
    from semioscope.core.runtime.ov import import_openvino

    ov = import_openvino()
    ops = ov.opset13
    x = ops.parameter([1, 64], ov.Type.f32, name="x")
    w = ops.constant(np.linspace(-1, 1, 64 * 64, dtype=np.float32).reshape(64, 64))
    model = ov.Model([ops.result(ops.matmul(x, w, False, False))], [x], "tiny")
    xml = folder / "tiny.xml"
    ov.save_model(model, str(xml), compress_to_fp16=False)
    return xml


@pytest.mark.parametrize(("precision", "hint"), [("f32", "f32"), ("bf16", "bf16"),
                                                 ("int8", "f32")])
def test_openvino_compiles_in_exactly_the_chosen_precision(tmp_path: Path, precision: str,
                                                           hint: str) -> None:
    """f32 is forced, not OpenVINO's default (bf16 on CPUs that have it)."""
    pytest.importorskip("openvino")
    from semioscope.core.runtime.ov import compile_ir, import_openvino

    compiled = compile_ir(_tiny_ir(tmp_path), threads=1, precision=precision)
    assert str(compiled.get_property("INFERENCE_PRECISION_HINT")) == \
        str(import_openvino().Type.f32 if hint == "f32" else import_openvino().Type.bf16)
