"""The networks one analysis runs: a backbone and a :class:`Classifier`, torch or OpenVINO.

Both classifiers answer the same question the same way, ``p_tle(features) -> float`` for one
window's ``(T', F)`` features (``SeizureClassifier.p_tle`` in torch, ``OpenVINOClassifier.p_tle``
from a model pack), so the scoring loop never asks which runtime it has.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from semioscope.core import DEFAULT_BATCH_SIZE
from semioscope.core.analysis.request import AnalysisRequest
from semioscope.core.inference.backbone_cache import BackboneCache
from semioscope.core.models.backbone_match import check_backbone_match
from semioscope.core.models.device import auto_batch_size
from semioscope.errors import SemioscopeError, WeightsError

if TYPE_CHECKING:
    from semioscope.core.models.classifier import ClassifierMetadata
    from semioscope.core.runtime.classifier import ClassifierInfo
    from semioscope.core.runtime.pack import ModelPack

    #: a classifier's decision rule and provenance: read from its file or from a pack
    ClassifierMeta = ClassifierMetadata | ClassifierInfo

__all__ = ["Classifier", "EngineBackbone", "LoadedClassifier", "Engine", "load_engine",
           "open_pack"]


class Classifier(Protocol):
    """P(TLE) of one window; the torch and the OpenVINO classifier both are one."""

    def p_tle(self, feats: np.ndarray) -> float: ...


class EngineBackbone(Protocol):
    """What the analysis reads of a backbone (``core.models.backbone`` or ``core.runtime``)."""

    @property
    def name(self) -> str: ...
    @property
    def pretrained(self) -> bool: ...
    @property
    def weights_sha256(self) -> str | None: ...
    def features(self, clips: Any) -> Any: ...
    def provenance(self) -> dict[str, str]: ...


#: a classifier with its metadata, as loaded from a ``.semio`` file or a pack
LoadedClassifier = tuple[Classifier, "ClassifierMeta"]


@dataclass(frozen=True)
class Engine:
    """The loaded networks and the classifier's decision rule."""

    backbone: EngineBackbone
    classifier: Classifier
    meta: ClassifierMeta
    batch_size: int
    pack: ModelPack | None = None      # the model pack the networks came from, if any

    @property
    def threshold(self) -> float:
        return float(self.meta.threshold)

    @property
    def band(self) -> tuple[float, float]:
        return float(self.meta.uncertain_band[0]), float(self.meta.uncertain_band[1])


def open_pack(request: AnalysisRequest) -> tuple[AnalysisRequest, ModelPack, LoadedClassifier]:
    """Open (and verify) the request's pack: the request as the pack fills it, the pack, and
    its classifier with metadata, all without torch."""
    from semioscope.core.runtime.pack import ModelPack

    assert request.model.pack is not None
    pack = ModelPack.open(request.model.pack)
    model = dataclasses.replace(request.model, backbone=pack.backbone_name,
                                classifier=pack.classifier_file)
    threads = request.options.threads
    return (dataclasses.replace(request, model=model), pack,
            (pack.classifier(threads=threads), pack.classifier_metadata()))


def load_engine(request: AnalysisRequest, loaded: LoadedClassifier | None,
                warnings: list[str], backbones: BackboneCache | None = None,
                pack: ModelPack | None = None,
                converting: Callable[[], None] | None = None) -> Engine:
    """The backbone (refused if untrained without permission) and the classifier to use.

    ``converting()`` is called when a first conversion to OpenVINO starts (minutes, once)."""
    model, options = request.model, request.options
    backbone: EngineBackbone
    if pack is not None:
        backbone = _pack_backbone(request, pack)
        if not backbone.pretrained and not model.allow_untrained:
            raise WeightsError(Path(str(model.pack)), "the pack's backbone has random weights (made "
                               "with --allow-untrained): pass --allow-untrained to use it")
    else:
        backbone = _load_backbone(request, warnings, backbones, converting, loaded)
    device = getattr(backbone, "device", None)
    batch = options.batch_size or (DEFAULT_BATCH_SIZE if device is None
                                   else auto_batch_size(device, backbone.name))
    if loaded is None:
        from semioscope.core.models.classifier import random_classifier

        classifier, meta = random_classifier(model.seed, backbone)
        return Engine(backbone, classifier, meta, batch, pack)
    check_backbone_match(Path(str(model.pack or model.classifier)), loaded[1], backbone,
                         model.allow_backbone_mismatch)
    return Engine(backbone, loaded[0], loaded[1], batch, pack)


def _load_backbone(request: AnalysisRequest, warnings: list[str],
                   backbones: BackboneCache | None,
                   converting: Callable[[], None] | None,
                   loaded: LoadedClassifier | None = None) -> EngineBackbone:
    """The torch (or converted OpenVINO) backbone a request names, from ``backbones`` if given;
    a fall-back to torch is noted in ``warnings`` (so it is in the results)."""
    from semioscope.core.inference.runtime import load_for_inference

    model, options = request.model, request.options
    notes: list[str] = []

    def notice(text: str) -> None:
        notes.append(text)
        if converting is not None and text.startswith("converting"):
            converting()

    load = load_for_inference if backbones is None else backbones.get
    backbone: EngineBackbone = load(
        model.backbone, model.weights, allow_untrained=model.allow_untrained,
        threads=options.threads, seed=model.seed, device=options.device,
        runtime=options.runtime, notice=notice, precision=options.precision,
        checks=_classifier_checks(loaded))
    warnings += [n for n in notes if "torch is used" in n]
    if request.saliency and getattr(backbone, "precision", "f32") != "f32" \
            and getattr(backbone, "runtime", "torch") == "torch":
        raise SemioscopeError("--saliency", "saliency over the torch backbone runs in f32 "
                              "only: use --precision f32 or --runtime openvino")
    return backbone


def _classifier_checks(loaded: LoadedClassifier | None) -> dict[str, Any] | None:
    """The agreement records a classifier carries (``training.precision_checks``), if any."""
    training = getattr(loaded[1], "training", None) if loaded is not None else None
    checks = training.get("precision_checks") if isinstance(training, dict) else None
    return checks if isinstance(checks, dict) else None


def _pack_backbone(request: AnalysisRequest, pack: ModelPack) -> EngineBackbone:
    """The pack's backbone in the precision chosen for it on this CPU (OpenVINO)."""
    from semioscope.core.runtime.cpu_features import detect_cpu
    from semioscope.core.runtime.precision import choose_precision

    entry = pack.manifest["backbone"]
    choice = choose_precision(request.options.precision, runtime="openvino", device_kind="cpu",
                              cpu=detect_cpu(), weights_sha256=entry.get("weights_sha256"),
                              checks=pack.precision_checks, int8_available=pack.has_int8)
    backbone = pack.backbone(threads=request.options.threads, precision=choice.precision)
    backbone.precision_choice = choice
    return backbone
