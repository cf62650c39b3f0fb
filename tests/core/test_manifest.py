"""The one manifest module: its rules, and crop batch, project and training reading them alike."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from semioscope.core.crop.record import read_crop_file
from semioscope.core.geometry import Box
from semioscope.core.manifest import read_manifest
from semioscope.core.project.create import read_manifest_rows as project_manifest
from semioscope.core.training.manifest import load_manifest as training_manifest
from semioscope.errors import SemioscopeError


def crop_manifest(path):
    """How `semioscope crop --manifest` reads (a missing video is listed by the batch)."""
    return read_manifest(path, videos_must_exist=False)


READERS = {"crop": crop_manifest, "project": project_manifest, "training": training_manifest}


def _write(tmp_path: Path, text: str) -> Path:
    for name in ("a.mkv", "b.mkv", "c d.mkv"):
        (tmp_path / name).write_bytes(b"x")
    path = tmp_path / "m.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_seizure_id_defaults_to_the_video_name_and_labels_fold_case(tmp_path: Path):
    crop = tmp_path / "c.json"
    crop.write_text(json.dumps({"box": {"x": 1, "y": 2, "w": 30, "h": 40}}))
    rows = read_manifest(_write(tmp_path, "\ufeffvideo , seizure_id,label,crop_file\n"
                                          "a.mkv,,tle,c.json\n\n b.mkv ,S2,,\n"))
    assert [(r.seizure_id, r.label, r.line) for r in rows] == [("a", "TLE", 2), ("S2", "", 4)]
    assert rows[0].video == tmp_path / "a.mkv" and rows[0].crop == Box(1, 2, 30, 40)


@pytest.mark.parametrize(("text", "message"), [
    ("video,seizure_id,patient_id,label\na.mkv,s1,p,FLE\nb.mkv,s1,p,TLE\n",
     "m.csv line 3: seizure_id 's1' repeats line 2"),
    ("video,patient_id,label\na.mkv,p,FLE\nc d.mkv,p,TLE\n",
     "m.csv line 3: seizure_id 'c d' cannot name a file"),
    ("video,seizure_id,patient_id,label\na.mkv,s1,p,FLE\nb.mkv,s2,p,MTLE\n",
     "m.csv line 3: unknown label 'MTLE'"),
    ("video,seizure_id,patient_id,label,onset_s,offset_s\na.mkv,s1,p,FLE,5,2\nb.mkv,s2,p,TLE,,\n",
     "m.csv line 2: onset_s 5 is not before offset_s 2"),
    ("video,seizure_id,patient_id,label,crop\na.mkv,s1,p,FLE,\"1,2\"\nb.mkv,s2,p,TLE,\n",
     "m.csv line 2: crop '1,2' is not X,Y,W,H"),
])
def test_every_reader_gives_the_same_message(tmp_path: Path, text: str, message: str):
    path = _write(tmp_path, text)
    for name, reader in READERS.items():
        with pytest.raises(SemioscopeError) as info:
            reader(path)
        assert message in str(info.value), name


def test_a_missing_video_is_an_error_except_for_the_crop_batch(tmp_path: Path):
    path = _write(tmp_path, "video,patient_id,label\na.mkv,p,FLE\nnope.mkv,p,TLE\n")
    assert [r.seizure_id for r in crop_manifest(path)] == ["a", "nope"]   # listed as failed
    for reader in (project_manifest, training_manifest):
        with pytest.raises(SemioscopeError, match="line 3: video nope.mkv does not exist"):
            reader(path)


def test_one_crop_file_reader_for_records_and_hand_written_boxes(tmp_path: Path):
    hand = tmp_path / "hand.json"
    hand.write_text(json.dumps({"box": {"x": 1, "y": 2, "w": 30, "h": 40}}))
    crop = read_crop_file(hand)
    assert (crop.box, crop.source, crop.record_status) == (Box(1, 2, 30, 40), "manual", "ok")
    auto = tmp_path / "auto.json"
    auto.write_text(json.dumps({"box": {"x": 1, "y": 2, "w": 30, "h": 40}, "source": "auto",
                                "status": "needs_review", "reasons": ["unstable"]}))
    crop = read_crop_file(auto)
    assert (crop.source, crop.record_status, crop.reasons) == ("auto", "needs_review",
                                                               ("unstable",))
    for bad, message in (({"box": [1, 2]}, "needs box"), ({"box": crop.box.to_dict(),
                                                          "source": "guess"}, "unknown crop source")):
        hand.write_text(json.dumps(bad))
        with pytest.raises(SemioscopeError, match=message):
            read_crop_file(hand)
