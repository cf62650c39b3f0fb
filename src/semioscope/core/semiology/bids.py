"""Write semiology events as a BIDS dataset: one ``beh`` events file per seizure.

    sub-<patient>/beh/sub-<patient>_task-seizure_run-<n>_events.tsv   onset, duration, ..., HED
    sub-<patient>/beh/sub-<patient>_task-seizure_run-<n>_events.json  columns, TaskName
    sub-<patient>/beh/sub-<patient>_task-seizure_run-<n>_video.json   BEP047 video fields
    dataset_description.json (HEDVersion with the score library), participants.tsv, README

Runs are numbered per patient in seizure-id order. Nothing identifying is written: participants
are the manifest's patient ids and nothing else, no video paths. The ``_video.json`` sidecars
follow the BIDS video proposal (BEP047), which the released validator does not know yet, so
``.bidsignore`` lists them; they carry ``SeizureID`` so an import finds its seizure again.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from semioscope import __version__
from semioscope.core.atomic import write_json, write_text
from semioscope.core.semiology.events import SemiologyEvent
from semioscope.core.semiology.tsv import describe_columns, events_tsv
from semioscope.core.semiology.vocabulary import Vocabulary
from semioscope.errors import SemioscopeError

BIDS_VERSION = "1.10.0"
TASK = "seizure"
GENERATOR = "semioscope"


@dataclass(frozen=True)
class SeizureEvents:
    """One seizure's events and what BEP047's sidecar says about its video."""

    patient_id: str
    seizure_id: str
    events: tuple[SemiologyEvent, ...]
    video: dict[str, Any] = field(default_factory=dict)   # Width, Height, FrameRate, ...


def subject_label(patient_id: str) -> str:
    """A BIDS label is letters and digits only."""
    label = re.sub(r"[^A-Za-z0-9]", "", patient_id)
    if not label:
        raise SemioscopeError(None, f"patient id {patient_id!r} has no letters or digits for a "
                              "BIDS subject label")
    return label


def _check_target(out: Path) -> None:
    """An empty or new folder, or one of our own earlier exports (written over)."""
    if not out.exists():
        return
    if not out.is_dir():
        raise SemioscopeError(out, "is not a folder")
    if not any(out.iterdir()):
        return
    desc = out / "dataset_description.json"
    try:
        made_by = [g.get("Name") for g in json.loads(desc.read_text()).get("GeneratedBy", [])]
    except (OSError, ValueError, AttributeError):
        made_by = []
    if GENERATOR not in made_by:
        raise SemioscopeError(out, "is not empty and not a semioscope BIDS export: give a new "
                              "folder")


def export_bids(out: Path, seizures: list[SeizureEvents], vocabulary: Vocabulary) -> list[Path]:
    """Write the dataset; returns the events files written (one per seizure)."""
    _check_target(out)
    labels: dict[str, str] = {}
    for s in seizures:
        label = subject_label(s.patient_id)
        if labels.setdefault(label, s.patient_id) != s.patient_id:
            raise SemioscopeError(None, f"patients {labels[label]!r} and {s.patient_id!r} give "
                                  f"the same BIDS label sub-{label}")
    written: list[Path] = []
    runs: dict[str, int] = {}
    for s in sorted(seizures, key=lambda s: (subject_label(s.patient_id), s.seizure_id)):
        sub = subject_label(s.patient_id)
        runs[sub] = runs.get(sub, 0) + 1
        stem = out / f"sub-{sub}" / "beh" / f"sub-{sub}_task-{TASK}_run-{runs[sub]}"
        tsv = stem.with_name(stem.name + "_events.tsv")
        stem.parent.mkdir(parents=True, exist_ok=True)
        write_text(tsv, events_tsv(s.events, vocabulary))
        sidecar = {"TaskName": TASK,
                   "TaskDescription": "Video-EEG monitoring of a seizure; the signs a reviewer "
                                      "saw on the video, in HED-SCORE terms.",
                   **describe_columns(vocabulary, {e.term for e in s.events})}
        write_json(stem.with_name(stem.name + "_events.json"), sidecar)
        write_json(stem.with_name(stem.name + "_video.json"), {**s.video,
                                                               "SeizureID": s.seizure_id})
        written.append(tsv)
    write_json(out / "dataset_description.json", {
        "Name": "Seizure semiology events", "BIDSVersion": BIDS_VERSION, "DatasetType": "raw",
        "HEDVersion": vocabulary.schema.hed_version,
        "GeneratedBy": [{"Name": GENERATOR, "Version": __version__}]})
    ids = sorted(labels)
    write_text(out / "participants.tsv", "participant_id\n" + "".join(f"sub-{i}\n" for i in ids))
    write_json(out / "participants.json", {"participant_id": {
        "Description": "The patient id of the dataset's manifest, letters and digits only."}})
    write_text(out / ".bidsignore", "*_video.json\n")
    write_text(out / "README", "Seizure semiology events exported by semioscope "
               f"{__version__}: one events file per seizure, terms from the HED-SCORE library "
               f"schema {vocabulary.schema.version} (CC BY 4.0). The *_video.json sidecars follow "
               "the BIDS video proposal BEP047.\n")
    return written


def seizure_id_of(events_tsv_path: Path) -> str | None:
    """The seizure id an exported events file belongs to (its ``_video.json``), if known."""
    name = events_tsv_path.name
    if not name.endswith("_events.tsv"):
        return None
    video = events_tsv_path.with_name(name.removesuffix("_events.tsv") + "_video.json")
    try:
        value = json.loads(video.read_text(encoding="utf-8")).get("SeizureID")
    except (OSError, ValueError, AttributeError):
        return None
    return str(value) if value else None


def bep047_video_fields(width: int | None, height: int | None, fps: float | None,
                        codec: str = "", duration_s: float | None = None) -> dict[str, Any]:
    """The BEP047 ``_video.json`` fields known for a video (unknown ones left out)."""
    fields: dict[str, Any] = {"Width": width, "Height": height, "FrameRate": fps,
                              "VideoCodec": codec or None, "RecordingDuration": duration_s}
    return {k: v for k, v in fields.items() if v is not None}
