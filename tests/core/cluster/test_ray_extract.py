"""`extract --engine ray` on a local Ray instance: the same cache entries as the local path,
a killed worker's video retried, a video that keeps failing named while the others complete,
the finished chunks of an unfinished video reused.

Three or four videos of 12-72 frames (1-2 windows each) with an untrained I3D at one thread per
task keep each test to seconds of backbone work.
"""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from semioscope.cli import main
from semioscope.core.cluster.extract import (
    TASK_NAME,
    BackboneSpec,
    chunks_of,
    extract_features_ray,
    run_chunk,
)
from semioscope.core.models.backbone import load_backbone
from semioscope.core.training.cache import FeatureCache, extract_features, plan_extraction
from semioscope.core.training.manifest import load_manifest
from tests.core.cluster.conftest import ray_task_pids, write_dataset


def _spec(backbone: Any) -> BackboneSpec:
    return BackboneSpec(name="i3d", weights=None, allow_untrained=True, seed=0, threads=1,
                        device="cpu", weights_sha256=backbone.weights_sha256)


def _entries(cache: Path) -> dict[str, dict[str, Any]]:
    index = json.loads((cache / "index.json").read_text())
    return {k: {f: v for f, v in e.items() if f != "created"} for k, e in index["entries"].items()}


def test_ray_entries_equal_the_local_ones(ray_local: Any, tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    manifest = write_dataset(tmp_path, [72, 12, 14])   # v0 has 2 windows: 2 chunks below
    backbone = load_backbone("i3d", allow_untrained=True, threads=1)
    extract_features(load_manifest(manifest), tmp_path / "local", backbone=backbone,
                     batch_size=1)
    assert main(["extract", str(manifest), "--cache", str(tmp_path / "ray"), "--allow-untrained",
                 "--threads", "1", "--batch-size", "1", "--engine", "ray", "--workers", "2",
                 "--chunk-windows", "1"]) == 0
    out = capsys.readouterr()
    assert "3 seizure(s) extracted (4 windows), 0 already cached" in out.out
    assert "engine ray (0 task(s) retried)" in out.out
    assert "2 worker(s) on cpu, 1 thread(s) each" in out.err
    local, ray = _entries(tmp_path / "local"), _entries(tmp_path / "ray")
    assert set(local) == set(ray) and len(ray) == 3
    assert local == ray     # spec, backbone, effective mapping, window count, file name
    for key in local:
        with np.load(tmp_path / "local" / local[key]["file"]) as a, \
                np.load(tmp_path / "ray" / ray[key]["file"]) as b:
            assert a.files == b.files
            for name in a.files:
                np.testing.assert_array_equal(a[name], b[name])
    assert not (tmp_path / "ray" / "parts").exists()   # v0's two parts merged and removed
    assert main(["extract", str(manifest), "--cache", str(tmp_path / "ray"), "--allow-untrained",
                 "--engine", "ray"]) == 0
    assert "0 seizure(s) extracted (0 windows), 3 already cached" in capsys.readouterr().out


def test_killed_worker_is_retried_and_every_video_cached(ray_local: Any, tmp_path: Path) -> None:
    manifest = write_dataset(tmp_path, [12, 13, 14, 15])
    backbone = load_backbone("i3d", allow_untrained=True, threads=1)
    retried: list[tuple[str, int, str]] = []
    outcome: dict[str, Any] = {}

    def drive() -> None:
        try:
            outcome["summary"] = extract_features_ray(
                load_manifest(manifest), tmp_path / "cache", backbone=backbone,
                spec=_spec(backbone), batch_size=1, workers=2, retries=2,
                on_retry=lambda *a: retried.append(a))
        except BaseException as exc:  # noqa: BLE001 - re-raised in the test thread
            outcome["error"] = exc

    driver = threading.Thread(target=drive)
    driver.start()
    deadline = time.monotonic() + 120
    victims: list[int] = []
    while not victims and driver.is_alive() and time.monotonic() < deadline:
        victims = ray_task_pids(TASK_NAME)
        time.sleep(0.02)   # polling a condition (a running task), with a deadline
    assert victims, "no worker was seen running an extraction task"
    os.kill(victims[0], signal.SIGKILL)
    driver.join(timeout=180)
    assert not driver.is_alive()
    assert "error" not in outcome, outcome.get("error")
    summary = outcome["summary"]
    assert summary.failed == [] and summary.retried >= 1 and summary.computed == 4
    assert retried and retried[0][1] == 1
    cache = FeatureCache(tmp_path / "cache")
    assert len(cache.index["entries"]) == 4
    assert all(cache.entry_file(k).exists() for k in cache.index["entries"])
    assert not list((tmp_path / "cache" / "features").glob(".*"))   # no temporary leftovers


def test_a_video_that_keeps_failing_is_named_and_the_others_complete(
        ray_local: Any, tmp_path: Path) -> None:
    manifest = write_dataset(tmp_path, [12, 13, 14])
    backbone = load_backbone("i3d", allow_untrained=True, threads=1)
    doomed = tmp_path / "v2.mkv"

    def progress(done: int, total: int) -> None:
        if done and doomed.exists():   # v2 checked, not yet sent: its storage "goes away"
            doomed.rename(tmp_path / "gone.mkv")

    summary = extract_features_ray(load_manifest(manifest), tmp_path / "cache",
                                   backbone=backbone, spec=_spec(backbone), batch_size=1,
                                   workers=1, retries=1, progress=progress)
    assert summary.computed == 2 and summary.retried == 1
    assert len(summary.failed) == 1
    video, reason = summary.failed[0]
    assert video == str(doomed)
    assert reason.startswith("failed (2 attempts), last: ") and "no such file" in reason
    assert len(FeatureCache(tmp_path / "cache").index["entries"]) == 2


def test_finished_chunks_of_an_unfinished_video_are_reused(ray_local: Any, tmp_path: Path) -> None:
    manifest = write_dataset(tmp_path, [72, 12])        # v0: windows of 60 and 12 frames
    backbone = load_backbone("i3d", allow_untrained=True, threads=1)
    spec = _spec(backbone)
    cache = FeatureCache(tmp_path / "cache")
    todo, _ = plan_extraction(load_manifest(manifest), cache, backbone="i3d",
                              weights_sha256=None, mapping="kinect")
    first = chunks_of(cache, todo[0], "kinect", batch_size=1, chunk_windows=1)[0]
    run_chunk(first, spec)                 # what a worker of an interrupted run left behind
    seen: list[tuple[int, int]] = []
    summary = extract_features_ray(load_manifest(manifest), tmp_path / "cache",
                                   backbone=backbone, spec=spec, batch_size=1, chunk_windows=1,
                                   workers=2, progress=lambda d, n: seen.append((d, n)))
    assert summary.computed == 2 and not summary.failed
    assert seen[0] == (1, 3)               # v0's first window counted as done before any task
    entries = FeatureCache(tmp_path / "cache").index["entries"]
    entry = FeatureCache(tmp_path / "cache").get(todo[0].key)
    assert entries[todo[0].key]["n_windows"] == 2 and list(entry["lengths"]) == [7, 1]
    assert not Path(first.target).exists()  # merged into the entry, then removed


def test_workers_with_other_weights_are_refused_and_every_video_named(
        ray_local: Any, ray_worker_home: Path, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    import torch

    from semioscope.core.models.i3d import InceptionI3d
    from semioscope.core.models.registry import weight_file

    manifest = write_dataset(tmp_path, [12, 12])
    fetched = ray_worker_home / "cache" / "weights" / weight_file("i3d").cached_path.name
    fetched.parent.mkdir(parents=True, exist_ok=True)
    torch.save(InceptionI3d().state_dict(), fetched)   # the workers' node "fetched" weights
    try:                                               # (a new seed: no worker has it built)
        assert main(["extract", str(manifest), "--cache", str(tmp_path / "c"), "--seed", "7",
                     "--allow-untrained", "--threads", "1", "--engine", "ray",
                     "--retries", "0"]) == 2
    finally:
        fetched.unlink()
    out = capsys.readouterr()
    assert "0 seizure(s) extracted" in out.out
    errors = [line for line in out.err.splitlines() if line.startswith("semioscope: error:")]
    assert len(errors) == 2
    for name in ("v0.mkv", "v1.mkv"):
        assert sum(line.startswith(f"semioscope: error: {tmp_path / name}: failed (1 attempt), "
                                   "last: i3d weights differ from the driver's")
                   for line in errors) == 1
    assert all("give --weights on shared storage" in line for line in errors)
    assert not FeatureCache(tmp_path / "c").index["entries"]
