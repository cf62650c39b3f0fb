"""``export_pack``: a trained classifier and its backbone (and a detector) as a model pack.

Everything is written into a temporary folder beside the target and renamed into place at the
end, so an interrupted export leaves no half pack (and an existing pack is never overwritten).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from semioscope.core.atomic import write_json
from semioscope.core.hashing import file_sha256
from semioscope.core.preprocess import PREPROCESSING_VERSION
from semioscope.core.runtime.ov import import_openvino
from semioscope.core.runtime.pack import MANIFEST, PACK_FORMAT
from semioscope.errors import SemioscopeError, WeightsError

__all__ = ["PackRequest", "export_pack"]

#: progress(step text)
StepSink = Callable[[str], None]


@dataclass
class PackRequest:
    """What to put in a pack: the classifier decides the backbone it needs."""

    classifier: Path
    out: Path
    weights: Path | None = None         # backbone weights (default: the fetched file)
    allow_untrained: bool = False       # a random backbone (tests, demos): flagged everywhere
    detector: str | None = None         # "maskrcnn" | "fasterrcnn-mobilenet" | None
    detector_weights: Path | None = None
    detector_min_size: int | None = None
    threads: int | None = None


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _converter() -> dict[str, str]:
    import torch

    ov = import_openvino()
    return {"openvino": str(ov.__version__).split("-")[0], "torch": str(torch.__version__)}


def export_pack(request: PackRequest, progress: StepSink | None = None) -> dict[str, Any]:
    """Convert, write and verify the pack; returns its manifest.
    Long because it is one transaction: convert, write into a temporary folder, verify, rename."""
    from semioscope import __version__
    from semioscope.core.export.backbone import export_backbone
    from semioscope.core.export.classifier import export_classifier
    from semioscope.core.models.backbone import load_backbone
    from semioscope.core.models.backbone_match import check_backbone_match
    from semioscope.core.models.classifier import load_classifier
    from semioscope.core.models.registry import official_source

    say = progress or (lambda _text: None)
    out = Path(request.out)
    if out.exists():
        raise SemioscopeError(out, "already exists: give a new folder for the pack")
    model, meta = load_classifier(request.classifier)
    if meta.preprocessing_version != PREPROCESSING_VERSION:
        raise WeightsError(request.classifier, f"trained with preprocessing "
                           f"{meta.preprocessing_version!r}, this version uses "
                           f"{PREPROCESSING_VERSION!r} (retrain it)")
    backbone = load_backbone(meta.backbone, request.weights,
                             allow_untrained=request.allow_untrained, threads=request.threads)
    check_backbone_match(Path(request.classifier), meta, backbone, False)  # a pack: no override
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        say(f"converting the {backbone.name} backbone (about a minute)")
        backbone_entry = export_backbone(backbone, tmp)
        backbone_entry["weights_source"] = official_source(backbone.name,
                                                           backbone.weights_sha256)
        say("converting the classifier")
        export_classifier(model, tmp / "classifier.xml")
        shutil.copyfile(request.classifier, tmp / "classifier.semio")
        detector_entry = None
        if request.detector is not None:
            from semioscope.core.export.detector import export_detector

            say(f"converting the {request.detector} crop detector")
            detector_entry = export_detector(
                request.detector, tmp, weights=request.detector_weights,
                allow_untrained=request.allow_untrained, min_size=request.detector_min_size,
                threads=request.threads)
        manifest = {
            "format": PACK_FORMAT,
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
            "software_version": __version__, "converter": _converter(),
            "preprocessing_version": PREPROCESSING_VERSION,
            "backbone": backbone_entry,
            "classifier": {"ir": "classifier.xml", "source": "classifier.semio",
                           "sha256": file_sha256(request.classifier),
                           "steps": model.config.steps, "metadata": meta.to_dict()},
            "detector": detector_entry,
            "files": {p.name: file_sha256(p) for p in sorted(tmp.iterdir()) if p.is_file()},
        }
        write_json(tmp / MANIFEST, manifest)
        tmp.chmod(0o777 & ~_umask())  # mkdtemp makes 0700: a pack is shared with colleagues
        tmp.rename(out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return manifest
