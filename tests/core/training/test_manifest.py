"""Manifest validation: every problem names the row."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from semioscope.core.geometry import Box
from semioscope.core.training.manifest import load_manifest
from semioscope.errors import SemioscopeError

HEADER = "video,patient_id,seizure_id,label,onset_s,offset_s,crop,crop_file\n"


def _write(tmp_path: Path, rows: list[str], header: str = HEADER) -> Path:
    (tmp_path / "videos").mkdir(exist_ok=True)
    for name in ("a.mkv", "b.mkv"):
        (tmp_path / "videos" / name).write_bytes(b"x")
    path = tmp_path / "manifest.csv"
    path.write_text(header + "".join(r + "\n" for r in rows), encoding="utf-8")
    return path


def test_valid_manifest_resolves_relative_paths_and_crops(tmp_path: Path) -> None:
    crop = tmp_path / "crop.json"
    crop.write_text(json.dumps({"box": {"x": 1, "y": 2, "w": 30, "h": 40}}))
    path = _write(tmp_path, ["videos/a.mkv,P1,S1,fle,1.5,9,\"0,0,10,12\",",
                             "videos/b.mkv,P2,S2,TLE,,,,crop.json"])
    manifest = load_manifest(path)
    a, b = manifest.rows
    assert a.video == tmp_path / "videos" / "a.mkv" and a.label == "FLE" and a.y == 0
    assert (a.onset_s, a.offset_s, a.crop) == (1.5, 9.0, Box(0, 0, 10, 12))
    assert b.y == 1 and b.onset_s is None and b.crop == Box(1, 2, 30, 40)
    assert manifest.summary() == {"FLE": {"patients": 1, "seizures": 1},
                                  "TLE": {"patients": 1, "seizures": 1}}
    assert manifest.warnings == ()


@pytest.mark.parametrize(("rows", "fragment"), [
    (["videos/a.mkv,P1,S1,FLE", "videos/nope.mkv,P2,S2,TLE"], "line 3: video videos/nope.mkv"),
    (["videos/a.mkv,P1,S1,FLE", "videos/b.mkv,P2,S2,MTLE"], "line 3: unknown label 'MTLE'"),
    (["videos/a.mkv,P1,S1,FLE", "videos/b.mkv,P2,S1,TLE"], "line 3: seizure_id 'S1' repeats line 2"),
    (["videos/a.mkv,P1,S1,FLE", "videos/b.mkv,P2,S2,FLE"], "no seizures of class TLE"),
    (["videos/a.mkv,P1,S1,FLE,5,2", "videos/b.mkv,P2,S2,TLE"], "line 2: onset_s 5 is not before"),
    (["videos/a.mkv,P1,S1,FLE,x", "videos/b.mkv,P2,S2,TLE"], "line 2: onset_s 'x'"),
    (["videos/a.mkv,P1,S1,FLE,,,\"1,2\"", "videos/b.mkv,P2,S2,TLE"], "line 2: crop '1,2'"),
    (["videos/a.mkv,P1,S1,FLE,,,,missing.json", "videos/b.mkv,P2,S2,TLE"],
     "line 2: crop_file missing.json does not exist"),
    (["videos/a.mkv,,S1,FLE", "videos/b.mkv,P2,S2,TLE"], "line 2: patient_id is empty"),
])
def test_bad_rows_are_named(tmp_path: Path, rows: list[str], fragment: str) -> None:
    with pytest.raises(SemioscopeError) as info:
        load_manifest(_write(tmp_path, rows))
    assert fragment in str(info.value)
    assert str(tmp_path / "manifest.csv") in str(info.value)


def test_missing_column_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(SemioscopeError, match="missing column.*label"):
        load_manifest(_write(tmp_path, ["videos/a.mkv,P1,S1"], "video,patient_id,seizure_id\n"))
    with pytest.raises(SemioscopeError, match="no such manifest"):
        load_manifest(tmp_path / "absent.csv")


def test_patient_with_both_labels_is_a_warning(tmp_path: Path) -> None:
    manifest = load_manifest(_write(tmp_path, ["videos/a.mkv,P1,S1,FLE", "videos/b.mkv,P1,S2,TLE"]))
    assert manifest.warnings == ("patient P1 has both FLE and TLE seizures",)
