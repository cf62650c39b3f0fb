"""``truth``: NOT a detector. It replays a synthetic video's ground-truth person and bed boxes.

``semioscope synth`` writes ``<stem>.truth.json`` beside each video it makes, with person and bed
boxes at least once per second. Cropping a synthetic video with ``--detector truth`` shows what
the crop rule does with perfect detections (demos, tests, batch runs without a model). Its
records say ``detector.name == "truth"`` and ``pretrained == false``; on a real video it refuses
to run, because there is no truth file.

``SEMIOSCOPE_TRUTH_DELAY_S`` makes each call sleep that many seconds, to imitate a slow model
(tests interrupt a batch run half-way with it).
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

import numpy as np

from semioscope.core.crop.detection import BED, PERSON, Detection
from semioscope.core.geometry import Box
from semioscope.errors import SemioscopeError

#: the score given to replayed boxes (a confident, not a perfect, detection)
TRUTH_SCORE = 0.99


def truth_path_for(video: str | os.PathLike[str]) -> Path:
    """Where the synthetic generator writes a video's ground truth."""
    video = Path(video)
    return video.with_name(f"{video.stem}.truth.json")


def read_truth(path: Path) -> dict[str, Any]:
    """The ground-truth JSON, checked just enough to replay its boxes."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        boxes = data["boxes"]
        entries = [(int(b["frame"]), Box.from_dict(b["person"]), Box.from_dict(b["bed"]))
                   for b in boxes]
    except FileNotFoundError:
        raise SemioscopeError(path, "no ground-truth file: the truth detector only works on "
                              "synthetic videos made by `semioscope synth`") from None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise SemioscopeError(path, f"not a synthetic ground-truth file ({exc})") from None
    if not entries:
        raise SemioscopeError(path, "the ground-truth file has no boxes")
    return {"entries": sorted(entries, key=lambda e: e[0])}


class TruthDetector:
    """Replays ground truth; bind it to a video with :meth:`for_video` before use."""

    name = "truth"
    weights_sha256: str | None = None
    pretrained = False
    #: it looks up boxes by frame number, so the frames need not be decoded (see ``auto_crop``)
    reads_pixels = False
    warnings = ["truth detector: boxes replayed from synthetic ground truth, not detected"]

    def __init__(self, entries: list[tuple[int, Box, Box]] | None = None,
                 source: Path | None = None) -> None:
        self._entries = entries or []
        self.source = source

    def for_video(self, video: str | os.PathLike[str]) -> TruthDetector:
        path = truth_path_for(video)
        return TruthDetector(read_truth(path)["entries"], path)

    def detect_at(self, rgb: np.ndarray | None, index: int, time_s: float) -> list[Detection]:
        """The boxes of the truth entry nearest to frame ``index``."""
        if not self._entries:
            raise SemioscopeError("truth", "the truth detector is not bound to a video")
        delay = float(os.environ.get("SEMIOSCOPE_TRUTH_DELAY_S", "0") or 0)
        if delay > 0:
            time.sleep(delay)
        _, person, bed = min(self._entries, key=lambda e: abs(e[0] - index))
        found = [Detection(PERSON, TRUTH_SCORE, person), Detection(BED, TRUTH_SCORE, bed)]
        return [d for d in found if d.box.w > 0 and d.box.h > 0]  # an empty box: not in view

    def detect(self, rgb: np.ndarray) -> list[Detection]:
        """Without a frame index, the first frame's truth."""
        return self.detect_at(rgb, 0, 0.0)
