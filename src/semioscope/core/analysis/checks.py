"""What ``analyze`` refuses before the first window is computed, each with the reason and the fix.

A classifier made from other features (backbone, preprocessing, 16->8-bit mapping, backbone
weights) gives scores that mean nothing, so it is refused rather than warned about; a request
with impossible options is refused naming the option. The backbone-weights rule lives in
``core/models/backbone_match.py``, below both this and ``core/export/pack.py``, which applies it
when a model pack is made.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from semioscope.core.analysis.request import AnalysisRequest
from semioscope.core.models.backbone_match import check_backbone_match
from semioscope.core.models.device import parse_device
from semioscope.core.preprocess import PREPROCESSING_VERSION
from semioscope.core.results.model import CROP_SOURCES
from semioscope.core.video import MAPPING_NAMES
from semioscope.errors import SemioscopeError, WeightsError

if TYPE_CHECKING:
    from semioscope.core.analysis.engine import ClassifierMeta

__all__ = ["check_backbone_match", "check_classifier", "check_mapping", "check_request"]


def _mapping_name(value: object) -> str | None:
    if isinstance(value, dict):
        return None if value.get("name") is None else str(value["name"])
    return None if value is None else str(value)


def check_classifier(path: Path, meta: ClassifierMeta, backbone: str) -> None:
    """Refuse a classifier trained on other features than the ones this run would make."""
    if meta.backbone != backbone:
        raise WeightsError(path, f"the classifier was trained on {meta.backbone} features, but "
                           f"this run uses --backbone {backbone}")
    if meta.preprocessing_version != PREPROCESSING_VERSION:
        raise WeightsError(path, f"the classifier was trained with preprocessing "
                           f"{meta.preprocessing_version!r}; this version of semioscope uses "
                           f"{PREPROCESSING_VERSION!r} (retrain it)")


def check_mapping(path: Path, meta: ClassifierMeta, effective: str, warnings: list[str]) -> None:
    """Refuse a classifier trained with another 16->8-bit mapping than this run's.

    An 8-bit video (or one trained on 8-bit videos) has no mapping to choose, so there a mismatch
    is only a warning: the user cannot change it with ``--mapping``.
    """
    trained = _mapping_name(meta.mapping)
    if trained is None or trained == effective:
        return
    if "identity" in (trained, effective):
        warnings.append(f"the classifier was trained on {trained}-mapped video, this video is "
                        f"{effective}-mapped (8-bit source): scores may be off")
        return
    raise WeightsError(path, f"the classifier was trained with the {trained!r} intensity "
                       f"mapping, but this run uses {effective!r} (pass --mapping {trained})")


def check_request(request: AnalysisRequest) -> None:
    """Refuse impossible options and missing files, naming the option or the file."""
    from semioscope.core.plans import check_fps, check_threads

    options, model = request.options, request.model
    for value, name in ((options.batch_size, "--batch-size"), (options.first_batch, "first batch")):
        if value is not None and value < 1:
            raise SemioscopeError(name, f"must be at least 1, got {value}")
    check_threads(options.threads)
    check_fps(request.fps)
    device, _ = parse_device(options.device)
    if model.pack is not None:
        _check_pack_request(request, device)
    if request.mapping not in MAPPING_NAMES:
        raise SemioscopeError("--mapping", f"unknown mapping {request.mapping!r}; choose one "
                              f"of {', '.join(MAPPING_NAMES)}")
    if request.crop_source not in CROP_SOURCES:
        raise SemioscopeError("crop", f"unknown crop source {request.crop_source!r}")
    for path, what in ((model.classifier, "classifier"), (model.weights, "weights")):
        if path is not None and not Path(path).is_file():
            raise WeightsError(path, f"no such {what} file")
    if model.classifier is None and model.pack is None and not model.allow_untrained:
        raise SemioscopeError("--classifier", "no classifier given: pass --classifier FILE (a "
                              "trained model from `semioscope train`), or --allow-untrained for "
                              "a meaningless demonstration run")


def _check_pack_request(request: AnalysisRequest, device: str) -> None:
    """A pack brings its own networks, runs on OpenVINO's CPU plugin and has no gradients."""
    model = request.model
    for given, option in ((model.classifier, "--classifier"), (model.weights, "--weights")):
        if given is not None:
            raise SemioscopeError(option, "not with --pack: the model pack brings its own")
    if device == "cuda":
        raise SemioscopeError("--device", "a model pack runs on the CPU (OpenVINO); use the "
                              "research install for a GPU")
    if request.saliency:
        raise SemioscopeError("--saliency", "needs the research install (torch gradients), "
                              "not a model pack")
