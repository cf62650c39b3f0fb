"""`semioscope crop` as a subprocess: one video, bad input, and a dataset run killed half-way."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import cv2

from tests.core.crop.scenes import BED, PERSON, write_scene


def semioscope(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "semioscope", *args], capture_output=True,
                          text=True, timeout=120, env=env)


def records(folder: Path) -> list[str]:
    """Finished records only (an interrupted atomic write leaves a hidden temporary file)."""
    return sorted(p.name for p in folder.glob("sz*.json")) if folder.is_dir() else []


def make_dataset(folder: Path, n: int = 4) -> Path:
    (folder / "videos").mkdir(parents=True)
    lines = ["video,patient_id,seizure_id,label,onset_s,offset_s"]
    for i in range(n):
        bed = BED if i != 2 else BED.__class__(0, 0, 0, 0)  # seizure 2: truth without a bed
        write_scene(folder / "videos" / f"v{i}.mkv", n=20, fps=10.0, bed=bed, seed=i)
        lines.append(f"videos/v{i}.mkv,p{i // 2},sz{i},{'FLE' if i % 2 else 'TLE'},0,2")
    manifest = folder / "manifest.csv"
    manifest.write_text("\n".join(lines) + "\n")
    return manifest


def test_one_video_with_preview(tmp_path: Path):
    video = tmp_path / "in" / "scene.mkv"
    video.parent.mkdir()
    write_scene(video)
    out = semioscope("crop", str(video), "--detector", "truth", "--frames", "3",
                     "--out", str(tmp_path / "crop.json"), "--preview", str(tmp_path / "p.png"))
    assert out.returncode == 0, out.stderr
    assert "ok" in out.stdout
    record = json.loads((tmp_path / "crop.json").read_text())
    box = record["box"]
    assert box["x"] <= min(PERSON.x, BED.x) and box["y"] <= min(PERSON.y, BED.y)
    assert len(record["frames"]) == 3 and record["video"]["path"] == str(video)
    image = cv2.imread(str(tmp_path / "p.png"))
    assert image.shape == (96 * 2, 128 * 2, 3)
    assert sorted(p.name for p in video.parent.iterdir()) == ["scene.mkv", "scene.truth.json"]


def test_bad_input_is_one_line_and_exit_2(tmp_path: Path):
    cases = [
        (["crop", str(tmp_path / "none.mkv"), "--detector", "truth", "--out", "x.json"],
         "no such file"),
        (["crop", "--out", "x.json"], "either one VIDEO or --manifest"),
        (["crop", str(tmp_path / "v.mkv"), "--out", "x.json"], "semioscope models fetch maskrcnn"),
        (["crop", "--manifest", str(tmp_path / "m.csv"), "--out", "d"], "no such manifest"),
        (["crop", "x.mkv", "--frames", "0", "--out", "x.json"], "--frames"),
    ]
    for args, message in cases:
        out = semioscope(*args)
        assert out.returncode == 2, (args, out.stderr)
        assert message in out.stderr and len(out.stderr.strip().splitlines()) == 1, out.stderr


def test_dataset_resumes_after_a_kill_and_gives_the_same_records(tmp_path: Path):
    manifest = make_dataset(tmp_path / "data")
    args = [sys.executable, "-m", "semioscope", "crop", "--manifest", str(manifest),
            "--detector", "truth", "--frames", "3"]
    env = {**os.environ, "SEMIOSCOPE_TRUTH_DELAY_S": "0.3"}  # slow enough to kill mid-run
    out_dir = tmp_path / "crops"
    proc = subprocess.Popen([*args, "--out", str(out_dir)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while not records(out_dir) and time.monotonic() < deadline:
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    first = records(out_dir)
    assert 1 <= len(first) < 4

    resumed = subprocess.run([*args, "--out", str(out_dir)], capture_output=True, text=True,
                             timeout=120)
    assert resumed.returncode == 0, resumed.stderr
    assert f"{len(first)} up to date" in resumed.stdout
    assert "sz0: skipped" in resumed.stderr
    clean = subprocess.run([*args, "--out", str(tmp_path / "clean")], capture_output=True,
                           text=True, timeout=120)
    assert clean.returncode == 0, clean.stderr
    assert "4 videos: 3 ok, 1 need review" in clean.stdout
    assert "no_bed: 1" in clean.stdout
    for i in range(4):
        a = json.loads((out_dir / f"sz{i}.json").read_text())
        b = json.loads((tmp_path / "clean" / f"sz{i}.json").read_text())
        a.pop("created"), b.pop("created")
        assert a == b
