"""``analyze(request) -> Results``: one video in, its typed results (docs "Results JSON") out.

Order of work: every check that can fail on the user's input (classifier file, video, crop, span,
backbone weights) runs before the first window is computed, so a mistake costs seconds, not minutes.
Nothing is written here; the caller writes the result once, atomically, at the end
(``core.results.save_results``). Whether it may be read clinically is ``core.trust.assess``'s call.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from semioscope import __version__
from semioscope.core.analysis.checks import check_classifier, check_mapping, check_request
from semioscope.core.analysis.engine import Engine, LoadedClassifier, load_engine, open_pack
from semioscope.core.analysis.progress import Clock, ProgressSink
from semioscope.core.analysis.provenance import (
    crop_info,
    provenance,
    truncated_warning,
    video_info,
)
from semioscope.core.analysis.request import AnalysisRequest
from semioscope.core.cancel import CancelToken
from semioscope.core.features import Prefetcher, iter_window_features, start_preprocessing
from semioscope.core.geometry import Box
from semioscope.core.hashing import file_sha256
from semioscope.core.inference.backbone_cache import BackboneCache
from semioscope.core.results import MappingInfo, PartialResults, Results, SpanInfo, WindowResult
from semioscope.core.results.decision import label_for, seizure_verdict
from semioscope.core.video import VideoReader, open_video
from semioscope.core.video.mapping import IntensityMapping, mapping_for
from semioscope.core.windows import WindowPlan, plan_windows

if TYPE_CHECKING:
    from semioscope.core.explain import SaliencyRecorder, SaliencySet
    from semioscope.core.runtime.pack import ModelPack

__all__ = ["PartialSink", "analyze", "analyze_explained"]

#: receives the windows scored so far (see :func:`analyze`)
PartialSink = Callable[[PartialResults], None]


def analyze(
    request: AnalysisRequest, progress: ProgressSink | None = None,
    cancel: CancelToken | None = None, *, backbones: BackboneCache | None = None,
    on_partial: PartialSink | None = None,
    on_saliency: Callable[[SaliencySet], None] | None = None,
) -> Results:
    """Score every 2-s window of the video's span; return its results.

    With ``request.saliency``, ``on_saliency`` receives the windows' saliency before the
    results are returned. ``backbones`` (the GUI's session cache) supplies an already loaded
    backbone; ``on_partial`` receives a :class:`PartialResults` (the windows so far and the
    decision rule) after every window, so a timeline can draw bars while the rest is computed.
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
) -> tuple[Results, SaliencySet | None]:
    """:func:`analyze`, plus each window's saliency when ``request.saliency`` (else None).

    The saliency is saved by the caller, beside the results, with
    :func:`semioscope.core.explain.attach_saliency`.
    """
    check_request(request)
    clock = Clock(progress)
    clock("loading", 0, 0)
    warnings: list[str] = []
    request, pack, loaded = _classifier_first(request)
    with open_video(request.video, fps=request.fps,
                    allow_truncated=request.allow_truncated) as reader:
        props = reader.properties
        crop = _resolve_crop(request, props.width, props.height)
        plan = _plan(reader, request, warnings)
        mapping = mapping_for(reader, request.mapping)
        if loaded is not None:
            check_mapping(Path(str(request.model.classifier)), loaded[1], mapping.name, warnings)
        # the first windows are decoded, and the video hashed, while the networks load
        video_sha = _background(file_sha256, request.video)
        with start_preprocessing(reader, plan, crop=crop, mapping=mapping, cancel=cancel,
                                 hold_after=request.options.first_batch) as frames:
            engine = load_engine(request, loaded, warnings, backbones, pack,
                                 converting=lambda: clock("converting", 0, 0))
            if cancel is not None:
                cancel.raise_if_cancelled()
            recorder = _recorder(request, engine, crop or Box.full_frame(props.width,
                                                                         props.height))
            windows = _score_windows(reader, request, plan, engine, crop, mapping, clock,
                                     cancel, on_partial, recorder, frames)
    results = Results(
        software_version=__version__,
        created=datetime.now(UTC).isoformat(timespec="seconds"),
        video=video_info(request, props, video_sha.result()),
        mapping=MappingInfo(mapping.name, dict(mapping.params)),
        crop=crop_info(request, crop, props.width, props.height),
        span=SpanInfo(plan.onset_s, plan.offset_s, plan.start_frame, plan.end_frame),
        resampled_to_30fps=plan.resampled, windows=tuple(windows),
        summary=seizure_verdict([w.p_tle for w in windows], engine.threshold, engine.band),
        model=provenance(request, engine), warnings=tuple(warnings))
    clock("done", len(windows), len(windows))
    return results, None if recorder is None else recorder.saliency


def _classifier_first(request: AnalysisRequest) -> tuple[AnalysisRequest, ModelPack | None,
                                                          LoadedClassifier | None]:
    """The classifier (or pack, every hash checked), loaded and checked before the video:
    cheap, and the likeliest mistake."""
    if request.model.pack is not None:
        request, pack, loaded = open_pack(request)
        check_classifier(Path(str(request.model.pack)), loaded[1], request.model.backbone)
        return request, pack, loaded
    if request.model.classifier is None:
        return request, None, None
    from semioscope.core.models.classifier import load_classifier

    loaded = load_classifier(request.model.classifier)
    check_classifier(request.model.classifier, loaded[1], request.model.backbone)
    return request, None, loaded


def _plan(reader: VideoReader, request: AnalysisRequest, warnings: list[str]) -> WindowPlan:
    """The span's 2-s windows; what the video makes the results say (truncated, rate assumed,
    resampled) goes into ``warnings``."""
    props = reader.properties
    if props.truncated:
        warnings.append(truncated_warning(props))
    plan = plan_windows(props, request.span.onset_s, request.span.offset_s,
                        times=reader.frame_times())
    warnings += plan.warnings
    if props.fps_source == "assumed":
        warnings.append("the video states no frame rate: 30 fps was assumed")
    return plan


def _resolve_crop(request: AnalysisRequest, width: int, height: int) -> Box | None:
    box = request.crop_box
    if box is None or request.crop is None:
        return None
    return box.validate(width, height, subject=request.crop.subject)


def _recorder(request: AnalysisRequest, engine: Engine, box: Box) -> SaliencyRecorder | None:
    """Grad-CAM per window when asked (the torch networks: a pack has no gradients)."""
    if not request.saliency:
        return None
    from semioscope.core.explain import SaliencyRecorder

    return SaliencyRecorder(engine.backbone, engine.classifier, engine.threshold, box,
                            request.subject_box)


def _background(fn: Callable[[Path], str], arg: Path) -> Future[str]:
    """``fn(arg)`` in a daemon thread (hashing releases the interpreter lock); ``.result()``
    waits for it and re-raises its error."""
    future: Future[str] = Future()

    def run() -> None:
        try:
            future.set_result(fn(arg))
        except BaseException as exc:  # noqa: BLE001 - re-raised by .result()
            future.set_exception(exc)

    threading.Thread(target=run, name="semioscope-hash", daemon=True).start()
    return future


def _score_windows(
    reader: VideoReader, request: AnalysisRequest, plan: WindowPlan, engine: Engine,
    crop: Box | None, mapping: IntensityMapping, clock: Clock, cancel: CancelToken | None,
    on_partial: PartialSink | None, recorder: SaliencyRecorder | None, frames: Prefetcher,
) -> list[WindowResult]:
    """Features then classifier, window by window, streaming (and saliency if recording)."""
    total = len(plan.windows)
    clock("features", 0, total)
    out: list[WindowResult] = []
    for window, feats in iter_window_features(
            reader, backbone=engine.backbone if recorder is None else recorder, crop=crop,
            mapping=mapping, batch_size=engine.batch_size,
            first_batch=request.options.first_batch,
            progress=lambda done, n: clock("features", done, n), cancel=cancel, plan=plan,
            preprocessed=frames):
        p = float(engine.classifier.p_tle(feats))
        if not 0.0 <= p <= 1.0:
            raise RuntimeError(f"classifier returned {p}, not a probability")
        if recorder is not None:
            recorder.explain(window.index)
        out.append(WindowResult(
            index=window.index, start_s=window.start_s, end_s=window.end_s,
            n_frames=window.n_frames, p_tle=p, label=label_for(p, engine.threshold, engine.band),
            start_frame=window.start_frame, end_frame=window.end_frame))
        if on_partial is not None:
            on_partial(PartialResults(tuple(out), engine.threshold, engine.band))
    return out
