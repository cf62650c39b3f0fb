"""The typed results of one analysis: frozen dataclasses, one per section of the results JSON.

Every consumer (review window, report, CLI, project store, demo) reads these attributes instead
of raw JSON keys, so a default or a rule lives in exactly one place. The JSON layout is the
dataclasses' own (field name = key); :mod:`semioscope.core.results.io` reads and writes it.

**Adding an optional field** (e.g. #13's frame-rate facts, #15's device, #18's saliency): add it
to the right class below *with a default* (``None``, ``()``, ``False``; a nested frozen dataclass
whose fields all have defaults works too). That is all: the writer emits it, the reader fills it
from newer files and uses the default for older ones. Only a field that changes the meaning of
existing data needs a new ``RESULTS_FORMAT`` and a migration step in ``io._upgrade``.
Allowed field types: str, int, float, bool, ``X | None``, ``tuple[X, ...]``, ``tuple[X, X]``,
``dict[str, Any]`` (free-form, kept as read), and nested frozen dataclasses.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from semioscope.core.geometry import Box

LABELS = ("FLE", "TLE", "uncertain")
CROP_SOURCES = ("auto", "manual", "given", "full-frame")
#: where the backbone weights come from: the registry's official file, a file the user
#: registered as their own (``semioscope models register``), any other file, or none (random)
WEIGHTS_STATUSES = ("official", "registered", "custom", "random")


@dataclass(frozen=True)
class VideoInfo:
    path: str
    sha256: str
    frames: int
    fps: float
    width: int
    height: int
    duration_s: float
    fps_source: str = "container"
    bit_depth: int = 16
    variable_rate: bool = False             # timestamps not evenly spaced (#13)
    truncated: bool = False                 # the recording is shorter than its header says
    nominal_fps: float | None = None        # variable-rate only
    missing_frames: int | None = None       # variable-rate only
    declared_s: float | None = None         # truncated only: what the header declares


@dataclass(frozen=True)
class MappingInfo:
    """The 16->8-bit intensity mapping the frames went through (``IntensityMapping.to_dict``)."""

    name: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class CropInfo:
    """The crop box analysed, in source pixels; ``source`` says who set it."""

    x: int
    y: int
    w: int
    h: int
    source: str = "given"
    status: str = "ok"
    reasons: tuple[str, ...] = ()

    @property
    def box(self) -> Box:
        return Box(self.x, self.y, self.w, self.h)


@dataclass(frozen=True)
class SpanInfo:
    """The clinical span analysed (seconds into the video, half-open source-frame range)."""

    onset_s: float
    offset_s: float
    start_frame: int = 0
    end_frame: int = 0


def window_number(index: int) -> int:
    """A window as people count it: from 1, in the review window's tooltip and caption and in
    every line of the PDF. The results JSON's ``index`` stays 0-based (docs/DEVELOPING.md)."""
    return index + 1


@dataclass(frozen=True)
class WindowResult:
    """One 2-s window's score."""

    index: int
    start_s: float
    end_s: float
    n_frames: int
    p_tle: float
    label: str
    start_frame: int | None = None
    end_frame: int | None = None


@dataclass(frozen=True)
class Summary:
    """The seizure-level verdict (``core.analysis.seizure_verdict``)."""

    label: str
    p_tle_mean: float
    n_windows: int
    threshold: float
    uncertain_band: tuple[float, float]
    confidence: float
    aggregation: str = ""
    n_fle: int = 0
    n_tle: int = 0
    n_uncertain: int = 0


@dataclass(frozen=True)
class Provenance:
    """What produced the scores: the backbone, its weights, the classifier and its training.

    Stored under the JSON key ``model``. ``classifier_backbone_sha256`` is the backbone weights
    hash the classifier was trained on (None: random weights); ``backbone_override`` is True when
    the user ran the classifier on other backbone weights on purpose (the result is flagged).
    """

    backbone: str
    backbone_pretrained: bool
    preprocessing_version: str
    weights_sha256: str | None = None
    weights_status: str = "custom"
    weights_note: str | None = None         # the user's registration note for own weights
    runtime: str = "unknown"                # what computed the features (torch, openvino, ...)
    device: str = "unknown"                 # cpu, cuda:0, ...
    batch_size: int | None = None           # windows per backbone call
    classifier_path: str | None = None
    classifier_sha256: str | None = None
    classifier_trained: bool = False
    classifier_demo: bool = False
    classifier_backbone_sha256: str | None = None
    classifier_backbone_pretrained: bool = False
    backbone_override: bool = False
    classifier_metadata: dict[str, Any] = field(default_factory=dict)
    pack: dict[str, Any] | None = None      # the model pack used, if any (core/runtime/pack)
    #: the backbone's numbers: f32 | bf16 | int8 (None: made before #30, fp32)
    precision: str | None = None
    #: the passed agreement check (fp32 vs this precision) the precision rested on, if any
    precision_check: dict[str, Any] | None = None

    def computed_by(self) -> str:
        """The runtime, device and batch that computed the features, in one line for people.

        The review window and the report both show it, so a reader can tell a GPU or OpenVINO
        run from a torch CPU run without opening the JSON (results made before #15 say
        "unknown").
        """
        text = f"{self.runtime} on {self.device}"
        if self.precision is not None:
            text += f", {self.precision}"
            if self.precision != "f32":
                text += _check_words(self.precision_check)
        if self.batch_size is not None:
            text += f", batch {self.batch_size}"
        if self.pack is not None:
            text += ", from a model pack"
        return text


def _check_words(check: dict[str, Any] | None) -> str:
    """The agreement check behind a lower precision, in a few words (its check set too when
    that was the classifier's own training data)."""
    if check is None:
        return " (NO agreement check)"
    check_set = check.get("check_set")
    kind = check_set.get("kind") if isinstance(check_set, dict) else None
    return {"training": " (agreement checked on training seizures only)",
            "partly_training": " (agreement checked, partly on training seizures)"
            }.get(str(kind), " (agreement checked)")


@dataclass(frozen=True)
class PartialResults:
    """The windows scored so far while a run goes on (drawn as they come, never saved)."""

    windows: tuple[WindowResult, ...]
    threshold: float
    uncertain_band: tuple[float, float]


#: ``Inputs.weights_sha256`` / ``classifier_sha256`` when there is no such file (a random
#: backbone, no classifier): a known absence, so removing a file is a change like replacing it
NO_FILE = ""


@dataclass(frozen=True)
class Inputs:
    """What a result was made from; None in a field means "not known, do not compare".

    ``Results.inputs`` gives the recorded ones; the review window builds the current ones from
    what it shows, and :func:`semioscope.core.trust.changes` names what differs (stale results).
    The two file hashes say :data:`NO_FILE` when no file was (or would be) used, which is not
    the same as unknown: results made with a classifier are stale once none is set.
    """

    video_sha256: str | None = None
    crop: Box | None = None
    span: tuple[float, float] | None = None
    mapping: MappingInfo | None = None
    backbone: str | None = None
    weights_sha256: str | None = None
    classifier_sha256: str | None = None
    preprocessing_version: str | None = None
    precision: str | None = None        # the backbone's: f32 | bf16 | int8 (RuntimeOptions)


@dataclass(frozen=True)
class SaliencyWindow:
    """What one window's Grad-CAM map explains and where its evidence lies (the map itself is
    in the sidecar ``.npz``, :mod:`semioscope.core.explain.store`)."""

    index: int
    target: str                         # the class explained: "TLE" or "FLE"
    peak: float                         # the map's maximum before normalising
    on_subject: float | None            # share on the patient/bed box; None: no box known
    in_crop: float = 1.0                # share on the crop, not the black padding around it
    outside_subject: bool = False       # marked: mostly off the patient/bed or on the padding


@dataclass(frozen=True)
class Saliency:
    """The results' ``saliency`` section (``analyze --saliency``, the review window's Analyse):
    the sidecar holding the maps, how they were made, and a summary per window.

    Written by :meth:`semioscope.core.explain.SaliencySet.section`; read by the review window's
    evidence overlay and timeline, the report's evidence pages and the CLI. The JSON keys are
    the field names, in this order (the layout of #18, unchanged).
    """

    file: str                           # the sidecar, relative to the results file (or absolute)
    sha256: str
    format: str
    method: str
    layer: str
    target: str                         # the rule for the class explained (text)
    weights: str                        # the channel-weighting rule (text)
    box: Box                            # the source-frame box every map covers (the crop)
    shape: tuple[int, int]              # rows, cols of each stored map
    subject_box: Box | None             # patient and bed, when the crop record knows them
    on_subject_min: float
    windows: tuple[SaliencyWindow, ...] = ()

    def with_file(self, file: str | Path) -> Saliency:
        """The same section naming its sidecar at ``file``."""
        return replace(self, file=str(file))

    @property
    def outside_subject(self) -> frozenset[int]:
        """The indices of the windows marked as looking mostly outside the patient/bed box."""
        return frozenset(w.index for w in self.windows if w.outside_subject)

    @property
    def on_padding(self) -> frozenset[int]:
        """The indices of the windows whose evidence lies mostly on the padding of the crop."""
        return frozenset(w.index for w in self.windows if w.in_crop < self.on_subject_min)


@dataclass(frozen=True)
class Results:
    """One analysis of one video (the results JSON, typed)."""

    software_version: str
    created: str
    video: VideoInfo
    mapping: MappingInfo
    crop: CropInfo
    span: SpanInfo
    windows: tuple[WindowResult, ...]
    summary: Summary
    model: Provenance
    resampled_to_30fps: bool = False
    warnings: tuple[str, ...] = ()      # engine notes; trust reasons come from core.trust
    #: ``analyze --saliency``: the sidecar of Grad-CAM maps and a summary per window
    saliency: Saliency | None = None

    @property
    def inputs(self) -> Inputs:
        """The inputs this result was made with (compare with the current ones: stale?)."""
        return Inputs(
            video_sha256=self.video.sha256, crop=self.crop.box,
            span=(self.span.onset_s, self.span.offset_s), mapping=self.mapping,
            backbone=self.model.backbone, weights_sha256=self.model.weights_sha256 or NO_FILE,
            classifier_sha256=self.model.classifier_sha256 or NO_FILE,
            preprocessing_version=self.model.preprocessing_version,
            precision=self.model.precision or "f32")   # before #30 every result was f32

    @property
    def p_tle(self) -> list[float]:
        return [w.p_tle for w in self.windows]

    def with_saliency_in(self, folder: str | Path) -> Results:
        """A copy whose saliency section names its sidecar inside ``folder`` (results written
        elsewhere find their maps wherever they are read; never changed in place)."""
        if self.saliency is None or not self.saliency.file:
            return self
        return replace(self, saliency=self.saliency.with_file(Path(folder) / self.saliency.file))
