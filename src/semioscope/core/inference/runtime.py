"""Which runtime computes the backbone: ``--runtime auto|torch|openvino``.

``auto`` uses OpenVINO's CPU plugin when it is installed and the backbone runs on the CPU (it
was the fastest fp32 runtime measured, bench/RESULTS.md), and torch otherwise: on a GPU, and
wherever OpenVINO is missing or fails to convert (then with a warning, never silently other
numbers: both runtimes give the same features within 1e-4 relative, tested in
tests/core/runtime/). ``SEMIOSCOPE_RUNTIME`` overrides what ``auto`` means on one machine.

The torch network is converted once (tens of seconds) into fp32 IR kept in the user cache under a
key made of the network's own numbers, so the same weights are converted once per machine and
changed weights can never reuse a stale IR.
"""

from __future__ import annotations

import importlib.util
import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from semioscope.errors import SemioscopeError

__all__ = ["RUNTIMES", "choose_runtime", "load_for_inference", "openvino_installed",
           "with_runtime"]

log = logging.getLogger(__name__)

RUNTIMES = ("auto", "torch", "openvino")
ENV = "SEMIOSCOPE_RUNTIME"

#: ``notice(text)``: told before a slow one-off step (the first conversion)
Notice = Callable[[str], None]


def openvino_installed() -> bool:
    return importlib.util.find_spec("openvino") is not None


def choose_runtime(requested: str, device_kind: str, *, installed: bool | None = None) -> str:
    """"torch" or "openvino" for ``--runtime requested`` on a ``device_kind`` ("cpu"/"cuda")."""
    if requested not in RUNTIMES:
        raise SemioscopeError("--runtime", f"unknown runtime {requested!r}; choose one of "
                              f"{', '.join(RUNTIMES)}")
    if requested == "auto":
        override = os.environ.get(ENV, "").strip().lower()
        if override == "torch" or (override == "openvino" and device_kind == "cpu"):
            requested = override
    available = openvino_installed() if installed is None else installed
    if requested == "openvino":
        if device_kind != "cpu":
            raise SemioscopeError("--runtime", "openvino runs on the CPU: add --device cpu, or "
                                  "use --runtime torch on the GPU")
        if not available:
            raise SemioscopeError("--runtime", "openvino requested but not installed: pip "
                                  "install 'semioscope[openvino]', or use --runtime torch")
        return "openvino"
    if requested == "torch" or device_kind != "cpu" or not available:
        return "torch"
    return "openvino"


def with_runtime(backbone: Any, runtime: str, *, threads: int | None = None,
                 notice: Notice | None = None, strict: bool = False,
                 precision: str = "f32") -> Any:
    """``backbone`` itself for "torch"; for "openvino" the same network compiled by OpenVINO.

    ``precision`` is one :func:`~semioscope.core.runtime.precision.choose_precision` chose
    (f32 or bf16 here: int8 comes only from a pack): torch bf16 runs under autocast.
    If the conversion fails, ``strict`` (an explicit ``--runtime openvino``) raises; otherwise
    the torch backbone is returned and ``notice`` says why (at f32: the precision was chosen
    for OpenVINO).
    """
    if runtime == "torch":
        if precision == "bf16":
            from semioscope.core.models.autocast import AutocastBackbone

            return AutocastBackbone(backbone)
        return backbone
    from semioscope.core.models.device import Device
    from semioscope.core.runtime.backbone import OpenVINOBackbone

    try:
        from semioscope.core.export.ir_cache import cached_ir

        xml, entry = cached_ir(backbone, notice)
        compiled = OpenVINOBackbone(xml, name=backbone.name, pretrained=backbone.pretrained,
                                    weights_sha256=backbone.weights_sha256, threads=threads,
                                    extend_to=entry.get("extend_to"),
                                    channels=int(entry.get("channels", 3)),
                                    cache=xml.parent / "compiled", precision=precision)
    except Exception as exc:  # noqa: BLE001 - auto falls back to torch, said aloud
        if strict:
            raise SemioscopeError("--runtime", f"OpenVINO could not take the {backbone.name} "
                                  f"backbone ({type(exc).__name__}: {exc})") from exc
        log.debug("OpenVINO conversion failed", exc_info=True)
        if notice is not None:
            notice(f"OpenVINO could not take the backbone ({type(exc).__name__}); torch is used")
        return backbone
    compiled.device = Device("cpu")   # type: ignore[attr-defined]  # for batch sizing
    return compiled


def load_for_inference(name: str, weights: str | Path | None = None, *,
                       allow_untrained: bool = False, threads: int | None = None, seed: int = 0,
                       device: str = "auto", runtime: str = "auto",
                       notice: Notice | None = None, precision: str = "auto",
                       checks: dict[str, Any] | None = None) -> Any:
    """:func:`~semioscope.core.models.backbone.load_backbone`, then the runtime and precision
    chosen for it (``checks``: the classifier's agreement records, for ``precision="auto"``).

    The device is resolved first, so ``--runtime openvino --device cuda``, a missing OpenVINO
    and a precision this machine cannot run natively are refused before anything is built.
    The result has ``precision_choice`` (a PrecisionChoice: what ran and the check behind it).
    """
    from semioscope.core.models import backbone as backbone_module
    from semioscope.core.models.device import resolve_device

    target = resolve_device(device)
    chosen = choose_runtime(runtime, target.kind)
    resolve = _precision_resolver(precision, chosen, target, checks)
    resolve(None)   # refusals that need no weights (not native, int8 without a pack) first
    loaded = backbone_module.load_backbone(name, weights, allow_untrained=allow_untrained,
                                           threads=threads, seed=seed, device=target)
    choice = resolve(loaded.weights_sha256)
    out = with_runtime(loaded, chosen, threads=threads, notice=notice,
                       strict=runtime == "openvino", precision=choice.precision)
    if getattr(out, "runtime", "torch") != chosen and choice.precision != "f32":
        raise SemioscopeError("--precision", f"{choice.precision} was chosen for OpenVINO, "
                              "which could not take the backbone: use --runtime torch")
    out.precision_choice = choice
    return out


def _precision_resolver(precision: str, runtime: str, target: Any,
                        checks: dict[str, Any] | None) -> Callable[[str | None], Any]:
    from semioscope.core.runtime.cpu_features import detect_cpu
    from semioscope.core.runtime.precision import choose_precision

    cuda_bf16 = False
    if target.kind == "cuda" and precision == "bf16":
        import torch

        cuda_bf16 = bool(torch.cuda.is_bf16_supported())

    def resolve(weights_sha256: str | None) -> Any:
        return choose_precision(precision, runtime=runtime, device_kind=target.kind,
                                cpu=detect_cpu(openvino=runtime == "openvino"),
                                weights_sha256=weights_sha256, checks=checks,
                                cuda_bf16=cuda_bf16)
    return resolve
