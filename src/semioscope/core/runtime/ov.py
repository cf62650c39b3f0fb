"""Importing OpenVINO the one way semioscope does: converter telemetry off, fp32 inference.

``import openvino`` loads the model converter's telemetry client (``openvino_telemetry``), which
sends usage statistics unless a consent file in the user's home says no. Patient data stays
local, so :func:`import_openvino` hides that package before OpenVINO is imported (the converter
then falls back to its built-in no-op stub) and swaps the stub in if OpenVINO was imported
earlier. It never writes a consent file: the user's home is not ours to change.

Compiled models ask for f32 inference precision explicitly: on CPUs with AMX or AVX-512 BF16
OpenVINO would otherwise silently run in bf16 (about 1e-2 relative error).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from semioscope.errors import SemioscopeError

__all__ = ["TELEMETRY_MODULES", "compile_ir", "import_openvino", "telemetry_disabled"]

#: the telemetry client the converter would use; hidden from every import in this process
TELEMETRY_MODULES = ("openvino_telemetry", "openvino_telemetry.backend")
#: OpenVINO's modules that did ``import openvino_telemetry as tm``
_USERS = ("openvino.tools.ovc.telemetry_utils", "openvino.tools.ovc.convert_impl",
          "openvino.tools.ovc.utils", "openvino.tools.ovc.main")


def _disable_telemetry() -> None:
    for name in TELEMETRY_MODULES:
        sys.modules[name] = None  # type: ignore[assignment]  # makes `import name` fail
    if any(name in sys.modules for name in _USERS):
        from openvino.tools.ovc import telemetry_stub

        for name in _USERS:
            module = sys.modules.get(name)
            if module is not None and hasattr(module, "tm"):
                module.tm = telemetry_stub  # type: ignore[attr-defined]


def telemetry_disabled() -> bool:
    """True when no OpenVINO module in this process can reach the telemetry client."""
    if any(sys.modules.get(name, 0) is not None for name in TELEMETRY_MODULES):
        return False
    for name in _USERS:
        module = sys.modules.get(name)
        tm = getattr(module, "tm", None)
        if tm is not None and getattr(tm, "__name__", "").startswith("openvino_telemetry"):
            return False
    return True


def import_openvino() -> Any:
    """The ``openvino`` module with converter telemetry off; a one-line error if missing."""
    _disable_telemetry()
    try:
        import openvino
    except ImportError as exc:
        raise SemioscopeError("openvino", f"OpenVINO is not installed ({exc}): install "
                              "semioscope[clinician] or use the research install") from exc
    _disable_telemetry()
    return openvino


def openvino_hint(precision: str) -> str:
    """OpenVINO's INFERENCE_PRECISION_HINT for a precision: int8 IRs keep f32 outside their
    quantised layers (never OpenVINO's own bf16 default on such CPUs)."""
    return {"f32": "f32", "bf16": "bf16", "int8": "f32"}[precision]


def compile_ir(xml: Path, *, threads: int | None = None, cache: Path | None = None,
               precision: str = "f32") -> Any:
    """Read ``xml`` (+ its ``.bin``) and compile it for the CPU in fp32 (or the ``precision``
    :mod:`.precision` allowed: "bf16"; an int8 IR keeps f32 outside its quantised layers),
    latency mode.

    ``cache``: a folder where OpenVINO keeps the compiled network (its ``CACHE_DIR``, keyed by
    the model, the device, the settings and OpenVINO's version), so a later process loads it
    instead of compiling again: about half the load time and CPU (bench/RESULTS.md). The same
    compiled graph runs either way, so the numbers are the same.
    """
    ov = import_openvino()
    config: dict[str, Any] = {"INFERENCE_PRECISION_HINT": openvino_hint(precision),
                              "PERFORMANCE_HINT": "LATENCY"}
    if threads is not None:
        config["INFERENCE_NUM_THREADS"] = int(threads)
    if cache is not None:
        config["CACHE_DIR"] = str(cache)
    core = ov.Core()
    try:
        if cache is not None:   # from the file: the cached blob is found by the file's hash
            return core.compile_model(str(xml), "CPU", config)
        model = core.read_model(str(xml))
    except RuntimeError as exc:
        raise SemioscopeError(xml, f"not a readable OpenVINO model: {str(exc).splitlines()[0]}") \
            from exc
    return core.compile_model(model, "CPU", config)
