"""A labelled synthetic dataset: several patients per class, several seizures per patient.

Each patient keeps one scene (camera, bed, body size, blanket) and one dominant side for all
their seizures, as a real patient keeps a room and tends to have stereotyped seizures; this is
what makes patient-grouped cross-validation meaningful on synthetic data. The manifest has the
columns the training code reads, with video paths relative to the manifest.
"""

from __future__ import annotations

import csv
import io
import math
import os
import signal
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, replace
from multiprocessing import get_context
from pathlib import Path

import numpy as np

from semioscope.core import atomic
from semioscope.core.cancel import CancelToken
from semioscope.core.synth import stamp
from semioscope.core.synth.motion import ICTAL_RANGE_S, LEAD_IN_RANGE_S, check_setting
from semioscope.core.synth.render import (
    MAX_SECONDS,
    MIN_SECONDS,
    GroundTruth,
    render_seizure,
    truth_path,
)
from semioscope.core.synth.scene import SceneOptions
from semioscope.errors import SemioscopeError

MANIFEST_COLUMNS = ("video", "patient_id", "seizure_id", "label", "onset_s", "offset_s")
NURSE_CHANCE = 0.25
#: the hard setting's distractor: a nurse at the bedside in half the videos (either class)
NURSE_CHANCE_HARD = 0.5
MAX_PATIENTS, MAX_SEIZURES = 500, 50


def class_counts(patients: int) -> tuple[int, int]:
    """(FLE, TLE) patients: half each; an odd count gives FLE the extra patient."""
    return math.ceil(patients / 2), patients // 2


def _check(folder: Path, patients: int, seizures: int, max_seconds: float | None) -> None:
    if not 1 <= patients <= MAX_PATIENTS:
        raise SemioscopeError("--patients", f"give 1 to {MAX_PATIENTS} patients, not {patients}")
    if not 1 <= seizures <= MAX_SEIZURES:
        raise SemioscopeError("--seizures", f"give 1 to {MAX_SEIZURES} seizures per patient, "
                              f"not {seizures}")
    if max_seconds is not None and not (math.isfinite(max_seconds)
                                        and MIN_SECONDS <= max_seconds <= MAX_SECONDS):
        raise SemioscopeError("--max-seconds", f"{max_seconds:g} s is out of range; give "
                              f"{MIN_SECONDS:g} to {MAX_SECONDS:g} seconds")
    if folder.exists() and not folder.is_dir():
        raise SemioscopeError(folder, "exists and is not a folder")


def _length(rng: np.random.Generator, label: str, max_seconds: float | None) -> float:
    """Total length (lead-in + ictal) from the class's range, capped at ``max_seconds``."""
    seconds = round(float(rng.uniform(*LEAD_IN_RANGE_S) + rng.uniform(*ICTAL_RANGE_S[label])), 1)
    return seconds if max_seconds is None else min(seconds, float(max_seconds))


@dataclass(frozen=True)
class _Video:
    """One video of the dataset: everything its rendering depends on (so any process may)."""

    rel: Path
    pid: str
    seizure: int
    label: str
    seconds: float
    seed: int
    options: SceneOptions
    setting: str = "v2"


def _plan(patients: int, seizures: int, max_seconds: float | None, seed: int,
          fmt: str, setting: str = "v2") -> list[_Video]:
    videos = []
    nurse_chance = NURSE_CHANCE_HARD if setting == "hard" else NURSE_CHANCE
    for p in range(patients):
        label = "FLE" if p % 2 == 0 else "TLE"
        pid = f"P{p + 1:03d}"
        scene = SceneOptions.random(np.random.default_rng([seed, p, 0]))
        for s in range(seizures):
            rng = np.random.default_rng([seed, p, s + 1])
            seconds = _length(rng, label, max_seconds)
            options = replace(scene, nurse=bool(rng.random() < nurse_chance))
            video_seed = int(np.random.SeedSequence([seed, p, s + 1]).generate_state(1)[0])
            rel = Path(pid) / f"{pid}_s{s + 1:02d}.{'mkv' if fmt == 'mkv' else 'png'}"
            if fmt == "png":
                rel = rel.with_suffix("")
            videos.append(_Video(rel, pid, s + 1, label, seconds, video_seed, options, setting))
    return videos


def _render(folder: Path, video: _Video, fmt: str,
            cancel: CancelToken | None = None) -> GroundTruth:
    """Write one video and its truth file (in whichever process runs it)."""
    return render_seizure(folder / video.rel, video.label, seconds=video.seconds,
                          seed=video.seed, fmt=fmt, options=video.options, cancel=cancel,
                          setting=video.setting)


def _ignore_interrupts() -> None:
    """In a worker: Ctrl-C is the parent's to handle (it stops handing out videos)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def default_jobs() -> int:
    """Worker processes for a dataset: one per core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:   # macOS and Windows have no affinity call
        return max(1, os.cpu_count() or 1)


def _rendered(folder: Path, videos: list[_Video], fmt: str, jobs: int,
              cancel: CancelToken | None) -> Iterator[tuple[int, GroundTruth]]:
    """``(index, truth)`` of each video as it is finished, on ``jobs`` processes.

    Each video depends only on its own seeds, so the files are the same byte for byte whatever
    ``jobs`` is (FFV1 is written bit-exact). Encoding holds the GIL, hence processes.
    """
    if jobs <= 1 or len(videos) <= 1:
        for i, video in enumerate(videos):
            yield i, _render(folder, video, fmt, cancel)
        return
    pool = ProcessPoolExecutor(max_workers=min(jobs, len(videos)), mp_context=get_context("spawn"),
                               initializer=_ignore_interrupts)
    try:
        pending: dict[Future[GroundTruth], int] = {
            pool.submit(_render, folder, video, fmt): i for i, video in enumerate(videos)}
        while pending:
            done, _ = wait(pending, timeout=0.25, return_when=FIRST_COMPLETED)
            if cancel is not None:
                cancel.raise_if_cancelled()
            for future in done:
                yield pending.pop(future), future.result()
    finally:   # a cancel, Ctrl-C or error: no new video starts; those being written finish
        pool.shutdown(wait=True, cancel_futures=True)


def make_dataset(folder: str | Path, patients: int, seizures: int, *,
                 max_seconds: float | None = None, seed: int = 0, fmt: str = "mkv",
                 progress: Callable[[str], None] | None = None,
                 cancel: CancelToken | None = None, jobs: int | None = None,
                 force: bool = False, setting: str = "v2") -> Path:
    """Write ``patients`` x ``seizures`` videos with truth files and ``manifest.csv``; returns it.

    Patients ``P001``.. alternate FLE, TLE (odd counts: one more FLE). Videos go to
    ``<folder>/<patient>/<patient>_s<k>.mkv``. ``jobs``: processes rendering at once (default
    :func:`default_jobs`); the dataset is the same for any number. A non-empty ``folder``
    needs ``force``, and no file synth did not write is replaced (core/synth/stamp.py).
    ``setting``: the data setting (core/synth/motion.py ``SETTINGS``); "hard" also puts a nurse
    at the bedside in about half the videos.
    """
    try:
        check_setting(setting)
    except ValueError as exc:
        raise SemioscopeError("--setting", str(exc)) from None
    folder = Path(folder)
    _check(folder, patients, seizures, max_seconds)
    n_fle, n_tle = class_counts(patients)
    say = progress or (lambda _msg: None)
    say(f"{patients} patients: {n_fle} FLE and {n_tle} TLE"
        + (" (odd count: FLE gets the extra patient)" if patients % 2 else "")
        + f", {seizures} seizures each" + ("" if setting == "v2" else f", setting {setting}"))
    videos = _plan(patients, seizures, max_seconds, seed, fmt, setting)
    files = {v.rel: (v.rel.as_posix(), truth_path(v.rel).as_posix()) for v in videos}
    stamp.check_folder(folder, [*(f for pair in files.values() for f in pair), "manifest.csv"],
                       force=force)
    folder.mkdir(parents=True, exist_ok=True)
    rows: list[dict[str, str] | None] = [None] * len(videos)
    for finished, (i, truth) in enumerate(
            _rendered(folder, videos, fmt, default_jobs() if jobs is None else jobs, cancel), 1):
        video = videos[i]
        stamp.record(folder, files[video.rel])
        rows[i] = {"video": video.rel.as_posix(), "patient_id": video.pid,
                   "seizure_id": f"{video.pid}-S{video.seizure:02d}", "label": video.label,
                   "onset_s": f"{truth.onset_s:.3f}", "offset_s": f"{truth.offset_s:.3f}"}
        say(f"[{finished}/{len(videos)}] {video.pid} seizure {video.seizure} ({video.label}, "
            f"{truth.seconds:.1f} s) -> {folder / video.rel}")
    manifest = folder / "manifest.csv"
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=MANIFEST_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(row for row in rows if row is not None)
    atomic.write_text(manifest, buf.getvalue())
    stamp.record(folder, ["manifest.csv"])
    say(f"manifest: {manifest}")
    return manifest
