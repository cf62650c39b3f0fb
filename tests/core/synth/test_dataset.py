"""Dataset mode: manifest, class balance, per-patient scenes, determinism."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest

from semioscope.core.synth import make_dataset
from semioscope.core.synth.dataset import MANIFEST_COLUMNS, class_counts
from semioscope.core.video import open_video
from semioscope.errors import SemioscopeError


def test_class_counts_round_odd_towards_fle():
    assert class_counts(4) == (2, 2)
    assert class_counts(5) == (3, 2)
    assert class_counts(1) == (1, 0)


def test_dataset_manifest_and_scenes(tmp_path: Path):
    messages: list[str] = []
    manifest = make_dataset(tmp_path / "d", 3, 2, max_seconds=1.0, seed=4,
                            progress=messages.append)
    assert manifest == tmp_path / "d" / "manifest.csv"
    with manifest.open(newline="") as fh:
        reader = csv.DictReader(fh)
        assert tuple(reader.fieldnames or ()) == MANIFEST_COLUMNS
        rows = list(reader)
    assert len(rows) == 6
    labels = {r["patient_id"]: r["label"] for r in rows}
    assert sorted(labels.values()) == ["FLE", "FLE", "TLE"]
    assert len({r["seizure_id"] for r in rows}) == 6
    for row in rows:
        video = manifest.parent / row["video"]
        assert not Path(row["video"]).is_absolute() and video.is_file()
        truth = json.loads(video.with_name(video.stem + ".truth.json").read_text())
        assert truth["label"] == row["label"] and truth["frames"] == 30
        assert float(row["offset_s"]) == pytest.approx(1.0)
        assert 0 < float(row["onset_s"]) < float(row["offset_s"])
    # each patient keeps one scene (camera, bed, body, side) across seizures
    for pid in labels:
        scenes = [json.loads((manifest.parent / r["video"]).with_name(
            Path(r["video"]).stem + ".truth.json").read_text())["options"]
            for r in rows if r["patient_id"] == pid]
        for s in scenes:
            s.pop("nurse")
        assert scenes[0] == scenes[1]
    assert any("odd" in m for m in messages) and "manifest" in messages[-1]
    # another patient, another room
    options = [json.loads(next((manifest.parent / p).glob("*.truth.json")).read_text())["options"]
               for p in labels]
    assert len({o["rotation_deg"] for o in options}) == 3


def test_dataset_is_deterministic_on_any_number_of_processes(tmp_path: Path):
    a = make_dataset(tmp_path / "a", 2, 1, max_seconds=1.0, seed=1, jobs=1)
    b = make_dataset(tmp_path / "b", 2, 1, max_seconds=1.0, seed=1, jobs=2)
    assert a.read_text() == b.read_text()
    for name in ("P001/P001_s01", "P002/P002_s01"):
        assert (a.parent / f"{name}.truth.json").read_text() == \
            (b.parent / f"{name}.truth.json").read_text()
        with open_video(a.parent / f"{name}.mkv") as va, \
                open_video(b.parent / f"{name}.mkv") as vb:
            assert va.properties.frames == vb.properties.frames == 30
            for i in (0, 29):
                assert np.array_equal(va.read(i), vb.read(i))
    other = make_dataset(tmp_path / "c", 2, 1, max_seconds=1.0, seed=2, jobs=2)
    with open_video(a.parent / "P001/P001_s01.mkv") as va, \
            open_video(other.parent / "P001/P001_s01.mkv") as vc:
        assert not np.array_equal(va.read(0), vc.read(0))   # the seed decides, not the process


def test_a_cancel_stops_handing_out_videos(tmp_path: Path):
    """Cancelled before any video is done: only those already handed to a worker are written
    (at most one each plus the one the pool queues ahead), whole; the rest never start."""
    from semioscope.core.cancel import CancelToken
    from semioscope.errors import CancelledError

    cancel = CancelToken()
    with pytest.raises(CancelledError):
        make_dataset(tmp_path / "d", 10, 1, max_seconds=1.0, seed=1, jobs=2, cancel=cancel,
                     progress=lambda message: cancel.cancel())   # the first line, before any
    written = sorted((tmp_path / "d").glob("*/*.mkv"))
    assert len(written) <= 3 and not (tmp_path / "d" / "manifest.csv").exists()
    assert not list((tmp_path / "d").glob("*/.*"))   # no temporary file: started means finished
    for video in written:
        assert video.with_name(video.stem + ".truth.json").is_file()
        with open_video(video) as reader:
            assert reader.properties.frames == 30


@pytest.mark.parametrize("args,subject", [
    ((0, 1, None), "--patients"),
    ((2, 0, None), "--seizures"),
    ((2, 1, 0.2), "--max-seconds"),
])
def test_bad_dataset_requests(tmp_path: Path, args, subject):
    patients, seizures, max_seconds = args
    with pytest.raises(SemioscopeError) as info:
        make_dataset(tmp_path / "d", patients, seizures, max_seconds=max_seconds)
    assert info.value.subject == subject
