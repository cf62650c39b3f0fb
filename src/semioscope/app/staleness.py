"""The request an Analyse now would run, and its inputs, to tell whether shown results are stale.

Built from the open video (crop, span, mapping) and the settings (backbone, weights, classifier,
or the model pack that replaces them) only, so what Analyse runs is what the screen shows. Its
:meth:`~semioscope.core.analysis.AnalysisRequest.inputs`, with the video's hash and mapping,
are what :func:`semioscope.core.trust.assess` compares with the ones a result records.
"""

from __future__ import annotations

from pathlib import Path

from semioscope.app.settings import AppSettings
from semioscope.app.state import VideoSession
from semioscope.core.analysis import AnalysisRequest, ModelChoice, RuntimeOptions, Span
from semioscope.core.results import Inputs, MappingInfo


def uses_pack(settings: AppSettings) -> bool:
    """Whether the settings' classifier is a model pack (OpenVINO, no torch)."""
    from semioscope.core.runtime.pack import is_pack

    return bool(settings.classifier_path) and is_pack(settings.classifier_path)


def review_request(video: Path, session: VideoSession, settings: AppSettings) -> AnalysisRequest:
    """The engine request for the open video, its crop, span and the settings."""
    st, pack = settings, Path(settings.classifier_path) if uses_pack(settings) else None
    onset, offset = (None, None) if session.span_is_whole_video else session.span
    mapping = session.mapping.name
    return AnalysisRequest(
        video=video, crop=session.crop, span=Span(onset, offset),
        model=ModelChoice(
            backbone=st.backbone, pack=pack, allow_untrained=st.allow_untrained,
            classifier=Path(st.classifier_path) if st.classifier_path and not pack else None,
            weights=Path(st.backbone_weights) if st.backbone_weights and not pack else None),
        options=RuntimeOptions(threads=st.threads or None, precision=st.precision,
                               device="cpu" if pack else st.device,
                               first_batch=1),   # the first bar after one window's work
        mapping=mapping if mapping in ("kinect", "percentile") else "kinect",
        allow_truncated=session.properties.truncated,
        saliency=pack is None)   # costs milliseconds; a pack has no gradients


def current_inputs(video: Path, session: VideoSession, settings: AppSettings) -> Inputs:
    """What an Analyse now would be made from (:func:`review_request`'s inputs)."""
    return review_request(video, session, settings).inputs(
        video_sha256=session.sha256, span=session.span,
        mapping=MappingInfo(session.mapping.name, dict(session.mapping.params)))
