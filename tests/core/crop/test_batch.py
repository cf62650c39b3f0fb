"""Manifest reading and the resumable dataset crop, in-process."""

from __future__ import annotations

from pathlib import Path

import pytest

from semioscope.core.crop import TruthDetector, batch_crop
from semioscope.core.manifest import read_manifest as manifest_rows
from semioscope.errors import SemioscopeError
from tests.core.crop.scenes import write_scene


def read_manifest(path):
    """The crop batch reads a manifest this way: a missing video is listed by the batch."""
    return manifest_rows(path, videos_must_exist=False)


@pytest.mark.parametrize(("text", "message"), [
    ("seizure_id,label\ns1,FLE\n", "missing column.s. video"),
    ("video,seizure_id\nv.mkv,a/b\n", "cannot name a file"),
    ("video,seizure_id\nv.mkv,s1\nw.mkv,s1\n", "line 3: seizure_id 's1' repeats line 2"),
    ("video,seizure_id\n,s1\n", "line 2: video is empty"),
    ("video,seizure_id\n", "no videos"),
])
def test_bad_manifests(tmp_path: Path, text: str, message: str):
    path = tmp_path / "m.csv"
    path.write_text(text)
    with pytest.raises(SemioscopeError, match=message):
        read_manifest(path)


def test_batch_skips_current_records_redoes_stale_ones_and_lists_failures(tmp_path: Path):
    write_scene(tmp_path / "a.mkv", n=12)
    (tmp_path / "m.csv").write_text("video,patient_id,seizure_id,label\n"
                                    "a.mkv,p1,s1,FLE\nmissing.mkv,p1,s2,TLE\n")
    rows = read_manifest(tmp_path / "m.csv")
    assert rows[0].video == tmp_path / "a.mkv" and rows[0].patient_id == "p1"
    out = tmp_path / "crops"
    first = batch_crop(rows, out, TruthDetector(), frames=2)
    assert (first.made, first.ok, len(first.failed)) == (1, 1, 1)
    assert first.failed[0][0] == "s2" and "no such video" in first.failed[0][1]
    again = batch_crop(rows, out, TruthDetector(), frames=2)
    assert (again.made, again.skipped, again.ok) == (0, 1, 1)

    class OtherWeights(TruthDetector):
        weights_sha256 = "f" * 64

    redone = batch_crop(rows, out, OtherWeights(), frames=2)
    assert redone.made == 1 and redone.skipped == 0
    assert "1 ok" in redone.lines()[0] and "1 failed" in redone.lines()[0]
