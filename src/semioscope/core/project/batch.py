"""Crop every video of a project, committing each result as it finishes (resumable).

Killed at any moment, a run loses at most the video in progress. Run again, it skips every video
already cropped by the same detector and weights, and never touches a person's edit (corrected
or unusable): those are reported as kept.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from semioscope.core.cancel import CancelToken
from semioscope.core.crop import Detector
from semioscope.core.crop.batch import crop_video, each_resumably
from semioscope.core.project.model import HUMAN_STATUSES, VideoRow
from semioscope.core.project.store import ProjectStore
from semioscope.errors import SemioscopeError

#: progress(position (1-based), total, row, what happened)
ProjectProgress = Callable[[int, int, VideoRow, str], None]


@dataclass
class ProjectCropSummary:
    total: int = 0
    made: int = 0
    up_to_date: int = 0
    kept_manual: int = 0
    statuses: Counter[str] = field(default_factory=Counter)
    failed: list[tuple[str, str]] = field(default_factory=list)   # (seizure_id, message)

    def lines(self) -> list[str]:
        made = ", ".join(f"{n} {s}" for s, n in sorted(self.statuses.items())) or "none"
        return [f"{self.total} videos: {self.made} cropped now ({made}), {self.up_to_date} up to "
                f"date, {self.kept_manual} kept (a person's edit), {len(self.failed)} failed",
                *(f"  failed: {sid}: {msg}" for sid, msg in self.failed)]


def is_current(row: VideoRow, detector: Detector) -> bool:
    """Whether the video's automatic crop came from this detector with these weights."""
    return (row.auto_status is not None and row.detector == detector.name
            and row.weights_sha256 == detector.weights_sha256)


def _crop_one(store: ProjectStore, row: VideoRow, detector: Detector, frames: int,
              seconds: float, mapping_name: str, cancel: CancelToken | None) -> VideoRow:
    path = Path(row.path)
    if not path.exists():
        raise SemioscopeError(path, "no such video (moved? try `semioscope project relink`)")
    if path.is_file() and path.stat().st_size != row.size:
        raise SemioscopeError(path, "the file changed since it entered the project (size differs)")
    record = crop_video(path, detector, frames=frames, seconds=seconds,
                        mapping_name=mapping_name, cancel=cancel, video_sha256=row.sha256)
    return store.set_auto_record(row.id, record.to_dict())


def crop_project(store: ProjectStore, detector: Detector, *, frames: int = 5,
                 seconds: float = 3.0, mapping_name: str = "kinect",
                 cancel: CancelToken | None = None,
                 progress: ProjectProgress | None = None) -> ProjectCropSummary:
    """Crop what needs cropping; one video's problem does not stop the others."""
    rows = store.rows()
    summary = ProjectCropSummary(total=len(rows))

    def step(row: VideoRow) -> tuple[VideoRow, str]:
        if row.status in HUMAN_STATUSES:
            summary.kept_manual += 1
            return row, f"kept ({row.status} by a person)"
        if is_current(row, detector):
            summary.up_to_date += 1
            return row, "up to date"
        row = _crop_one(store, row, detector, frames, seconds, mapping_name, cancel)
        summary.made += 1
        summary.statuses[row.status] += 1
        return row, row.status

    each_resumably(rows, step, summary.failed, lambda row: row.seizure_id, cancel=cancel,
                   progress=progress)
    return summary
