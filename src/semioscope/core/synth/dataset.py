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
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import numpy as np

from semioscope.core import atomic
from semioscope.core.cancel import CancelToken
from semioscope.core.synth.motion import ICTAL_RANGE_S, LEAD_IN_RANGE_S
from semioscope.core.synth.render import MAX_SECONDS, MIN_SECONDS, render_seizure
from semioscope.core.synth.scene import SceneOptions
from semioscope.errors import SemioscopeError

MANIFEST_COLUMNS = ("video", "patient_id", "seizure_id", "label", "onset_s", "offset_s")
NURSE_CHANCE = 0.25
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


def make_dataset(folder: str | Path, patients: int, seizures: int, *,
                 max_seconds: float | None = None, seed: int = 0, fmt: str = "mkv",
                 progress: Callable[[str], None] | None = None,
                 cancel: CancelToken | None = None) -> Path:
    """Write ``patients`` x ``seizures`` videos with truth files and ``manifest.csv``; returns it.

    Patients ``P001``.. alternate FLE, TLE (odd counts: one more FLE). Videos go to
    ``<folder>/<patient>/<patient>_s<k>.mkv``.
    """
    folder = Path(folder)
    _check(folder, patients, seizures, max_seconds)
    n_fle, n_tle = class_counts(patients)
    labels = ["FLE" if i % 2 == 0 else "TLE" for i in range(patients)]
    say = progress or (lambda _msg: None)
    say(f"{patients} patients: {n_fle} FLE and {n_tle} TLE"
        + (" (odd count: FLE gets the extra patient)" if patients % 2 else "")
        + f", {seizures} seizures each")
    rows: list[dict[str, str]] = []
    total = patients * seizures
    for p, label in enumerate(labels):
        pid = f"P{p + 1:03d}"
        scene = SceneOptions.random(np.random.default_rng([seed, p, 0]))
        for s in range(seizures):
            rng = np.random.default_rng([seed, p, s + 1])
            seconds = _length(rng, label, max_seconds)
            options = replace(scene, nurse=bool(rng.random() < NURSE_CHANCE))
            video_seed = int(np.random.SeedSequence([seed, p, s + 1]).generate_state(1)[0])
            rel = Path(pid) / f"{pid}_s{s + 1:02d}.{'mkv' if fmt == 'mkv' else 'png'}"
            if fmt == "png":
                rel = rel.with_suffix("")
            truth = render_seizure(folder / rel, label, seconds=seconds, seed=video_seed,
                                   fmt=fmt, options=options, cancel=cancel)
            rows.append({"video": rel.as_posix(), "patient_id": pid,
                         "seizure_id": f"{pid}-S{s + 1:02d}", "label": label,
                         "onset_s": f"{truth.onset_s:.3f}", "offset_s": f"{truth.offset_s:.3f}"})
            say(f"[{len(rows)}/{total}] {pid} seizure {s + 1} ({label}, {truth.seconds:.1f} s)"
                f" -> {folder / rel}")
    manifest = folder / "manifest.csv"
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=MANIFEST_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    atomic.write_text(manifest, buf.getvalue())
    say(f"manifest: {manifest}")
    return manifest
