"""Which lower precisions this CPU runs natively, read from its instruction set.

bf16 pays only where the CPU has bf16 dot products (``avx512_bf16`` or AMX ``amx_bf16``); int8
only with VNNI (``avx512_vnni``, ``avx_vnni``) or AMX ``amx_int8``. Without them OpenVINO
*emulates* the lower precision, slower than fp32 (int8 was 4x slower on an AVX2 EPYC,
/work/shared/PERF_NOTES.md), so semioscope refuses instead (:mod:`.precision`).

The flags come from ``/proc/cpuinfo`` (Linux). Elsewhere OpenVINO's own
``OPTIMIZATION_CAPABILITIES`` decides bf16 (it lists BF16 only with hardware support); its INT8
entry means "supported", not "native", so int8 is then not claimed. ``SEMIOSCOPE_HIDE_CPU_FLAGS``
(comma-separated) hides flags, so a test or a cautious site can act as a CPU without them; it
can only take capabilities away.
"""

from __future__ import annotations

import functools
import os
import platform
from dataclasses import dataclass
from pathlib import Path

__all__ = ["BF16_FLAGS", "HIDE_ENV", "INT8_FLAGS", "CpuFeatures", "detect_cpu", "parse_cpuinfo"]

BF16_FLAGS = ("avx512_bf16", "amx_bf16")
INT8_FLAGS = ("avx512_vnni", "avx_vnni", "amx_int8")
#: the vector extensions named when describing a CPU, widest first
_VECTOR = ("amx_tile", "avx512f", "avx2", "avx", "sse4_2", "neon", "asimd")
HIDE_ENV = "SEMIOSCOPE_HIDE_CPU_FLAGS"


@dataclass(frozen=True)
class CpuFeatures:
    """A CPU's name, its instruction-set flags and (if installed) OpenVINO's view of it."""

    model: str
    flags: frozenset[str]
    openvino: tuple[str, ...] | None = None   # OPTIMIZATION_CAPABILITIES; None: not asked
    flags_known: bool = True                  # False where no /proc/cpuinfo could be read

    @property
    def bf16_native(self) -> bool:
        if self.flags_known:
            return bool(self.flags & set(BF16_FLAGS))
        return "BF16" in (self.openvino or ())

    @property
    def int8_native(self) -> bool:
        return bool(self.flags & set(INT8_FLAGS))

    def native(self, precision: str) -> bool:
        """Whether ``precision`` ("f32", "bf16", "int8") runs at full speed here."""
        return {"f32": True, "bf16": self.bf16_native, "int8": self.int8_native}[precision]

    def evidence(self, precision: str) -> str:
        """The flags that make ``precision`` native (or the ones it would need)."""
        wanted = {"bf16": BF16_FLAGS, "int8": INT8_FLAGS}.get(precision, ())
        have = [f for f in wanted if f in self.flags]
        if have:
            return ", ".join(have)
        if precision == "bf16" and not self.flags_known and self.bf16_native:
            return "OpenVINO reports BF16"
        return "needs " + " or ".join(wanted)

    def instruction_set(self) -> str:
        """One line: the widest vector extension and the lower-precision flags present."""
        widest = next((f for f in _VECTOR if f in self.flags), None)
        extra = [f for f in (*BF16_FLAGS, *INT8_FLAGS) if f in self.flags]
        base = (widest or "unknown").upper().replace("_", "-").replace("AVX512F", "AVX-512")
        return base + (f" with {', '.join(extra)}" if extra else "")

    def record(self) -> dict[str, object]:
        """What an agreement record stores about the CPU it was measured on."""
        return {"model": self.model, "instruction_set": self.instruction_set(),
                "flags": sorted(f for f in self.flags
                                if f in (*BF16_FLAGS, *INT8_FLAGS, *_VECTOR, "fma")),
                "openvino": list(self.openvino) if self.openvino is not None else None}

    def lines(self) -> list[str]:
        """For ``semioscope info --system`` and the self-test."""
        def word(p: str) -> str:
            return ("native" if self.native(p) else "not native, refused") + \
                f" ({self.evidence(p)})"
        out = [f"CPU: {self.model}", f"  instruction set: {self.instruction_set()}",
               f"  bf16: {word('bf16')}", f"  int8: {word('int8')}"]
        if self.openvino is not None:
            out.append(f"  OpenVINO CPU capabilities: {', '.join(self.openvino)}")
        return out


def parse_cpuinfo(text: str) -> tuple[str, frozenset[str]]:
    """``(model name, flags)`` of the first processor in a ``/proc/cpuinfo`` text."""
    model, flags = "", frozenset[str]()
    for line in text.splitlines():
        key, _, value = line.partition(":")
        key = key.strip().lower()
        if key == "model name" and not model:
            model = value.strip()
        elif key in ("flags", "features") and not flags:   # x86: flags; ARM: Features
            flags = frozenset(value.split())
        if model and flags:
            break
    return model, flags


def _openvino_capabilities() -> tuple[str, ...] | None:
    import importlib.util

    if importlib.util.find_spec("openvino") is None:
        return None
    from semioscope.core.runtime.ov import import_openvino

    try:
        caps = import_openvino().Core().get_property("CPU", "OPTIMIZATION_CAPABILITIES")
    except Exception:  # noqa: BLE001 - an unknown view is None, never a failure
        return None
    return tuple(str(c) for c in caps)


def _hidden() -> frozenset[str]:
    return frozenset(f.strip() for f in os.environ.get(HIDE_ENV, "").split(",") if f.strip())


@functools.lru_cache(maxsize=4)
def _detect(cpuinfo: str, hidden: frozenset[str], ask_openvino: bool) -> CpuFeatures:
    try:
        model, flags = parse_cpuinfo(Path(cpuinfo).read_text(encoding="utf-8", errors="replace"))
        known = bool(flags)
    except OSError:
        model, flags, known = "", frozenset(), False
    caps = _openvino_capabilities() if ask_openvino else None
    if hidden and caps is not None and hidden & set(BF16_FLAGS):
        caps = tuple(c for c in caps if c != "BF16")
    return CpuFeatures(model or platform.processor() or platform.machine() or "unknown CPU",
                       flags - hidden, caps, known)


def detect_cpu(*, cpuinfo: str = "/proc/cpuinfo", openvino: bool = True) -> CpuFeatures:
    """This machine's CPU (cached per process; ``openvino`` False skips importing it)."""
    return _detect(cpuinfo, _hidden(), openvino)
