"""Crop a whole dataset from its manifest, one record per seizure, resumable.

A run killed half-way (power cut, Ctrl-C) loses at most the video in progress: records are
written atomically one by one, and a new run skips every video whose record was made by the same
detector and weights from the same video bytes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol, TypeVar

from semioscope.core.cancel import CancelToken
from semioscope.core.crop.auto import auto_crop
from semioscope.core.crop.detection import Detector
from semioscope.core.crop.record import CropRecord
from semioscope.core.hashing import file_sha256
from semioscope.core.video import mapping_for, open_video
from semioscope.errors import SemioscopeError

Item = TypeVar("Item")


class BatchRow(Protocol):
    """A row the batch crops: a manifest's (``core.manifest.ManifestRow``), read with
    ``read_manifest(path, videos_must_exist=False)`` so that a missing video is listed here."""

    @property
    def video(self) -> Path: ...
    @property
    def seizure_id(self) -> str: ...


#: progress(position (1-based), total, row, what happened: "ok" | "needs_review" | "skipped ..." |
#: "failed: ...")
BatchProgress = Callable[[int, int, BatchRow, str], None]


@dataclass
class BatchSummary:
    total: int = 0
    made: int = 0
    skipped: int = 0
    ok: int = 0
    needs_review: int = 0
    reasons: Counter[str] = field(default_factory=Counter)
    failed: list[tuple[str, str]] = field(default_factory=list)   # (seizure_id, message)

    def count(self, record: CropRecord) -> None:
        if record.ok:
            self.ok += 1
        else:
            self.needs_review += 1
            self.reasons.update(record.reasons)

    def lines(self) -> list[str]:
        """The closing summary, one fact a line."""
        out = [f"{self.total} videos: {self.ok} ok, {self.needs_review} need review, "
               f"{len(self.failed)} failed ({self.made} cropped now, {self.skipped} up to date)"]
        out += [f"  needs review: {reason}: {n}" for reason, n in sorted(self.reasons.items())]
        out += [f"  failed: {sid}: {message}" for sid, message in self.failed]
        return out


def _current(record_path: Path, detector: Detector, video_sha: str) -> CropRecord | None:
    if not record_path.is_file():
        return None
    try:
        record = CropRecord.load(record_path)
    except SemioscopeError:
        return None  # unreadable: make it again
    return record if record.matches(detector.name, detector.weights_sha256, video_sha) else None


def crop_video(path: Path, detector: Detector, *, frames: int, seconds: float,
               mapping_name: str, cancel: CancelToken | None, video_sha256: str) -> CropRecord:
    """One video's automatic crop: the step of the manifest batch and of ``project crop``."""
    with open_video(path) as reader:
        return auto_crop(reader, detector, frames=frames, seconds=seconds,
                         mapping=mapping_for(reader, mapping_name), cancel=cancel,
                         video_sha256=video_sha256)


def each_resumably(items: Sequence[Item], step: Callable[[Item], tuple[Item, str]],
                   failed: list[tuple[str, str]], name: Callable[[Item], str], *,
                   cancel: CancelToken | None,
                   progress: Callable[[int, int, Item, str], None] | None) -> None:
    """The one batch loop: ``step(item) -> (item as it is now, what happened)`` for each item;
    one item's SemioscopeError is listed in ``failed`` as ``(name, message)`` and the others go
    on; a cancel stops between items. What is done is kept, so a rerun resumes."""
    for position, item in enumerate(items, start=1):
        if cancel is not None:
            cancel.raise_if_cancelled()
        try:
            item, what = step(item)
        except SemioscopeError as exc:
            failed.append((name(item), str(exc)))
            what = f"failed: {exc}"
        if progress is not None:
            progress(position, len(items), item, what)


def batch_crop(rows: Sequence[BatchRow], out_dir: str | Path, detector: Detector, *,
               frames: int = 5, seconds: float = 3.0, mapping_name: str = "kinect",
               cancel: CancelToken | None = None,
               progress: BatchProgress | None = None) -> BatchSummary:
    """One ``<seizure_id>.json`` per row in ``out_dir``; problems with one video do not stop
    the others (they are listed in the summary)."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    summary = BatchSummary(total=len(rows))

    def step(row: BatchRow) -> tuple[BatchRow, str]:
        if not row.video.exists():
            raise SemioscopeError(row.video, "no such video")
        sha = file_sha256(row.video)
        target = out_dir / f"{row.seizure_id}.json"
        record = _current(target, detector, sha)
        what = "skipped (up to date)"
        if record is None:
            record = crop_video(row.video, detector, frames=frames, seconds=seconds,
                                mapping_name=mapping_name, cancel=cancel, video_sha256=sha)
            record.save(target)
            summary.made += 1
            what = record.status
        else:
            summary.skipped += 1
        summary.count(record)
        return row, what

    each_resumably(rows, step, summary.failed, lambda row: row.seizure_id, cancel=cancel,
                   progress=progress)
    return summary
