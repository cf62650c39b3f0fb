"""Reading a results JSON (``semioscope analyze --out``) and finding windows by frame or time.

The GUI and the reports read results through :func:`load_results`, which checks the structure so a
hand-edited or truncated file fails with one clear message instead of a KeyError deep in a widget.
:class:`WindowIndex` answers "which window is frame *i* in?" with one array lookup, so moving the
cursor never scans the window list.
"""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Any

import numpy as np

from semioscope.core.jsonfile import read_json
from semioscope.errors import SemioscopeError

LABELS = ("FLE", "TLE", "uncertain")
_SECTIONS: dict[str, type | tuple[type, ...]] = {
    "software_version": str, "created": str, "video": dict, "mapping": dict, "crop": dict,
    "span": dict, "resampled_to_30fps": bool, "windows": list, "summary": dict, "model": dict,
    "warnings": list,
}
_VIDEO_KEYS = ("path", "sha256", "frames", "fps", "width", "height", "duration_s")
_WINDOW_KEYS = ("index", "start_s", "end_s", "n_frames", "p_tle", "label")
_SUMMARY_KEYS = ("label", "p_tle_mean", "n_windows", "threshold", "uncertain_band", "confidence",
                 "aggregation")
_MODEL_KEYS = ("backbone", "backbone_pretrained", "preprocessing_version")


def load_results(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Read and validate a results JSON; :class:`SemioscopeError` names the file and the fault."""
    path = Path(path)
    data = read_json(path, "results")
    validate_results(data, path)
    return data


def _require(cond: bool, subject: str | os.PathLike[str], what: str) -> None:
    if not cond:
        raise SemioscopeError(subject, f"not a valid results file: {what}")


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def validate_results(data: Any, subject: str | os.PathLike[str] = "results") -> None:
    """Check the sections and fields the GUI and reports rely on (see docs "Results JSON")."""
    _require(isinstance(data, dict), subject, "the top level is not an object")
    for key, kind in _SECTIONS.items():
        _require(key in data, subject, f"'{key}' is missing")
        _require(isinstance(data[key], kind), subject, f"'{key}' has the wrong type")
    for section, keys in (("video", _VIDEO_KEYS), ("summary", _SUMMARY_KEYS),
                          ("model", _MODEL_KEYS)):
        missing = [k for k in keys if k not in data[section]]
        _require(not missing, subject, f"'{section}' lacks {', '.join(missing)}")
    _require(_number(data["video"]["fps"]) and data["video"]["fps"] > 0, subject,
             "video.fps is not a positive number")
    previous_end = -math.inf
    for i, window in enumerate(data["windows"]):
        _require(isinstance(window, dict), subject, f"window {i} is not an object")
        missing = [k for k in _WINDOW_KEYS if k not in window]
        _require(not missing, subject, f"window {i} lacks {', '.join(missing)}")
        _require(window["index"] == i, subject, f"window {i} has index {window['index']}")
        p = window["p_tle"]
        _require(_number(p) and 0.0 <= p <= 1.0, subject, f"window {i} p_tle {p!r} not in [0, 1]")
        _require(window["label"] in LABELS, subject, f"window {i} label {window['label']!r}")
        start, end = window["start_s"], window["end_s"]
        _require(_number(start) and _number(end) and start < end, subject,
                 f"window {i} times {start!r}..{end!r}")
        _require(start >= previous_end - 1e-6, subject, f"window {i} overlaps the one before")
        previous_end = end
    _require(data["summary"]["label"] in LABELS, subject, "summary.label")


class WindowIndex:
    """Frame or time -> window index in O(1), from a per-frame lookup table built once.

    A frame belongs to the window whose ``[start_s, end_s)`` holds the frame's time ``i / fps``
    (for 30-fps videos exactly the window's frame range). Frames outside every window map to None.
    """

    def __init__(self, windows: list[dict[str, Any]], fps: float, frames: int) -> None:
        if fps <= 0 or frames < 0:
            raise ValueError(f"need fps > 0 and frames >= 0, got {fps}, {frames}")
        self.fps = float(fps)
        self.frames = int(frames)
        self.windows = windows
        self.p_tle = np.array([w["p_tle"] for w in windows], dtype=np.float64)
        self.starts = np.array([w["start_s"] for w in windows], dtype=np.float64)
        self.ends = np.array([w["end_s"] for w in windows], dtype=np.float64)
        self._table = np.full(self.frames, -1, dtype=np.int32)
        for i, (start, end) in enumerate(zip(self.starts, self.ends, strict=True)):
            first = max(0, math.ceil(start * self.fps - 1e-6))
            stop = min(self.frames, math.ceil(end * self.fps - 1e-6))
            self._table[first:stop] = i

    @classmethod
    def from_results(cls, results: dict[str, Any]) -> WindowIndex:
        video = results["video"]
        return cls(results["windows"], float(video["fps"]), int(video["frames"]))

    def __len__(self) -> int:
        return len(self.windows)

    def at_frame(self, frame: int) -> int | None:
        """Index of the window holding source frame ``frame``, or None."""
        if not 0 <= frame < self.frames:
            return None
        index = int(self._table[frame])
        return None if index < 0 else index

    def at_time(self, seconds: float) -> int | None:
        """Index of the window holding the frame shown at ``seconds``, or None."""
        if not math.isfinite(seconds) or seconds < 0:
            return None
        return self.at_frame(int(math.floor(seconds * self.fps + 1e-6)))

    def window_at_frame(self, frame: int) -> dict[str, Any] | None:
        index = self.at_frame(frame)
        return None if index is None else self.windows[index]
