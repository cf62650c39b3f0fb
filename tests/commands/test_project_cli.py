"""`semioscope project` as a subprocess: the CLI contract, bad input, and a kill -9 mid-batch."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from semioscope.core.crop.editing import unusable, with_box
from semioscope.core.geometry import Box
from semioscope.core.project import ProjectStore
from tests.core.project.helpers import scene_dataset


def semioscope(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "semioscope", *args], capture_output=True,
                          text=True, timeout=120, env=env)


def test_create_crop_status_export(tmp_path: Path):
    manifest = scene_dataset(tmp_path / "data", 3)
    proj = tmp_path / "proj"
    out = semioscope("project", "create", str(proj), "--manifest", str(manifest))
    assert out.returncode == 0, out.stderr
    assert "3 videos" in out.stdout
    out = semioscope("project", "status", str(proj), "--json")
    assert json.loads(out.stdout)["crop_status"]["not_cropped"] == 3
    out = semioscope("project", "crop", str(proj), "--detector", "truth", "--frames", "2")
    assert out.returncode == 0, out.stderr
    assert "3 cropped now (3 ok)" in out.stdout and "[3/3] sz2: ok" in out.stderr
    with ProjectStore.open(proj) as store:
        store.write_crop(2, unusable(store.row(2).crop, "dark"))
    out = semioscope("project", "status", str(proj))
    assert out.stdout.startswith("3 videos: 2 ok, 0 needs_review, 0 corrected, 1 unusable")
    out = semioscope("project", "export", str(proj), "--out", str(tmp_path / "m.csv"))
    assert out.returncode == 0 and "2 videos written; left out: 1 unusable" in out.stdout
    rows = (tmp_path / "m.csv").read_text().splitlines()
    assert len(rows) == 3 and rows[1].startswith("data/sz0.mkv,p0,sz0,TLE,0.2,1,")


def test_bad_input_is_one_line_exit_2(tmp_path: Path):
    out = semioscope("project", "status", str(tmp_path))
    assert out.returncode == 2
    assert out.stderr.strip() == (f"semioscope: error: {tmp_path}: not a semioscope project (no "
                                  "project.sqlite); make one with `semioscope project create`")
    out = semioscope("project", "create", str(tmp_path / "p"), "--scan", str(tmp_path / "none"))
    assert out.returncode == 2 and "no such folder to scan" in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1


def test_batch_killed_half_way_keeps_every_edit_and_resumes(tmp_path: Path):
    manifest = scene_dataset(tmp_path / "data", 6)
    proj = tmp_path / "proj"
    assert semioscope("project", "create", str(proj), "--manifest", str(manifest)).returncode == 0
    with ProjectStore.open(proj) as store:   # a person's edits before the batch
        store.write_crop(6, with_box(store.row(6).crop, Box(3, 4, 50, 40)))
        store.write_crop(5, unusable(store.row(5).crop, "blanket"))
    env = {**os.environ, "SEMIOSCOPE_TRUTH_DELAY_S": "0.4"}   # 2 frames: ~0.8 s a video
    proc = subprocess.Popen([sys.executable, "-m", "semioscope", "project", "crop", str(proj),
                             "--detector", "truth", "--frames", "2"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    assert proc.stderr is not None
    seen = ""
    deadline = time.monotonic() + 60
    while "[2/6]" not in seen and time.monotonic() < deadline:
        seen += proc.stderr.readline()
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)
    assert "[2/6] sz1: ok" in seen
    with ProjectStore.open(proj) as store:   # the lock died with the process
        assert not store.read_only
        counts = store.counts()
        assert 2 <= counts["ok"] < 4, counts
        assert store.row(6).box == Box(3, 4, 50, 40) and store.row(6).status == "corrected"
        assert store.row(5).unusable_reason == "blanket"
        done_before = {r.id for r in store.rows() if r.status == "ok"}
    out = semioscope("project", "crop", str(proj), "--detector", "truth", "--frames", "2")
    assert out.returncode == 0, out.stderr
    assert f"{len(done_before)} up to date, 2 kept (a person's edit)" in out.stdout
    with ProjectStore.open(proj) as store:
        assert store.counts() == {"ok": 4, "needs_review": 0, "corrected": 1, "unusable": 1,
                                  "not_cropped": 0}
        assert store.row(6).box == Box(3, 4, 50, 40)


def test_crop_refuses_while_another_instance_edits(tmp_path: Path):
    manifest = scene_dataset(tmp_path / "data", 1)
    proj = tmp_path / "proj"
    assert semioscope("project", "create", str(proj), "--manifest", str(manifest)).returncode == 0
    with ProjectStore.open(proj) as store:
        assert not store.read_only
        out = semioscope("project", "crop", str(proj), "--detector", "truth")
        assert out.returncode == 2 and "open for editing" in out.stderr
        assert f"process {os.getpid()}" in out.stderr
