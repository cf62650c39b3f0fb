"""``auto_crop``: run a detector on a few early frames and turn its boxes into a crop record.

Early frames because the patient is usually still lying down before the seizure; several of them
because one frame can be blurred, occluded or caught mid-movement (the paper's one-frame rule
failed 4 times in 126).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from semioscope.core.cancel import CancelToken
from semioscope.core.crop.detection import Detection, Detector
from semioscope.core.crop.record import CropRecord, CropVideo, DetectorInfo, FrameResult
from semioscope.core.crop.rule import RuleSettings, combine, paper_rule
from semioscope.core.hashing import file_sha256
from semioscope.core.video.base import VideoReader
from semioscope.core.video.mapping import IntensityMapping, mapping_for
from semioscope.errors import SemioscopeError

#: progress(done_frames, total_frames)
FrameProgress = Callable[[int, int], None]


def sample_indices(n_frames: int, fps: float, frames: int = 5, seconds: float = 3.0) -> list[int]:
    """``frames`` indices spread evenly over the first ``seconds`` (fewer for a short video)."""
    if frames < 1:
        raise SemioscopeError("--frames", f"need at least 1 frame, got {frames}")
    if not seconds > 0:
        raise SemioscopeError("--seconds", f"need a positive number of seconds, got {seconds}")
    if n_frames < 1:
        return []
    last = min(n_frames - 1, max(0, int(round(seconds * fps)) - 1))
    return sorted({int(i) for i in np.linspace(0, last, num=frames).round()})


def mapped_rgb(frame: np.ndarray, mapping: IntensityMapping) -> np.ndarray:
    """The 8-bit mapped gray frame repeated to three channels (the detectors' input)."""
    gray = mapping.apply(frame)
    return np.ascontiguousarray(np.repeat(gray[:, :, None], 3, axis=2))


def _detect(detector: Any, rgb: np.ndarray | None, index: int, time_s: float) -> list[Detection]:
    at = getattr(detector, "detect_at", None)
    return list(at(rgb, index, time_s) if at else detector.detect(rgb))


def auto_crop(reader: VideoReader, detector: Detector, *, frames: int = 5, seconds: float = 3.0,
              mapping: IntensityMapping | None = None, cancel: CancelToken | None = None,
              settings: RuleSettings | None = None, video_sha256: str | None = None,
              progress: FrameProgress | None = None) -> CropRecord:
    """The crop for one video, with the evidence of every examined frame.

    ``video_sha256`` saves hashing the file again when the caller already has it.
    """
    props = reader.properties
    settings = settings or RuleSettings()
    mapping = mapping or mapping_for(reader, "kinect")
    indices = sample_indices(props.frames, props.fps, frames, seconds)
    if not indices:
        raise SemioscopeError(props.path, "the video has no frames to crop")
    bound: Any = detector
    if hasattr(detector, "for_video"):
        bound = detector.for_video(reader.path)  # the truth detector reads the video's truth
    pixels = getattr(bound, "reads_pixels", True)   # the truth replay needs frame numbers only
    results: list[tuple[int, float, list[Detection]]] = []
    for done, index in enumerate(indices):
        if cancel is not None:
            cancel.raise_if_cancelled()
        time_s = index / props.fps
        rgb = mapped_rgb(reader.read(index), mapping) if pixels else None
        results.append((index, time_s, _detect(bound, rgb, index, time_s)))
        if progress is not None:
            progress(done + 1, len(indices))
    choices = [paper_rule(d, props.width, props.height, settings) for _, _, d in results]
    decision = combine(choices, [d for _, _, d in results], props.width, props.height, settings)
    frame_results = tuple(
        FrameResult(index, time_s, tuple(dets), choice.box, choice.person, choice.bed, agreement)
        for (index, time_s, dets), choice, agreement
        in zip(results, choices, decision.agreement, strict=True))
    sha = video_sha256 or file_sha256(reader.path)
    return CropRecord(
        box=decision.box, source="auto", status=decision.status, reasons=decision.reasons,
        detector=DetectorInfo(detector.name, detector.weights_sha256, bool(detector.pretrained)),
        frames=frame_results,
        video=CropVideo(str(reader.path), sha, props.width, props.height),
        mapping=mapping.to_dict(),
        settings={**settings.to_dict(), "frames": frames, "seconds": seconds},
        warnings=tuple(getattr(detector, "warnings", ()) or ()),
    )
