"""Crop records: the documented JSON shape, and clear errors for a bad file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from semioscope.core.crop import CropRecord, CropVideo, Detection, DetectorInfo, FrameResult
from semioscope.core.geometry import Box
from semioscope.errors import SemioscopeError


def make_record() -> CropRecord:
    frame = FrameResult(0, 0.0, (Detection("person", 0.9, Box(1, 2, 3, 4)),), Box(0, 0, 8, 8), 0)
    return CropRecord(Box(0, 0, 8, 8), "auto", "needs_review", ("no_bed",),
                      DetectorInfo("maskrcnn", "ab" * 32, True), (frame,),
                      CropVideo("/v.mkv", "cd" * 32, 16, 12))


def test_to_dict_has_the_contract_keys():
    data = make_record().to_dict()
    assert {"box", "source", "status", "reasons", "detector", "frames", "video",
            "created"} <= set(data)
    assert data["box"] == {"x": 0, "y": 0, "w": 8, "h": 8}
    assert data["detector"] == {"name": "maskrcnn", "weights_sha256": "ab" * 32, "pretrained": True}
    assert data["frames"][0]["detections"][0] == {"label": "person", "score": 0.9,
                                                   "box": {"x": 1, "y": 2, "w": 3, "h": 4}}
    assert data["created"].endswith("Z")
    assert CropRecord.from_dict(json.loads(json.dumps(data))).to_dict() == data


@pytest.mark.parametrize(("mutate", "message"), [
    (lambda d: d.pop("box"), "missing 'box'"),
    (lambda d: d.update(status="maybe"), "unknown crop status"),
    (lambda d: d.update(source="robot"), "unknown crop source"),
    (lambda d: d.update(box={"x": 10, "y": 0, "w": 8, "h": 8}), "outside"),
    (lambda d: d["video"].pop("sha256"), "missing 'sha256'"),
    (lambda d: d.update(box="0,0,8,8"), "not a crop record"),
])
def test_bad_records_are_refused_with_the_file_named(tmp_path: Path, mutate, message):
    data = make_record().to_dict()
    mutate(data)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data))
    with pytest.raises(SemioscopeError, match=message) as info:
        CropRecord.load(path)
    assert info.value.subject == str(path)


def test_missing_and_invalid_json(tmp_path: Path):
    with pytest.raises(SemioscopeError, match="no such crop record"):
        CropRecord.load(tmp_path / "none.json")
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(SemioscopeError, match="not a crop record JSON file"):
        CropRecord.load(bad)
    bad.write_text("[1, 2]")
    with pytest.raises(SemioscopeError, match="expected a JSON object"):
        CropRecord.load(bad)


def test_save_is_atomic_and_leaves_no_temporary_files(tmp_path: Path):
    record = make_record()
    record.save(tmp_path / "crop.json")
    record.save(tmp_path / "crop.json")
    assert [p.name for p in tmp_path.iterdir()] == ["crop.json"]
