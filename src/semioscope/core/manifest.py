"""The dataset manifest: one CSV row per seizure video, read one way by crop, project and training.

Columns (any order; only ``video`` and the caller's ``required`` ones must be present)::

    video, patient_id, seizure_id, label, onset_s, offset_s, crop, crop_file

One set of rules for every command: UTF-8 with or without BOM, stripped cells, blank rows
skipped; ``video`` and ``crop_file`` are relative to the manifest's folder; an empty
``seizure_id`` is the video's file name without extension, and it must name a file (letters,
digits, ``.``, ``_``, ``-``) and be unique; ``label`` is empty, FLE or TLE (any case); onset and
offset are non-negative seconds with onset before offset; ``crop`` is ``X,Y,W,H`` and
``crop_file`` a crop record (only its box and provenance are read). Every problem names the
manifest and its line (1 = the header): ``manifest.csv line 3: <what is wrong>``.
"""

from __future__ import annotations

import csv
import math
import os
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from semioscope.core.geometry import Box
from semioscope.errors import SemioscopeError

COLUMNS = ("video", "patient_id", "seizure_id", "label", "onset_s", "offset_s", "crop",
           "crop_file")
LABELS = ("FLE", "TLE")
_SAFE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


@dataclass(frozen=True)
class ManifestRow:
    """One seizure video; ``line`` is its line in the CSV (for messages)."""

    video: Path
    seizure_id: str
    patient_id: str = ""
    label: str = ""
    onset_s: float | None = None
    offset_s: float | None = None
    crop: Box | None = None
    line: int = 0

    @property
    def y(self) -> int:
        """1 for TLE (the network's output is P(TLE)), 0 for FLE."""
        return int(self.label == "TLE")


def where(path: Path, line: int) -> str:
    """How every message names a manifest line."""
    return f"{path} line {line}"


def read_rows(path: Path, required: Sequence[str]) -> Iterator[tuple[int, dict[str, str]]]:
    """``(line number, row)`` for every non-blank row; values stripped, columns checked."""
    from semioscope.core.inputs import read_text

    text = read_text(path, "manifest", encoding="utf-8-sig")
    reader = csv.DictReader(text.splitlines())
    header = [(h or "").strip() for h in reader.fieldnames or []]
    missing = [c for c in required if c not in header]
    if missing:
        raise SemioscopeError(path, f"missing column(s) {', '.join(missing)} "
                              f"(has: {', '.join(header) or 'nothing'})")
    reader.fieldnames = header
    for raw in reader:   # line_num, not a count: the reader skips blank lines
        row = {k: (v or "").strip() for k, v in raw.items() if isinstance(k, str) and
               isinstance(v, str)}
        if any(row.values()):
            yield reader.line_num, row


def nonnegative(text: str, name: str, subject: str) -> float | None:
    """A finite, non-negative number, or None for an empty cell."""
    text = text.strip()
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        raise SemioscopeError(subject, f"{name} {text!r} is not a number") from None
    if not math.isfinite(value) or value < 0:
        raise SemioscopeError(subject, f"{name} {text!r} must be a non-negative number")
    return value


def _crop(raw: dict[str, str], base: Path, subject: str) -> Box | None:
    text, file_text = raw.get("crop", ""), raw.get("crop_file", "")
    if text and file_text:
        raise SemioscopeError(subject, "give crop or crop_file, not both")
    if text:
        try:
            return Box.parse(text)
        except SemioscopeError:
            raise SemioscopeError(subject, f"crop {text!r} is not X,Y,W,H in pixels") from None
    if not file_text:
        return None
    # imported here: the crop package reads manifests too (crop batch), so a module-level
    # import would make the two packages depend on their import order
    from semioscope.core.crop.record import read_crop_file

    path = Path(file_text) if Path(file_text).is_absolute() else base / file_text
    if not path.is_file():
        raise SemioscopeError(subject, f"crop_file {file_text} does not exist")
    try:
        return read_crop_file(path).box
    except SemioscopeError as exc:
        raise SemioscopeError(subject, f"crop_file {file_text}: {exc.message}") from None


def _check_video_file(video: Path, text: str, subject: str) -> None:
    from semioscope.core.inputs import check_regular

    try:
        check_regular(video, "video", folder_ok=True)
    except SemioscopeError as exc:
        raise SemioscopeError(subject, f"video {text} {exc.message}") from None
    if not os.access(video, os.R_OK):
        raise SemioscopeError(subject, f"video {text} cannot be read (permission denied)")


def _row(raw: dict[str, str], base: Path, subject: str, line: int, required: Sequence[str],
         videos_must_exist: bool) -> ManifestRow:
    for name in ("video", *required):
        if not raw.get(name):
            raise SemioscopeError(subject, f"{name} is empty")
    video = Path(raw["video"])
    video = video if video.is_absolute() else base / video
    if videos_must_exist and not video.exists():
        what = "is a dangling symlink" if video.is_symlink() else "does not exist"
        raise SemioscopeError(subject, f"video {raw['video']} {what}")
    if video.exists():
        _check_video_file(video, raw["video"], subject)
    sid = raw.get("seizure_id") or video.stem
    if not _SAFE_ID.match(sid):
        raise SemioscopeError(subject, f"seizure_id {sid!r} cannot name a file (use letters, "
                              "digits, '.', '_', '-')")
    label = raw.get("label", "").upper()
    if label and label not in LABELS:
        raise SemioscopeError(subject, f"unknown label {raw['label']!r} (FLE or TLE)")
    onset = nonnegative(raw.get("onset_s", ""), "onset_s", subject)
    offset = nonnegative(raw.get("offset_s", ""), "offset_s", subject)
    if onset is not None and offset is not None and onset >= offset:
        raise SemioscopeError(subject, f"onset_s {onset:g} is not before offset_s {offset:g}")
    return ManifestRow(video, sid, raw.get("patient_id", ""), label, onset, offset,
                       _crop(raw, base, subject), line)


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino


def read_manifest(path: str | Path, *, required: Sequence[str] = (),
                  videos_must_exist: bool = True) -> list[ManifestRow]:
    """Every row, checked by the rules above; ``required`` columns must be present and filled.
    ``videos_must_exist=False`` leaves a missing video to the caller (the crop batch lists it
    as failed and goes on)."""
    path = Path(path)
    rows: list[ManifestRow] = []
    seen: dict[str, int] = {}
    files: dict[tuple[int, int], int] = {}
    for line, raw in read_rows(path, ("video", *required)):
        row = _row(raw, path.parent, where(path, line), line, required, videos_must_exist)
        ident = _identity(row.video)
        if ident is not None and ident in files:
            raise SemioscopeError(where(path, line), f"video {row.video.name} is the same file "
                                  f"as line {files[ident]}'s; each video once")
        if ident is not None:
            files[ident] = line
        if row.seizure_id in seen:
            raise SemioscopeError(where(path, line), f"seizure_id {row.seizure_id!r} repeats "
                                  f"line {seen[row.seizure_id]}")
        seen[row.seizure_id] = line
        rows.append(row)
    if not rows:
        raise SemioscopeError(path, "the manifest lists no videos")
    return rows
