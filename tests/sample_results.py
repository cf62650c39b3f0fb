"""Small made-up results and synthetic IR videos for the tests (never for pictures).

:func:`synthetic_results` gives complete results with MADE-UP scores and metrics (real facts and
hash when the video exists); :func:`write_synthetic_video` a 16-bit FFV1 video of a patient on a
bed whose arm moves inside the span. The docs' sample pages come from a real demo run instead
(``semioscope.pictures.report_pages``).
"""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from semioscope import __version__
from semioscope.core.results import (
    CropInfo,
    MappingInfo,
    Provenance,
    Results,
    SpanInfo,
    VideoInfo,
    WindowIndex,
    WindowResult,
)

FAKE_HASH = "0" * 64


def synthetic_frames(seconds: float, fps: float = 30.0, width: int = 512, height: int = 424,
                     onset_s: float = 2.0, offset_s: float | None = None,
                     seed: int = 0) -> np.ndarray:
    """16-bit IR-like frames ``(n, h, w)``: floor, bed, a patient whose arm moves in the span."""
    import cv2

    n = int(round(seconds * fps))
    offset_s = seconds - 2.0 if offset_s is None else offset_s
    rng = np.random.default_rng(seed)
    s = width / 512
    room = np.full((height, width), 3300.0, np.float32)
    bed = (int(150 * s), int(40 * s), int(230 * s), int(390 * s))
    cv2.rectangle(room, bed[:2], bed[2:], 9800.0, -1)
    cv2.rectangle(room, (int(165 * s), int(50 * s)), (int(215 * s), int(110 * s)), 11800.0, -1)
    out = np.empty((n, height, width), np.uint16)
    noises = [rng.normal(0, 180, room.shape).astype(np.float32) for _ in range(5)]
    for i in range(n):
        t = i / fps
        amp = 1.0 if onset_s <= t <= offset_s else 0.08
        img = room.copy()
        cx, cy = int(190 * s), int(90 * s)
        cv2.circle(img, (cx, cy), int(18 * s), 14500.0, -1)
        cv2.ellipse(img, (cx, int(210 * s)), (int(34 * s), int(95 * s)), 0, 0, 360, 13000.0, -1)
        angle = 30 * amp * math.sin(2 * math.pi * 2.3 * t)
        end = (int(cx + 75 * s * math.cos(math.radians(60 + angle))),
               int(150 * s + 75 * s * math.sin(math.radians(60 + angle))))
        cv2.line(img, (cx + int(25 * s), int(150 * s)), end, 13500.0, max(2, int(12 * s)))
        out[i] = np.clip(img + noises[i % len(noises)], 0, 65535).astype(np.uint16)
    return out


def write_synthetic_video(path: Path, seconds: float, **kwargs: Any) -> Path:
    from semioscope.core.video.writer import write_ffv1

    fps = float(kwargs.get("fps", 30.0))
    write_ffv1(path, list(synthetic_frames(seconds, **kwargs)), fps=fps)
    return path


def synthetic_results(video: Path | str | None = None, *, n_windows: int = 12,
                      onset_s: float = 2.0, untrained: bool = True, seed: int = 0,
                      fps: float = 30.0, width: int = 512, height: int = 424) -> Results:
    """Complete results with made-up scores; real facts and hash when ``video`` exists.

    ``untrained`` gives a random backbone; otherwise the backbone weights are the official I3D
    file's hash (so the trust rule clears it: tests vary one provenance field at a time).
    """
    from semioscope.core.analysis import label_for, seizure_verdict
    from semioscope.core.models.registry import WEIGHT_FILES

    rng = np.random.default_rng(seed)
    threshold, band = 0.5, (0.4, 0.6)
    info = _video_facts(video, onset_s + 2.0 * n_windows + 2.0, fps, width, height)
    windows = []
    for i in range(n_windows):
        start = onset_s + 2.0 * i
        p = float(np.clip(0.55 + 0.3 * math.sin(i / 3.0) + rng.normal(0, 0.08), 0.01, 0.99))
        p = round(p, 4)
        windows.append(WindowResult(index=i, start_s=start, end_s=start + 2.0,
                                    n_frames=int(round(2.0 * info.fps)), p_tle=p,
                                    label=label_for(p, threshold, band)))
    summary = replace(seizure_verdict([w.p_tle for w in windows], threshold, band),
                      aggregation="mean of the window probabilities P(TLE)")
    weights = None if untrained else WEIGHT_FILES["i3d"].sha256
    end_s = onset_s + 2.0 * n_windows
    return Results(
        software_version=__version__, created="2025-03-14T09:26:53+00:00", video=info,
        mapping=MappingInfo("kinect", {"scene_average": 0.08, "standard_deviations": 3.0,
                                       "output_min": 0.01, "output_max": 1.0}),
        crop=CropInfo(int(info.width * 0.27), int(info.height * 0.06), int(info.width * 0.5),
                      int(info.height * 0.9), source="auto"),
        span=SpanInfo(onset_s, end_s, int(round(onset_s * info.fps)),
                      int(round(end_s * info.fps))),
        windows=tuple(windows), summary=summary, model=_model(weights),
    )


def _video_facts(video: Path | str | None, seconds: float, fps: float, width: int,
                 height: int) -> VideoInfo:
    if video is not None and Path(video).exists():
        from semioscope.core.hashing import file_sha256
        from semioscope.core.video import open_video

        with open_video(video) as reader:
            props = reader.properties
        return VideoInfo(path=str(Path(video).resolve()), sha256=file_sha256(video),
                         frames=props.frames, fps=props.fps, fps_source=props.fps_source,
                         width=props.width, height=props.height, bit_depth=props.bit_depth,
                         duration_s=props.duration_s)
    frames = int(round(seconds * fps))
    return VideoInfo(path=str(video or "/data/emu/missing.mkv"), sha256=FAKE_HASH,
                     frames=frames, fps=fps, width=width, height=height, duration_s=frames / fps)


def _model(weights: str | None) -> Provenance:
    from semioscope.core.preprocess import PREPROCESSING_VERSION

    per_level = {level: {"f1_macro": {"mean": f1, "std": 0.06, "folds": 5},
                         "balanced_accuracy": {"mean": f1 + 0.01, "std": 0.05, "folds": 5},
                         "roc_auc": {"mean": f1 + 0.07, "std": 0.04, "folds": 5}}
                 for level, f1 in (("window", 0.71), ("seizure", 0.78), ("patient", 0.8))}
    return Provenance(
        backbone="i3d", backbone_pretrained=weights is not None, weights_sha256=weights,
        weights_status="random" if weights is None else "official",
        classifier_path="/models/demo-classifier.semio", classifier_sha256="c3" * 32,
        classifier_trained=True, classifier_backbone_sha256=weights,
        classifier_backbone_pretrained=weights is not None,
        preprocessing_version=PREPROCESSING_VERSION,
        classifier_metadata={
            "backbone": "i3d", "trained": True, "threshold": 0.5, "uncertain_band": [0.4, 0.6],
            "backbone_weights_sha256": weights, "backbone_pretrained": weights is not None,
            "created": "2025-02-01T12:00:00+00:00", "software_version": __version__,
            "training": {"data": {"FLE": {"patients": 6, "seizures": 18, "windows": 540},
                                  "TLE": {"patients": 6, "seizures": 17, "windows": 505}},
                         "validation": "5-fold cross-validation by patient on synthetic videos "
                                       "(semioscope synth), not on patients"},
            "metrics": {"summary": per_level, "folds": 5},
        },
    )


def with_video_path(results: Results, path: str) -> Results:
    """The same results, said to be of the video at ``path`` (moved, missing, replaced)."""
    return replace(results, video=replace(results.video, path=path))


def window_index(results: Results) -> WindowIndex:
    """The frame -> window lookup over the frames the results describe."""
    return WindowIndex(results.windows, results.video.fps, results.video.frames)
