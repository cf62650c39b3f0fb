"""The backbone's OpenVINO IR, converted once per machine into the user cache.

``cache_dir()/openvino/<name>-<digest>/`` holds the IR of one network's numbers (:func:`ir_key`):
``analyze`` compiles it (:mod:`semioscope.core.inference.runtime`), ``models fetch``/``import``
fill it ahead (:mod:`semioscope.core.inference.prepare`) and ``models export`` copies it into a
pack, so the same IR is converted once and no analysis waits for it.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

from semioscope import __version__
from semioscope.core.paths import cache_dir

__all__ = ["IR_OUTPUTS", "cached_ir", "ir_key"]

#: what the cached IR computes (part of its key: an IR cached before the second output, the
#: last 3D map for saliency, is never taken for one that has it)
IR_OUTPUTS = "features+maps"

#: ``notice(text)``: told before a slow one-off step (the first conversion)
Notice = Callable[[str], None]


def ir_key(backbone: Any) -> str:
    """A digest of the network's numbers, its input and the software that converts it."""
    import torch

    from semioscope.core.runtime.ov import import_openvino

    digest = hashlib.sha256()
    digest.update(f"{backbone.name}|{getattr(backbone, 'accepts_gray', False)}|{__version__}|"
                  f"{import_openvino().__version__}|{IR_OUTPUTS}".encode())
    for name, tensor in backbone.model.state_dict().items():
        digest.update(name.encode())
        digest.update(tensor.detach().to("cpu", torch.float32).contiguous().numpy().tobytes())
    return digest.hexdigest()[:32]


def cached_ir(backbone: Any, notice: Notice | None = None) -> tuple[Path, dict[str, Any]]:
    """The backbone's IR in the user cache, converting it first if it is not there yet (the
    step ``models fetch``/``import`` and pack export do ahead, so no analysis waits for it)."""
    import json

    from semioscope.core.export.backbone import export_backbone

    folder = cache_dir() / "openvino" / f"{backbone.name}-{ir_key(backbone)}"
    entry_file = folder / "entry.json"
    if entry_file.is_file():
        entry = json.loads(entry_file.read_text(encoding="utf-8"))
        return folder / entry["ir"], entry
    if notice is not None:
        notice(f"converting {backbone.name} to OpenVINO once for this machine (about a minute "
               "on two cores; later runs reuse it)")
    folder.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=folder.name + ".", dir=folder.parent))
    try:
        with warnings.catch_warnings():   # the tracer's notes mean nothing to a user
            warnings.simplefilter("ignore")
            entry = export_backbone(backbone, work)
        (work / "entry.json").write_text(json.dumps(entry), encoding="utf-8")
        try:
            work.rename(folder)        # the whole folder appears at once, or not at all
        except OSError:                # another process converted it meanwhile
            if not entry_file.is_file():
                raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return folder / entry["ir"], entry
