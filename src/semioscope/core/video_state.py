"""Per-video review state (crop, clinical span, last results, semiology events) kept in the user's
data folder.

The state lives in ``data_dir()/videos/<sha256>.json``, keyed by the video's content hash, so it
follows the video when it is renamed or moved and never touches the folder of the source video.
Every write is atomic; an unreadable sidecar is treated as "no saved state" (with a warning) rather
than blocking the video from opening.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from semioscope.core.atomic import write_json
from semioscope.core.paths import data_dir
from semioscope.core.results import Results, results_from_dict, results_to_dict
from semioscope.core.semiology.events import SemiologyEvent, events_from_list, events_to_list
from semioscope.errors import SemioscopeError

log = logging.getLogger(__name__)

STATE_VERSION = 1


@dataclass
class VideoState:
    """What the reviewer decided about one video; ``None`` means "not set yet"."""

    sha256: str
    crop: dict[str, Any] | None = None          # crop record dict (Crop record JSON) + extras
    span: tuple[float, float] | None = None     # (onset_s, offset_s)
    results: Results | None = None              # last results
    extra: dict[str, Any] = field(default_factory=dict)
    #: the reviewer's semiology events (core/semiology); not an analysis input, never stale-making
    events: tuple[SemiologyEvent, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": STATE_VERSION,
            "sha256": self.sha256,
            "updated": datetime.now(UTC).isoformat(timespec="seconds"),
            "crop": self.crop,
            "span": None if self.span is None else {"onset_s": self.span[0],
                                                    "offset_s": self.span[1]},
            "results": None if self.results is None else results_to_dict(self.results),
            "extra": self.extra,
            "semiology": events_to_list(self.events),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> VideoState:
        """Results that cannot be read (a newer or damaged format) are dropped with a warning:
        the crop and span still open, and Analyse makes new results."""
        span = data.get("span")
        results = None
        if data.get("results") is not None:
            try:
                results = results_from_dict(data["results"], "saved results")
            except SemioscopeError as exc:
                log.warning("ignoring the saved results: %s", exc)
        events: tuple[SemiologyEvent, ...] = ()
        try:
            events = events_from_list(data.get("semiology"))
        except (SemioscopeError, KeyError, TypeError, ValueError) as exc:
            log.warning("ignoring the saved semiology events: %s", exc)
        return cls(
            events=events,
            sha256=str(data["sha256"]),
            crop=data.get("crop"),
            span=None if not span else (float(span["onset_s"]), float(span["offset_s"])),
            results=results,
            extra=dict(data.get("extra") or {}),
        )


def state_path(sha256: str) -> Path:
    """Where the sidecar of the video with this hash lives."""
    if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
        raise ValueError(f"not a sha256 hex digest: {sha256!r}")
    return data_dir() / "videos" / f"{sha256}.json"


def load_state(sha256: str) -> VideoState:
    """The saved state of this video, or an empty one if none (or an unreadable one) exists."""
    path = state_path(sha256)
    if not path.is_file():
        return VideoState(sha256)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        state = VideoState.from_dict(data)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        log.warning("ignoring unreadable review state %s: %s", path.name, exc)
        return VideoState(sha256)
    if state.sha256 != sha256:
        log.warning("ignoring review state %s: it belongs to another video", path.name)
        return VideoState(sha256)
    return state


def save_state(state: VideoState) -> Path:
    """Write the state atomically; returns the sidecar path."""
    path = state_path(state.sha256)
    write_json(path, state.to_dict())
    return path
