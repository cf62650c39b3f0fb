"""Creating, batch-cropping, relinking, exporting and importing real (tiny) projects."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from semioscope.core.crop import TruthDetector
from semioscope.core.crop.editing import accepted, unusable, with_box
from semioscope.core.geometry import Box
from semioscope.core.project import ProjectStore, create_project
from semioscope.core.project.batch import crop_project
from semioscope.core.project.export import export_manifest, import_edits
from semioscope.core.project.relink import relink
from semioscope.core.training.manifest import load_manifest
from semioscope.errors import SemioscopeError
from tests.core.project.helpers import auto_record, scene_dataset


@pytest.fixture
def dataset(tmp_path: Path) -> Path:
    return scene_dataset(tmp_path / "data", 3)


def test_create_from_manifest_hashes_and_measures(tmp_path: Path, dataset: Path):
    with create_project(tmp_path / "proj", manifest=dataset) as store:
        rows = store.rows()
        assert [r.seizure_id for r in rows] == ["sz0", "sz1", "sz2"]
        assert rows[1].patient_id == "p1" and rows[1].label == "FLE"
        assert (rows[0].frames, rows[0].width, rows[0].height) == (12, 128, 96)
        assert len(rows[0].sha256) == 64 and rows[0].sha256 != rows[1].sha256
        assert (rows[0].onset_s, rows[0].offset_s) == (0.2, 1.0)
    assert not list((tmp_path / "proj").glob(".project.sqlite.creating*"))


def test_create_by_scanning_a_folder(tmp_path: Path, dataset: Path):
    (dataset.parent / "p9").mkdir()
    shutil.copy(dataset.parent / "sz0.mkv", dataset.parent / "p9" / "late.mkv")
    with create_project(tmp_path / "proj", scan=dataset.parent) as store:
        rows = {r.seizure_id: r for r in store.rows()}
        assert set(rows) == {"sz0", "sz1", "sz2", "p9_late"}
        assert rows["p9_late"].patient_id == "p9" and rows["sz0"].patient_id == ""


@pytest.mark.parametrize(("text", "message"), [
    ("video,label\nmissing.mkv,FLE\n", "line 2: video missing.mkv does not exist"),
    ("vid\nx\n", "missing column.s. video"),
    ("video,seizure_id\nsz0.mkv,a\nsz1.mkv,a\n", "line 3: seizure_id 'a' repeats line 2"),
    ("video,onset_s,offset_s\nsz0.mkv,5,2\n", "onset_s 5 is not before offset_s 2"),
])
def test_bad_manifests_name_the_line(tmp_path: Path, dataset: Path, text: str, message: str):
    bad = dataset.parent / "bad.csv"
    bad.write_text(text)
    with pytest.raises(SemioscopeError, match=message):
        create_project(tmp_path / "proj", manifest=bad)
    assert not (tmp_path / "proj" / "project.sqlite").exists()


def test_batch_crop_resumes_and_keeps_manual_edits(tmp_path: Path, dataset: Path):
    with create_project(tmp_path / "proj", manifest=dataset) as store:
        first = crop_project(store, TruthDetector(), frames=2)
        assert (first.made, first.up_to_date, first.failed) == (3, 0, [])
        assert store.counts()["ok"] == 3
        row = store.row(2)
        store.write_crop(2, with_box(row.crop, Box(1, 1, 20, 20)))

        class NewWeights(TruthDetector):
            weights_sha256 = "e" * 64

        again = crop_project(store, TruthDetector(), frames=2)
        assert (again.made, again.up_to_date, again.kept_manual) == (0, 2, 1)
        redo = crop_project(store, NewWeights(), frames=2)
        assert (redo.made, redo.kept_manual) == (2, 1)
        assert store.row(2).box == Box(1, 1, 20, 20) and store.row(2).status == "corrected"
        assert store.row(1).weights_sha256 == "e" * 64


def test_relink_finds_moved_videos_by_size_then_hash(tmp_path: Path, dataset: Path):
    with create_project(tmp_path / "proj", manifest=dataset) as store:
        moved = tmp_path / "archive" / "deep"
        moved.mkdir(parents=True)
        shutil.move(dataset.parent / "sz1.mkv", moved / "renamed.mkv")
        (dataset.parent / "sz2.mkv").unlink()
        (moved / "decoy.mkv").write_bytes(b"x" * store.row(3).size)   # same size, other bytes
        summary = relink(store, tmp_path / "archive")
        assert summary.missing == 2 and summary.still_missing == ["sz2"]
        assert store.row(2).path == str((moved / "renamed.mkv").resolve())
        assert any(a.field == "path" and a.new == store.row(2).path for a in store.audit())
    with pytest.raises(SemioscopeError, match="no such folder"):
        relink(ProjectStore.open(tmp_path / "proj"), tmp_path / "nope")


def test_export_only_confirmed_crops_readable_by_training(tmp_path: Path):
    dataset = scene_dataset(tmp_path / "data", 4)
    with create_project(tmp_path / "proj", manifest=dataset) as store:
        crop_project(store, TruthDetector(), frames=2)
        rec = auto_record(store, 1)
        assert rec is not None
        store.set_auto_record(1, {**rec, "status": "needs_review", "reasons": ["unstable"]})
        store.write_crop(2, unusable(store.row(2).crop, "blanket over patient"))
        store.write_crop(3, accepted(store.row(3).crop))
        out = tmp_path / "out" / "confirmed.csv"
        summary = export_manifest(store, out)
    assert summary.written == 2 and summary.excluded == {"needs_review": 1, "unusable": 1}
    assert "left out: 1 needs_review, 1 unusable" in summary.lines()[0]
    lines = out.read_text().splitlines()
    assert lines[0] == "video,patient_id,seizure_id,label,onset_s,offset_s,crop"
    manifest = load_manifest(out)                      # what extract/cv/train read
    assert [r.seizure_id for r in manifest.rows] == ["sz2", "sz3"]   # corrected, ok
    assert manifest.rows[0].crop is not None and manifest.rows[0].onset_s == 0.2
    assert manifest.rows[0].video.resolve() == (dataset.parent / "sz2.mkv").resolve()


def test_import_takes_the_other_projects_edits_by_hash(tmp_path: Path, dataset: Path):
    mine = create_project(tmp_path / "mine", manifest=dataset)
    other_data = tmp_path / "elsewhere"
    shutil.copytree(dataset.parent, other_data)
    with create_project(tmp_path / "theirs", scan=other_data) as theirs:
        by_sid = {r.seizure_id: r for r in theirs.rows()}
        theirs.write_crop(by_sid["sz0"].id, unusable(by_sid["sz0"].crop, "dark"))
        theirs.write_crop(by_sid["sz1"].id, unusable(by_sid["sz1"].crop, "occluded"))
    with mine:
        mine.write_crop(2, unusable(mine.row(2).crop, "my own reason"))
        summary = import_edits(mine, tmp_path / "theirs")
        assert (summary.imported, summary.conflicts) == (1, ["sz1"])
        assert mine.row(1).unusable_reason == "dark"
        assert mine.row(2).unusable_reason == "my own reason"
