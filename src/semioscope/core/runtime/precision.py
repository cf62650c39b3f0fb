"""``--precision auto|f32|bf16|int8``: which numbers the backbone computes in, and why.

A lower precision is used only where it is both *fast* and *the same answer*:

* fast: the CPU runs it natively (:mod:`.cpu_features`); otherwise it is refused with one line,
  never emulated (emulated bf16/int8 is slower than fp32);
* the same answer: ``auto`` picks bf16 or int8 only when the model pack (or the classifier)
  carries a *passed* agreement check for it (:mod:`semioscope.core.export.agreement`), made with
  the same backbone weights. Without one, ``auto`` is fp32. An explicit ``--precision bf16``
  without a passed check runs, and the trust rule marks the result unverified.

int8 needs a quantised backbone calibrated on the team's windows, which only ``models export
--precision int8`` makes, so it is available from such a pack only. The classifier always runs
in fp32 (it is tiny); the precision is the backbone's.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from semioscope.core.runtime.cpu_features import CpuFeatures
from semioscope.errors import SemioscopeError

__all__ = ["LOWER", "MAX_DELTA", "MAX_FEATURE_REL", "PRECISIONS", "PrecisionChoice",
           "check_set_text", "choose_precision", "judge_record", "on_training_data",
           "passed_check"]

PRECISIONS = ("auto", "f32", "bf16", "int8")
#: lower precisions, in the order ``auto`` prefers them (bf16 keeps more of the numbers)
LOWER = ("bf16", "int8")
#: the gate: largest |ΔP(TLE)| any window may move, besides no seizure verdict flipping
MAX_DELTA = 0.02
#: the gate's second bound: the backbone's features may differ from f32 by at most this share of
#: their largest value. A trained classifier's P(TLE) on its own check windows sits near 0 or 1,
#: where it hardly moves, so |ΔP| there hides feature error that shows on unseen videos: int8
#: (NNCF, 16-22 % here) passed |ΔP| on 9 check seizures and then moved unseen videos' P(TLE) by
#: 0.04-0.19; bf16 (0.3-2 %) stayed within 0.02 on them (bench/RESULTS.md, "Precision").
MAX_FEATURE_REL = 0.05


@dataclass(frozen=True)
class PrecisionChoice:
    """The precision the backbone runs in, what was asked, and the check that allows it."""

    precision: str                      # f32 | bf16 | int8
    requested: str                      # what the user asked (auto | f32 | bf16 | int8)
    check: dict[str, Any] | None = None  # the passed agreement record it rests on, if any
    note: str = ""                      # why auto chose it (shown with --verbose, in logs)


def passed_check(checks: Mapping[str, Any] | None, precision: str,
                 weights_sha256: str | None) -> dict[str, Any] | None:
    """The passed agreement record for ``precision`` made with these weights, else None."""
    record = (checks or {}).get(precision)
    if not isinstance(record, dict) or not judge_record(record)[0]:
        return None
    if record.get("backbone_weights_sha256") != weights_sha256:
        return None
    return {k: v for k, v in record.items() if k != "per_seizure"}   # results keep the sums


def judge_record(record: Mapping[str, Any]) -> tuple[bool, str]:
    """``(passed, why not)`` of an agreement record by today's gate: what every reader
    (auto, an explicit --precision, verify-pack) goes by, not the record's own "passed"."""
    if record.get("passed") is not True:
        return False, str(record.get("reason") or "verdicts differ from f32")
    if _too_far(record):
        return False, (f"its features differ from f32 by up to "
                       f"{float(record['max_feature_rel_diff']):.1%} (the gate allows "
                       f"{MAX_FEATURE_REL:.0%})")
    return True, ""


def _too_far(record: Mapping[str, Any]) -> bool:
    """A record whose features strayed past :data:`MAX_FEATURE_REL`: judged by today's gate, so
    a pack checked before the bound existed (its record said "passed") is not a pass."""
    rel = record.get("max_feature_rel_diff")
    return isinstance(rel, int | float) and float(rel) > MAX_FEATURE_REL


def _refuse(text: str) -> SemioscopeError:
    return SemioscopeError("--precision", text)


def choose_precision(requested: str, *, runtime: str, device_kind: str, cpu: CpuFeatures,
                     weights_sha256: str | None = None,
                     checks: Mapping[str, Any] | None = None, int8_available: bool = False,
                     cuda_bf16: bool = False) -> PrecisionChoice:
    """Resolve ``--precision`` for a backbone on ``runtime`` ("torch" | "openvino") and
    ``device_kind`` ("cpu" | "cuda"); SemioscopeError("--precision", ...) when refused.

    ``checks``: precision -> agreement record (a pack's or classifier's); ``int8_available``:
    a quantised backbone exists (a pack exported with ``--precision int8``); ``cuda_bf16``:
    the GPU has bf16 arithmetic (torch's ``cuda.is_bf16_supported``).
    """
    if requested not in PRECISIONS:
        raise _refuse(f"unknown precision {requested!r}; choose one of {', '.join(PRECISIONS)}")
    if requested == "f32":
        return PrecisionChoice("f32", requested)
    if device_kind != "cpu":
        return _on_gpu(requested, cuda_bf16)
    if requested == "auto":
        for precision in LOWER:
            record = passed_check(checks, precision, weights_sha256)
            if record is None or not cpu.native(precision) or runtime != "openvino":
                continue
            if precision == "int8" and not int8_available:
                continue
            return PrecisionChoice(precision, requested, record,
                                   f"{precision}: native here ({cpu.evidence(precision)}) and "
                                   "its agreement check passed")
        return PrecisionChoice("f32", requested, None, "f32: no passed agreement check for a "
                               "lower precision that this CPU runs natively")
    if not cpu.native(requested):
        raise _refuse(f"{requested} is not native on this CPU ({cpu.model}: "
                      f"{cpu.evidence(requested)}); it would be emulated, slower than f32 "
                      "- use --precision f32 (or auto)")
    if requested == "int8":
        if runtime != "openvino":
            raise _refuse("int8 runs on OpenVINO only, from a model pack exported with "
                          "`semioscope models export --precision int8`")
        if not int8_available:
            raise _refuse("int8 needs a model pack exported with `semioscope models export "
                          "--precision int8` (its backbone quantised and calibrated on your "
                          "windows); use bf16 or f32")
    failed = (checks or {}).get(requested)
    if isinstance(failed, dict) and failed.get("passed") is False:
        raise _refuse(f"{requested} failed its agreement check for this model "
                      f"({failed.get('reason', 'verdicts differ from f32')}): use f32")
    if isinstance(failed, dict) and not judge_record(failed)[0]:
        raise _refuse(f"{requested} failed its agreement check for this model: "
                      f"{judge_record(failed)[1]}: use f32")
    return PrecisionChoice(requested, requested, passed_check(checks, requested, weights_sha256),
                           f"{requested}: asked for")


def _on_gpu(requested: str, cuda_bf16: bool) -> PrecisionChoice:
    """On a GPU: bf16 autocast only where the GPU has it; ``auto`` stays fp32 (a CPU's
    agreement check says nothing about a GPU's bf16 rounding)."""
    if requested == "auto":
        return PrecisionChoice("f32", requested, None, "f32: the GPU default")
    if requested == "int8":
        raise _refuse("int8 runs on the CPU (OpenVINO) only: use --device cpu, or bf16 / f32")
    if not cuda_bf16:
        raise _refuse("this GPU has no native bf16: use --precision f32")
    return PrecisionChoice("bf16", requested, None, "bf16: asked for (GPU autocast)")


def on_training_data(record: Mapping[str, Any] | None) -> bool:
    """True when the agreement check ran (wholly or partly) on the classifier's own training
    seizures: weaker evidence for unseen videos than it looks."""
    check_set = (record or {}).get("check_set")
    return isinstance(check_set, dict) and check_set.get("kind") in ("training",
                                                                      "partly_training")


def check_set_text(record: Mapping[str, Any]) -> str:
    """What an agreement check ran on, in words: "9 seizures (412 windows), all of them the
    classifier's training seizures: not checked on unseen videos" and the like."""
    check_set = record.get("check_set")
    if not isinstance(check_set, dict):   # a record made before it said
        return (f"{record.get('seizures')} seizures ({record.get('windows')} windows); whether "
                "they were the classifier's training seizures is not recorded")
    sizes = f"{check_set.get('seizures')} seizures ({check_set.get('windows')} windows)"
    kind, overlap = check_set.get("kind"), check_set.get("training_seizures")
    if kind == "training":
        return (f"{sizes}, all of them the classifier's own TRAINING seizures: agreement on "
                "unseen videos was not measured and may be worse")
    if kind == "partly_training":
        return (f"{sizes}, {overlap} of them the classifier's own TRAINING seizures: agreement "
                "on unseen videos may be worse")
    if kind == "held_out":
        return f"{sizes}, none of them the classifier's training seizures"
    return (f"{sizes}; whether they were the classifier's training seizures is not recorded "
            "(a classifier trained before semioscope recorded them)")
