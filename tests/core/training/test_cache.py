"""Feature cache: keyed entries, skip on rerun, recompute only what changed, resume after a kill."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from semioscope.core.training.cache import FeatureCache, extract_features
from semioscope.core.training.dataset import load_dataset
from semioscope.core.training.manifest import load_manifest
from semioscope.core.video.writer import write_ffv1
from semioscope.errors import SemioscopeError
from tests.conftest import ramp_frames


class FakeBackbone:
    """Features from each clip's mean intensity; counts the windows it saw."""

    name = "i3d"
    pretrained = False
    weights_sha256: str | None = None

    def __init__(self, fail_after: int | None = None) -> None:
        self.calls = 0
        self.fail_after = fail_after

    def features(self, clips: torch.Tensor) -> torch.Tensor:
        self.calls += len(clips)
        if self.fail_after is not None and self.calls > self.fail_after:
            raise KeyboardInterrupt  # as if killed half-way
        steps = max(1, clips.shape[2] // 9)
        mean = clips.mean(dim=(1, 2, 3, 4))
        return mean[:, None, None].expand(len(clips), steps, 16).clone()


@pytest.fixture
def dataset(tmp_path: Path) -> Path:
    rows = []
    for i in range(4):
        write_ffv1(tmp_path / f"v{i}.mkv", ramp_frames(70 + i, 32, 40), fps=30)
        rows.append(f"v{i}.mkv,P{i},S{i},{'FLE' if i % 2 else 'TLE'},,,\"0,0,40,32\"")
    path = tmp_path / "manifest.csv"
    path.write_text("video,patient_id,seizure_id,label,onset_s,offset_s,crop\n"
                    + "\n".join(rows) + "\n")
    return path


def test_extract_caches_and_rerun_skips(dataset: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    backbone = FakeBackbone()
    seen: list[tuple[int, int]] = []
    summary = extract_features(load_manifest(dataset), cache, backbone=backbone,
                               progress=lambda d, n: seen.append((d, n)))
    assert (summary.computed, summary.skipped, summary.windows) == (4, 0, 8)
    assert seen[-1] == (8, 8)
    assert backbone.calls == 8
    again = FakeBackbone()
    summary = extract_features(load_manifest(dataset), cache, backbone=again)
    assert (summary.computed, summary.skipped, again.calls) == (0, 4, 0)
    data = load_dataset(load_manifest(dataset), cache)
    assert data.X.shape == (8, 7, 16)
    assert (data.X[1, :6] == -1).all() and (data.X[1, 6] != -1).all()  # 10..13-frame leftover
    assert list(data.y) == [1, 1, 0, 0, 1, 1, 0, 0]
    assert data.meta["backbone"] == "i3d" and data.meta["backbone_pretrained"] is False


def test_changed_crop_recomputes_only_that_video(dataset: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    extract_features(load_manifest(dataset), cache, backbone=FakeBackbone())
    text = dataset.read_text().replace('v2.mkv,P2,S2,TLE,,,"0,0,40,32"',
                                       'v2.mkv,P2,S2,TLE,,,"0,0,20,16"')
    dataset.write_text(text)
    backbone = FakeBackbone()
    summary = extract_features(load_manifest(dataset), cache, backbone=backbone)
    assert (summary.computed, summary.skipped, backbone.calls) == (1, 3, 2)
    assert len(FeatureCache(cache).index["entries"]) == 5


def test_killed_run_resumes(dataset: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    with pytest.raises(KeyboardInterrupt):
        extract_features(load_manifest(dataset), cache, backbone=FakeBackbone(fail_after=5))
    assert len(FeatureCache(cache).index["entries"]) == 2  # the two finished videos
    assert not list((cache / "features").glob(".*"))       # no temporary leftovers
    backbone = FakeBackbone()
    summary = extract_features(load_manifest(dataset), cache, backbone=backbone)
    assert (summary.computed, summary.skipped, backbone.calls) == (2, 2, 4)


def test_missing_features_name_the_row(dataset: Path, tmp_path: Path) -> None:
    with pytest.raises(SemioscopeError, match=r"line 2: no cached features.*extract"):
        load_dataset(load_manifest(dataset), tmp_path / "empty")


def test_bad_crop_names_the_row(dataset: Path, tmp_path: Path) -> None:
    dataset.write_text(dataset.read_text().replace('"0,0,40,32"', '"0,0,400,32"', 1))
    with pytest.raises(SemioscopeError, match="line 2.*outside"):
        extract_features(load_manifest(dataset), tmp_path / "c", backbone=FakeBackbone())


@pytest.mark.parametrize("damage", ["truncated", "garbage", "pickled", "fifo"])
def test_a_damaged_entry_file_is_refused_naming_it(tmp_path: Path, damage: str) -> None:
    import os

    import numpy as np

    from semioscope.core.training.cache import write_arrays

    cache = FeatureCache(tmp_path / "cache")
    path = cache.entry_file("k")
    write_arrays(path, {"features": np.ones((4, 3), np.float32)})
    good = path.read_bytes()
    path.unlink()
    if damage == "truncated":
        path.write_bytes(good[: len(good) // 2])
    elif damage == "garbage":
        path.write_bytes(b"PK\x03\x04" + os.urandom(200))
    elif damage == "pickled":
        with open(path, "wb") as fh:
            np.savez(fh, features=np.array([{"a": 1}], dtype=object))
    else:
        os.mkfifo(path)
    with pytest.raises(SemioscopeError, match=r"k\.npz") as info:
        cache.get("k")
    assert "\n" not in str(info.value)
