"""What one analysis is asked to do: a frozen, typed :class:`AnalysisRequest`.

The CLI (``commands/analyze.py``) and the review window (``app/analysis_control.py``) both fill
one from what the user gave or sees: the video, its :class:`~semioscope.core.crop.editing.Crop`
(the one crop model, never split into loose fields), the clinical span, the model choice and the
runtime options. :meth:`AnalysisRequest.inputs` says what a result made from it would record, so
the review window can tell stale results by comparing it with ``Results.inputs``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from semioscope.core.crop.editing import Crop
from semioscope.core.geometry import Box
from semioscope.core.results import NO_FILE, Inputs, MappingInfo

__all__ = ["AnalysisRequest", "ModelChoice", "RuntimeOptions", "Span", "model_inputs"]


@dataclass(frozen=True)
class Span:
    """The clinical span in seconds into the video; None at an end: the video's own end."""

    onset_s: float | None = None
    offset_s: float | None = None


@dataclass(frozen=True)
class ModelChoice:
    """Which networks score the video: files (or a model pack instead) and what is allowed."""

    backbone: str = "i3d"
    weights: Path | None = None         # None: the fetched official file, if any
    classifier: Path | None = None
    pack: Path | None = None            # a model pack (OpenVINO, no torch) instead of the
                                        # classifier/weights files (core/runtime/pack.py)
    allow_untrained: bool = False
    #: run a classifier on other backbone weights than it was trained on (the result is flagged)
    allow_backbone_mismatch: bool = False
    seed: int = 0                       # of the random networks an untrained run uses


@dataclass(frozen=True)
class RuntimeOptions:
    """Where and how the networks run. Only ``precision`` changes the numbers (a lower one
    by what its agreement check measured), so it alone is among the request's inputs."""

    device: str = "auto"                # auto | cpu | cuda | cuda:N
    runtime: str = "auto"               # auto | torch | openvino (core/inference/runtime.py)
    #: auto | f32 | bf16 | int8 (core/runtime/precision.py): lower ones only where the CPU runs
    #: them natively, and ``auto`` only with a passed agreement check (rounding-level changes)
    precision: str = "auto"
    threads: int | None = None
    batch_size: int | None = None       # None: the device's default (auto_batch_size)
    first_batch: int | None = None      # 1: the first window alone, for an early first result


@dataclass(frozen=True)
class AnalysisRequest:
    """Everything one analysis needs; the CLI and the GUI both fill one of these."""

    video: Path
    crop: Crop | None = None            # None: the whole frame
    span: Span = field(default_factory=Span)
    model: ModelChoice = field(default_factory=ModelChoice)
    options: RuntimeOptions = field(default_factory=RuntimeOptions)
    mapping: str = "kinect"             # the 16->8-bit mapping's name
    fps: float | None = None            # overrides the video's frame rate
    allow_truncated: bool = False       # analyse the present part of a recording cut short
    saliency: bool = False              # also Grad-CAM per window (see core/explain)

    @property
    def crop_box(self) -> Box | None:
        """The box the frames are cropped to; None: the whole frame."""
        crop = self.crop
        if crop is None or crop.source == "full-frame":
            return None
        return crop.box

    @property
    def crop_source(self) -> str:
        """Who set the crop, as the results JSON says it (``core.results.CROP_SOURCES``)."""
        return "full-frame" if self.crop_box is None or self.crop is None else self.crop.source

    @property
    def subject_box(self) -> Box | None:
        """The patient and bed of the crop's detector record (the saliency check), if any."""
        if self.crop is None or not self.crop.record:
            return None
        from semioscope.core.explain.placement import subject_box

        return subject_box(self.crop.record)

    def inputs(self, *, video_sha256: str | None = None, mapping: MappingInfo | None = None,
               span: tuple[float, float] | None = None) -> Inputs:
        """What a result made from this request records as its inputs (``Results.inputs``).

        The facts only the opened video knows (its hash, the mapping's parameters, the span's
        ends in seconds) are passed in by a caller that has them; None is "unknown, not
        compared". The model's files are hashed here (a pack's hashes are its manifest's), and
        ``--precision auto`` is resolved as the analysis would resolve it on this CPU.
        """
        from semioscope.core.preprocess import PREPROCESSING_VERSION

        backbone, weights, classifier = model_inputs(self.model)
        return Inputs(
            video_sha256=video_sha256,
            crop=None if self.crop is None else self.crop.box,
            span=span, mapping=mapping, backbone=backbone, weights_sha256=weights,
            classifier_sha256=classifier, preprocessing_version=PREPROCESSING_VERSION,
            precision=precision_input(self.model, self.options, weights))


# -- what a model choice records (Results.inputs) -------------------------------------------------
# No classifier, or no weights found, is NO_FILE (a change from results made with one); a file
# that cannot be hashed counts as unknown (None: not compared) rather than as a change. A model
# pack's hashes are read from its manifest without verifying the pack (analysing does that).

log = logging.getLogger(__name__)

#: (backbone name, weights SHA-256, classifier SHA-256); None: unknown
ModelHashes = tuple[str | None, str | None, str | None]


def model_inputs(model: ModelChoice) -> ModelHashes:
    """What a result made with ``model`` records of its networks (``Results.inputs``)."""
    from semioscope.core.models.registry import find_weights

    if model.pack is not None:
        return _pack_model(model.pack)
    weights = find_weights(model.backbone, model.weights)
    classifier = model.classifier
    return (model.backbone, NO_FILE if weights is None else _sha(weights),
            NO_FILE if classifier is None else _sha(classifier))


def precision_input(model: ModelChoice, options: RuntimeOptions,
                    weights_sha256: str | None) -> str | None:
    """The precision a result made now would record: an explicit one as asked; ``auto`` as
    :func:`~semioscope.core.runtime.precision.choose_precision` resolves it with the pack's or
    classifier's agreement records on this CPU (f32 without any); None where that depends on
    what only loading tells (the device under ``auto``, an unreadable file): not compared."""
    if options.precision != "auto":
        return options.precision
    checks, int8 = _precision_checks(model)
    if checks is None:
        return None
    if not checks:
        return "f32"
    from semioscope.core.runtime.cpu_features import detect_cpu
    from semioscope.core.runtime.precision import choose_precision
    from semioscope.errors import SemioscopeError

    if model.pack is not None:
        runtime = "openvino"
    elif options.device != "cpu":
        return None                        # a GPU under auto stays f32, a CPU may not: unknown
    else:
        from semioscope.core.inference.runtime import choose_runtime

        runtime = choose_runtime(options.runtime, "cpu")
    try:
        return choose_precision("auto", runtime=runtime, device_kind="cpu",
                                cpu=detect_cpu(openvino=False), weights_sha256=weights_sha256,
                                checks=checks, int8_available=int8).precision
    except SemioscopeError:
        return None


def _precision_checks(model: ModelChoice) -> tuple[dict[str, Any] | None, bool]:
    """``(precision -> agreement record, an int8 backbone exists)`` of the model choice;
    None: unreadable (unknown)."""

    if model.pack is not None:             # the pack's one manifest reader, as _pack_model
        from semioscope.core.runtime.pack import read_manifest
        from semioscope.core.runtime.pack_trust import checked_precision_records
        from semioscope.errors import SemioscopeError

        try:                               # the records of the hash-checked classifier.semio
            folder, where, manifest = read_manifest(model.pack)
            checks = checked_precision_records(folder, manifest, where)
        except (SemioscopeError, OSError):
            return None, False
        return checks, manifest["backbone"].get("int8_ir") is not None
    if model.classifier is None:
        return {}, False                   # a random classifier carries no check
    from semioscope.core.runtime.pack_trust import precision_records, semio_metadata
    from semioscope.errors import SemioscopeError

    try:                                   # its safetensors header, no torch
        return precision_records(semio_metadata(model.classifier)), False
    except (SemioscopeError, OSError):     # unreadable, or no semioscope file: unknown
        return None, False


def _sha(path: Path) -> str | None:
    from semioscope.core.hashing import file_sha256

    if not path.is_file():
        return None
    try:
        return file_sha256(path)
    except OSError as exc:
        log.debug("cannot hash %s: %s", path.name, exc)
        return None


def _pack_model(path: Path) -> ModelHashes:
    """The hashes a result made with the pack records, from its manifest read by the pack's
    one manifest reader (keys and types checked; ``ModelPack.open`` checks that the classifier
    file and the backbone's weights hash agree with them before any analysis)."""
    from semioscope.core.runtime.pack import read_manifest
    from semioscope.errors import SemioscopeError

    try:
        _, _, manifest = read_manifest(path)
    except SemioscopeError as exc:
        log.debug("cannot read the pack manifest of %s: %s", path.name, exc.message)
        return None, None, None
    backbone = manifest["backbone"]
    return (str(backbone["name"]), backbone["weights_sha256"] or NO_FILE,
            str(manifest["classifier"]["sha256"]))
