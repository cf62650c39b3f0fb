"""Session state: badges, reset, persistence and restore, O(1) window lookup."""

from __future__ import annotations

from dataclasses import replace

from semioscope.app.state import VideoSession
from semioscope.core.analysis import label_for
from semioscope.core.crop import sidecar
from semioscope.core.crop.editing import NO_WEIGHTS_TEXT, badge, reset, with_box
from semioscope.core.geometry import Box
from semioscope.core.results import CropInfo, MappingInfo, Results, SpanInfo, VideoInfo
from semioscope.core.video import KINECT
from semioscope.core.video.base import VideoProperties
from semioscope.core.video_state import load_state
from tests.sample_results import synthetic_results

SHA = "12" * 32


def props(frames: int = 180, fps: float = 30.0) -> VideoProperties:
    return VideoProperties("v.mkv", frames, fps, 120, 96, 16, frames / fps, "pyav")


def fake_results(p: list[float], fps: float = 30.0, onset: float = 0.0) -> Results:
    base = synthetic_results(n_windows=len(p), onset_s=onset, fps=fps, width=120, height=96)
    windows = tuple(replace(w, p_tle=v, label=label_for(v, 0.5, (0.4, 0.6)))
                    for w, v in zip(base.windows, p, strict=True))
    return replace(base, windows=windows)


def results_for(request, p: list[float]) -> Results:
    """Made-up scores, but the inputs recorded are the request's (as the real engine does):
    video, mapping, crop, span, and the classifier and backbone weights files (none: None).

    ``request`` is an AnalysisRequest, e.g. ``window.analysis_control.build_request()``.
    """
    from semioscope.core.hashing import file_sha256
    from semioscope.core.video import mapping_for, open_video

    with open_video(request.video) as reader:
        props = reader.properties
        mapping = mapping_for(reader, request.mapping)
    base = fake_results(p)
    box = request.crop_box or Box.full_frame(props.width, props.height)
    onset = 0.0 if request.span.onset_s is None else request.span.onset_s
    offset = props.duration_s if request.span.offset_s is None else request.span.offset_s
    return replace(
        base, video=VideoInfo(str(request.video), file_sha256(request.video), props.frames,
                              props.fps, props.width, props.height, props.duration_s),
        mapping=MappingInfo(mapping.name, dict(mapping.params)),
        crop=CropInfo(box.x, box.y, box.w, box.h, source=request.crop_source),
        span=SpanInfo(onset, offset, round(onset * props.fps), round(offset * props.fps)),
        model=replace(base.model, backbone=request.model.backbone,
                      classifier_sha256=_sha_or_none(request.model.classifier),
                      weights_sha256=_sha_or_none(request.model.weights)))


def _sha_or_none(path) -> str | None:
    from semioscope.core.hashing import file_sha256

    return None if path is None else file_sha256(path)


def test_crop_badges_and_reset():
    full = sidecar.full_frame(120, 96, "no_detector_weights")
    assert badge(full) == (NO_WEIGHTS_TEXT, "needs_review")
    record = {"box": {"x": 1, "y": 2, "w": 50, "h": 40}, "source": "auto",
              "status": "needs_review", "reasons": ["unstable", "low_confidence"]}
    auto = sidecar.from_record(record, (120, 96))
    assert badge(auto) == ("auto crop — needs review: unstable, low_confidence", "needs_review")
    fixed = with_box(auto, Box(5, 5, 20, 20))
    assert badge(fixed)[1] == "corrected" and fixed.box == Box(5, 5, 20, 20)
    back = reset(fixed)
    assert back.box == Box(1, 2, 50, 40) and back.source == "auto"
    assert back.reasons == ("unstable", "low_confidence")
    assert sidecar.from_sidecar(sidecar.to_sidecar(fixed), (120, 96)) == fixed


def test_session_persists_and_restores(qtbot):
    session = VideoSession(props(), KINECT)
    session.set_span(1.0, 4.0)          # before the hash is known: nothing is written
    assert load_state(SHA).span is None
    session.identify(SHA)
    session.set_crop(with_box(sidecar.full_frame(120, 96, "no_detector_weights"),
                              Box(10, 10, 30, 30)))
    session.set_results(fake_results([0.2, 0.5, 0.9]))
    stored = load_state(SHA)
    assert stored.crop is not None and stored.crop["box"] == {"x": 10, "y": 10, "w": 30, "h": 30}
    again = VideoSession(props(), KINECT)
    with qtbot.waitSignals([again.cropChanged, again.resultsChanged]):
        again.identify(SHA)
    assert again.crop is not None and again.crop.box == Box(10, 10, 30, 30)
    assert again.results == session.results and len(again.results.windows) == 3


def test_window_lookup_by_frame_and_start_frames():
    session = VideoSession(props(), KINECT)
    session.set_results(fake_results([0.2, 0.5, 0.9], onset=0.5))
    lookup = session.lookup
    assert lookup is not None
    assert lookup.at_frame(0) is None           # before the span
    assert lookup.at_frame(15) == 0
    assert lookup.at_frame(74) == 0 and lookup.at_frame(75) == 1
    assert [lookup.first_frame(i) for i in range(3)] == [15, 75, 135]


def test_span_frames_and_clamping():
    session = VideoSession(props(), KINECT)
    assert session.span == (0.0, 6.0) and session.span_is_whole_video
    session.set_frame(1000)
    assert session.frame == 179
    assert session.frame_of(1.0) == 30
