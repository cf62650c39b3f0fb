"""``analyze(request) -> Results``: one video in, its typed results (docs "Results JSON") out.

Order of work: every check that can fail on the user's input (classifier file, video, crop, span,
backbone weights) runs before the first window is computed, so a mistake costs seconds, not minutes.
Nothing is written here; the caller writes the result once, atomically, at the end
(``core.results.save_results``). Whether it may be read clinically is ``core.trust.assess``'s call.
"""

from __future__ import annotations

import dataclasses
import math
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from semioscope import __version__
from semioscope.core import DEFAULT_BATCH_SIZE
from semioscope.core.analysis_checks import (
    check_backbone_match,
    check_classifier,
    check_mapping,
    check_request,
)
from semioscope.core.cancel import CancelToken
from semioscope.core.features import iter_window_features, start_preprocessing
from semioscope.core.geometry import Box
from semioscope.core.hashing import file_sha256
from semioscope.core.models.backbone_cache import BackboneCache
from semioscope.core.models.device import auto_batch_size
from semioscope.core.preprocess import PREPROCESSING_VERSION
from semioscope.core.results import (
    CropInfo,
    MappingInfo,
    PartialResults,
    Provenance,
    Results,
    SpanInfo,
    Summary,
    VideoInfo,
    WindowResult,
)
from semioscope.core.trust import UNTRAINED_CLASSIFIER_WARNING
from semioscope.core.video import VideoProperties, open_video
from semioscope.core.video.mapping import mapping_for
from semioscope.core.windows import WindowPlan, plan_windows
from semioscope.errors import WeightsError

__all__ = ["UNTRAINED_CLASSIFIER_WARNING", "AnalysisRequest", "PartialSink", "Progress",
           "analyze", "analyze_explained", "confidence_for", "label_for", "summarise"]


@dataclass
class AnalysisRequest:
    """Everything one analysis needs; the CLI and the GUI both fill one of these."""

    video: Path
    classifier: Path | None = None
    backbone: str = "i3d"
    weights: Path | None = None
    crop: Box | None = None
    crop_source: str = "given"          # auto | manual | given | full-frame (crop None)
    crop_status: str = "ok"
    crop_reasons: list[str] = field(default_factory=list)
    crop_file: Path | None = None       # the crop record it came from, named in errors
    onset_s: float | None = None
    offset_s: float | None = None
    allow_untrained: bool = False
    #: run a classifier on other backbone weights than it was trained on (the result is flagged)
    allow_backbone_mismatch: bool = False
    mapping: str = "kinect"
    batch_size: int | None = None       # None: the device's default (auto_batch_size)
    first_batch: int | None = None      # 1: the first window alone, for an early first result
    device: str = "auto"                # auto | cpu | cuda | cuda:N
    runtime: str = "auto"               # auto | torch | openvino (core/models/runtime.py)
    threads: int | None = None
    seed: int = 0
    fps: float | None = None
    allow_truncated: bool = False       # analyse the present part of a recording cut short
    saliency: bool = False              # also Grad-CAM per window (see core/explain)
    subject: Box | None = None          # patient ∪ bed box (no margin), for the saliency check
    pack: Path | None = None            # a model pack (OpenVINO, no torch) instead of the
                                        # classifier/weights files (core/runtime/pack.py)


@dataclass(frozen=True)
class Progress:
    """A progress report: ``done`` of ``total`` windows in ``stage``; ``eta_s`` None until known."""

    stage: str          # "loading" | "converting" (once, to OpenVINO) | "features" | "done"
    done: int
    total: int
    elapsed_s: float
    eta_s: float | None


ProgressSink = Callable[[Progress], None]
#: receives the windows scored so far (see :func:`analyze`)
PartialSink = Callable[[PartialResults], None]


def label_for(p: float, threshold: float, band: tuple[float, float]) -> str:
    """FLE / TLE by ``threshold`` on P(TLE); "uncertain" inside the closed band ``[lo, hi]``."""
    lo, hi = band
    if lo <= p <= hi:
        return "uncertain"
    return "TLE" if p >= threshold else "FLE"


def confidence_for(p: float, threshold: float) -> float:
    """Distance of ``p`` from the threshold, as a fraction of the largest possible on that side."""
    room = (1.0 - threshold) if p >= threshold else threshold
    return 0.0 if room <= 0 else float(min(1.0, abs(p - threshold) / room))


def summarise(p_tle: list[float], threshold: float, band: tuple[float, float]) -> Summary:
    """The video-level verdict: the per-window rule applied to the mean P(TLE)."""
    labels = [label_for(p, threshold, band) for p in p_tle]
    mean = float(np.mean(p_tle)) if p_tle else math.nan
    return Summary(
        label=label_for(mean, threshold, band) if p_tle else "uncertain",
        p_tle_mean=mean, n_windows=len(p_tle),
        n_fle=labels.count("FLE"), n_tle=labels.count("TLE"),
        n_uncertain=labels.count("uncertain"),
        threshold=threshold, uncertain_band=(band[0], band[1]),
        confidence=confidence_for(mean, threshold) if p_tle else 0.0,
        aggregation=(
            f"mean of the {len(p_tle)} window probabilities P(TLE); TLE if the mean >= "
            f"{threshold:g}, FLE below, uncertain inside [{band[0]:g}, {band[1]:g}]. "
            "confidence = |mean - threshold| / (1 - threshold) above the threshold, "
            "/ threshold below it (0 at the threshold, 1 at a certain 0 or 1)"),
    )


def _meta_dict(meta: Any) -> dict[str, Any]:
    to_dict = getattr(meta, "to_dict", None)
    if callable(to_dict):
        return dict(to_dict())
    return dataclasses.asdict(meta)


def _use_pack(request: AnalysisRequest) -> tuple[AnalysisRequest, Any, tuple[Any, Any]]:
    """Open (and verify) the request's pack: the request as the pack fills it, the pack, and
    its classifier with metadata, all without torch."""
    from semioscope.core.runtime.pack import ModelPack

    pack = ModelPack.open(Path(str(request.pack)))
    request = dataclasses.replace(request, backbone=pack.backbone_name,
                                  classifier=pack.classifier_file)
    return request, pack, (pack.classifier(threads=request.threads), pack.classifier_metadata())


class _Clock:
    """Turns (done, total) into :class:`Progress` with elapsed time and a linear ETA."""

    def __init__(self, sink: ProgressSink | None) -> None:
        self.sink = sink
        self.start = self.features_start = time.monotonic()

    def __call__(self, stage: str, done: int, total: int) -> None:
        if self.sink is None:
            return
        now = time.monotonic()
        if stage == "features" and done == 0:
            self.features_start = now  # the ETA ignores model loading
        elapsed = now - self.start
        rate = (now - self.features_start) / done if done else None
        eta = rate * (total - done) if rate is not None and stage == "features" else None
        self.sink(Progress(stage, done, total, elapsed, 0.0 if stage == "done" else eta))


def analyze(
    request: AnalysisRequest, progress: ProgressSink | None = None,
    cancel: CancelToken | None = None, *, backbones: BackboneCache | None = None,
    on_partial: PartialSink | None = None, on_saliency: Callable[[Any], None] | None = None,
) -> Results:
    """Score every 2-s window of the video's span; return its results.

    With ``request.saliency``, ``on_saliency`` receives the windows' saliency (a
    :class:`~semioscope.core.explain.SaliencySet`) before the results are returned.

    ``backbones`` (the GUI's session cache) supplies an already loaded backbone; ``on_partial``
    receives a :class:`PartialResults` (the windows so far and the decision rule) after every
    window, so a timeline can draw bars while the rest is computed.
    """
    results, saliency = analyze_explained(request, progress, cancel, backbones=backbones,
                                          on_partial=on_partial)
    if saliency is not None and on_saliency is not None:
        on_saliency(saliency)
    return results


def analyze_explained(
    request: AnalysisRequest, progress: ProgressSink | None = None,
    cancel: CancelToken | None = None, *, backbones: BackboneCache | None = None,
    on_partial: PartialSink | None = None,
) -> tuple[Results, Any]:
    """:func:`analyze`, plus each window's saliency when ``request.saliency`` (else None).

    The saliency (a :class:`~semioscope.core.explain.SaliencySet`) is saved by the caller,
    beside the results, with :func:`semioscope.core.explain.attach_saliency`.
    """
    check_request(request)
    clock = _Clock(progress)
    clock("loading", 0, 0)
    warnings: list[str] = []
    loaded = pack = None
    if request.pack is not None:  # every hash checked before anything else
        request, pack, loaded = _use_pack(request)
        check_classifier(Path(str(request.pack)), loaded[1], request)
    elif request.classifier is not None:  # cheap, and the likeliest mistake: check it first
        from semioscope.core.models.classifier import load_classifier

        loaded = load_classifier(request.classifier)
        check_classifier(Path(request.classifier), loaded[1], request)
    with open_video(request.video, fps=request.fps,
                    allow_truncated=request.allow_truncated) as reader:
        props = reader.properties
        if props.truncated:
            warnings.append(truncated_warning(props))
        crop = _resolve_crop(request, props.width, props.height)
        plan = plan_windows(props, request.onset_s, request.offset_s, times=reader.frame_times())
        warnings += plan.warnings
        if props.fps_source == "assumed":
            warnings.append("the video states no frame rate: 30 fps was assumed")
        mapping = mapping_for(reader, request.mapping)
        if loaded is not None:
            check_mapping(Path(str(request.classifier)), loaded[1], mapping.name, warnings)
        # the first windows are decoded, and the video hashed, while the networks load
        video_sha = _background(file_sha256, request.video)
        with start_preprocessing(reader, plan, crop=crop, mapping=mapping, cancel=cancel,
                                 hold_after=request.first_batch) as frames:
            engine = _load_engine(request, loaded, warnings, backbones, pack, clock)
            if cancel is not None:
                cancel.raise_if_cancelled()
            recorder = None
            if request.saliency:
                from semioscope.core.explain import SaliencyRecorder

                recorder = SaliencyRecorder(engine.backbone, engine.model, engine.threshold,
                                            crop or Box.full_frame(props.width, props.height),
                                            request.subject)
            windows = _score_windows(reader, request, plan, engine, crop, mapping, clock,
                                     cancel, on_partial, recorder, frames)
    results = Results(
        software_version=__version__,
        created=datetime.now(UTC).isoformat(timespec="seconds"),
        video=_video_info(request, props, video_sha.result()),
        mapping=MappingInfo(mapping.name, dict(mapping.params)),
        crop=_crop_info(request, crop, props.width, props.height),
        span=SpanInfo(plan.onset_s, plan.offset_s, plan.start_frame, plan.end_frame),
        resampled_to_30fps=plan.resampled,
        windows=tuple(windows),
        summary=summarise([w.p_tle for w in windows], engine.threshold, engine.band),
        model=_provenance(request, engine),
        warnings=tuple(warnings),
    )
    clock("done", len(windows), len(windows))
    return results, None if recorder is None else recorder.saliency


def _background(fn: Callable[..., Any], *args: Any) -> Future[Any]:
    """``fn(*args)`` in a daemon thread (hashing releases the interpreter lock); ``.result()``
    waits for it and re-raises its error."""
    future: Future[Any] = Future()

    def run() -> None:
        try:
            future.set_result(fn(*args))
        except BaseException as exc:  # noqa: BLE001 - re-raised by .result()
            future.set_exception(exc)

    threading.Thread(target=run, name="semioscope-hash", daemon=True).start()
    return future


def _video_info(request: AnalysisRequest, props: VideoProperties, sha256: str) -> VideoInfo:
    """The video's facts; its clock always says whether it was variable-rate or truncated."""
    return VideoInfo(
        path=str(request.video), sha256=sha256, frames=props.frames,
        fps=props.fps, fps_source=props.fps_source, width=props.width, height=props.height,
        bit_depth=props.bit_depth, duration_s=props.duration_s,
        variable_rate=props.variable_rate, truncated=props.truncated,
        nominal_fps=props.nominal_fps if props.variable_rate else None,
        missing_frames=props.missing_frames if props.variable_rate else None,
        declared_s=props.declared_s if props.truncated else None)


def truncated_warning(props: VideoProperties) -> str:
    """The line every output of a truncated recording carries."""
    declared = props.declared_s or props.duration_s
    return (f"truncated recording: only {props.duration_s:.2f} s of the {declared:.2f} s its "
            f"header declares are present ({100 * props.duration_s / declared:.0f}%); only the "
            "present part was analysed")


@dataclass
class _Engine:
    """The loaded networks and the classifier's decision rule."""

    backbone: Any
    model: Any
    meta: Any
    batch_size: int
    pack: Any = None      # the ModelPack the networks came from, if any

    @property
    def threshold(self) -> float:
        return float(self.meta.threshold)

    @property
    def band(self) -> tuple[float, float]:
        return float(self.meta.uncertain_band[0]), float(self.meta.uncertain_band[1])


def _load_engine(request: AnalysisRequest, loaded: tuple[Any, Any] | None,
                 warnings: list[str], backbones: BackboneCache | None = None,
                 pack: Any = None, clock: _Clock | None = None) -> _Engine:
    """The backbone (refused if untrained without permission) and the classifier to use.

    A first conversion to OpenVINO is announced as the progress stage "converting"."""
    if pack is not None:
        backbone = pack.backbone(threads=request.threads)
        if not backbone.pretrained and not request.allow_untrained:
            raise WeightsError(request.pack, "the pack's backbone has random weights (made "
                               "with --allow-untrained): pass --allow-untrained to use it")
    else:
        from semioscope.core.models.runtime import load_for_inference

        notes: list[str] = []

        def notice(text: str) -> None:
            notes.append(text)
            if clock is not None and text.startswith("converting"):
                clock("converting", 0, 0)

        load = load_for_inference if backbones is None else backbones.get
        backbone = load(request.backbone, request.weights,
                        allow_untrained=request.allow_untrained, threads=request.threads,
                        seed=request.seed, device=request.device, runtime=request.runtime,
                        notice=notice)
        warnings += [n for n in notes if "torch is used" in n]   # a fall-back is in results
    device = getattr(backbone, "device", None)
    batch = request.batch_size or (DEFAULT_BATCH_SIZE if device is None
                                   else auto_batch_size(device, backbone.name))
    if loaded is None:
        from semioscope.core.models.classifier import random_classifier

        model, meta = random_classifier(request.seed, backbone)
    else:
        model, meta = loaded
        check_backbone_match(Path(str(request.pack or request.classifier)), meta, backbone,
                              request.allow_backbone_mismatch)
    return _Engine(backbone, model, meta, batch, pack)


def _resolve_crop(request: AnalysisRequest, width: int, height: int) -> Box | None:
    if request.crop is None:
        return None
    subject = str(request.crop_file) if request.crop_file else f"crop {request.crop}"
    return request.crop.validate(width, height, subject=subject)


def _crop_info(request: AnalysisRequest, crop: Box | None, width: int, height: int) -> CropInfo:
    if crop is None:  # the whole frame was used: record it as a box all the same
        return CropInfo(0, 0, width, height, source="full-frame")
    return CropInfo(crop.x, crop.y, crop.w, crop.h, source=request.crop_source,
                    status=request.crop_status, reasons=tuple(request.crop_reasons))


def _provenance(request: AnalysisRequest, engine: _Engine) -> Provenance:
    from semioscope.core.models.registry import weights_status

    path, backbone, meta = request.classifier, engine.backbone, engine.meta
    status, note = weights_status(backbone.name, backbone.weights_sha256)
    wanted = getattr(meta, "backbone_weights_sha256", None)
    runtime = _runtime(backbone)
    return Provenance(
        backbone=backbone.name, backbone_pretrained=bool(backbone.pretrained),
        weights_sha256=backbone.weights_sha256, weights_status=status, weights_note=note,
        runtime=runtime["runtime"], device=runtime["device"], batch_size=engine.batch_size,
        classifier_path=None if path is None else str(path),
        classifier_sha256=None if path is None else file_sha256(path),
        classifier_trained=bool(getattr(meta, "trained", False)),
        classifier_demo=bool(getattr(meta, "demo", False)),
        classifier_backbone_sha256=wanted,
        classifier_backbone_pretrained=bool(getattr(meta, "backbone_pretrained", False)),
        backbone_override=bool(request.allow_backbone_mismatch
                               and wanted != backbone.weights_sha256),
        preprocessing_version=PREPROCESSING_VERSION,
        classifier_metadata=_meta_dict(meta),
        pack=None if engine.pack is None else dict(engine.pack.provenance()),
    )


def _runtime(backbone: Any) -> dict[str, str]:
    """``runtime`` and ``device`` that computed the features (any backbone-like object)."""
    provenance = getattr(backbone, "provenance", None)
    if callable(provenance):
        return dict(provenance())
    return {"runtime": str(getattr(backbone, "runtime", "unknown")), "device": "unknown"}


def _score_windows(
    reader: Any, request: AnalysisRequest, plan: WindowPlan, engine: _Engine, crop: Box | None,
    mapping: Any, clock: _Clock, cancel: CancelToken | None,
    on_partial: PartialSink | None = None, recorder: Any = None, frames: Any = None,
) -> list[WindowResult]:
    """Features then classifier, window by window, streaming (and saliency if recording)."""
    total = len(plan.windows)
    clock("features", 0, total)
    out: list[WindowResult] = []
    for window, feats in iter_window_features(
            reader, backbone=engine.backbone if recorder is None else recorder, crop=crop,
            mapping=mapping, batch_size=engine.batch_size, first_batch=request.first_batch,
            progress=lambda done, n: clock("features", done, n), cancel=cancel, plan=plan,
            preprocessed=frames):
        p = _predict(engine.model, feats)
        if recorder is not None:
            recorder.explain(window.index)
        out.append(WindowResult(
            index=window.index, start_s=window.start_s, end_s=window.end_s,
            n_frames=window.n_frames, p_tle=p, label=label_for(p, engine.threshold, engine.band),
            start_frame=window.start_frame, end_frame=window.end_frame))
        if on_partial is not None:
            on_partial(PartialResults(tuple(out), engine.threshold, engine.band))
    return out


def _predict(model: Any, feats: np.ndarray) -> float:
    """P(TLE) of one window's ``(T', F)`` features, pre-padded to the classifier's input steps."""
    if getattr(model, "runtime", "torch") != "torch":  # a pack's classifier: no torch
        p = float(model.p_tle(feats))
        if not 0.0 <= p <= 1.0:
            raise RuntimeError(f"classifier returned {p}, not a probability")
        return p
    import torch

    from semioscope.core.models.classifier import pad_features

    padded = pad_features(feats, model.config.steps)
    x = torch.as_tensor(np.asarray(padded, dtype=np.float32))[None]
    model.eval()
    with torch.inference_mode():
        y = model(x)
    p = float(torch.as_tensor(y).reshape(-1)[0])
    if not 0.0 <= p <= 1.0:
        raise RuntimeError(f"classifier returned {p}, not a probability")
    return p
