"""Convert a backbone to OpenVINO when its weights arrive, not when the first analysis starts.

``models fetch`` and ``models import`` call :func:`prepare_openvino` after the weights are in
place (and ``models export`` converts into the same cache), so the review window and
``analyze`` find the IR in the user cache and never wait the 30-60 s of a first conversion.
Skipped where ``--runtime auto`` would not use OpenVINO anyway (not installed, or
``SEMIOSCOPE_RUNTIME=torch``).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

__all__ = ["BACKBONE_ARCHITECTURES", "prepare_openvino", "wanted"]

BACKBONE_ARCHITECTURES = ("i3d", "s3d")


def wanted(architecture: str) -> bool:
    """Whether weights of ``architecture`` are converted ahead for this machine."""
    from semioscope.core.inference.runtime import ENV, openvino_installed

    return (architecture in BACKBONE_ARCHITECTURES and openvino_installed()
            and os.environ.get(ENV, "").strip().lower() != "torch")


def prepare_openvino(architecture: str, weights: str | Path, *, threads: int | None = None,
                     say: Callable[[str], None] | None = None) -> Path | None:
    """The cached IR of ``weights`` (converted now if missing), or None when not wanted."""
    if not wanted(architecture):
        return None
    from semioscope.core.export.ir_cache import cached_ir
    from semioscope.core.models.backbone import load_backbone

    started = time.monotonic()
    backbone = load_backbone(architecture, weights, threads=threads)
    xml, _ = cached_ir(backbone, say)
    if say is not None:
        say(f"OpenVINO model ready for this machine ({time.monotonic() - started:.0f} s): "
            "the first analysis will not convert")
    return xml
