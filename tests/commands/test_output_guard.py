"""No command ever writes over a source video: not by name, not through a symlink or hard link.

Each case points one output of one command at a video the command reads (the input video, a
video of the manifest or of the project) and checks exit status 2, one line naming the target,
and the video byte-identical (same bytes, same modification time) afterwards.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

from semioscope.cli import main
from tests.indexed_clips import write_clip


def _fingerprint(path: Path) -> tuple[str, int, int]:
    st = path.stat()
    return hashlib.sha256(path.read_bytes()).hexdigest(), st.st_size, st.st_mtime_ns


@pytest.fixture
def scene(tmp_path: Path) -> dict[str, Path]:
    video = write_clip(tmp_path / "v.mp4", "h264-mp4", frames=30)
    write_clip(tmp_path / "w.mp4", "h264-mp4", frames=20)
    (tmp_path / "m.csv").write_text("video,patient_id,seizure_id,label\n"
                                    "v.mp4,P1,S1,TLE\nw.mp4,P2,S2,FLE\n")
    os.symlink(video, tmp_path / "link.json")
    os.link(video, tmp_path / "hard.json")
    os.symlink(video, tmp_path / "link.pdf")
    os.link(video, tmp_path / "hard.csv")
    return {"dir": tmp_path, "video": video, "manifest": tmp_path / "m.csv"}


def _refused(argv: list[str], video: Path, target: str, capsys) -> str:
    before = _fingerprint(video)
    assert main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    assert err[0].startswith(f"semioscope: error: {target}"), err
    assert "refusing to write" in err[0]
    assert _fingerprint(video) == before
    return err[0]


@pytest.mark.parametrize("option, name", [
    ("--out", "v.mp4"), ("--csv", "v.mp4"), ("--out", "link.json"), ("--out", "hard.json"),
    ("--csv", "hard.csv"),
])
def test_analyze_refuses_the_input_video(scene, capsys, option: str, name: str):
    target = str(scene["dir"] / name)
    outputs = {"--out": str(scene["dir"] / "r.json"), option: target}
    argv = ["analyze", str(scene["video"]), "--allow-untrained"]
    for flag, value in outputs.items():
        argv += [flag, value]
    line = _refused(argv, scene["video"], target, capsys)
    if name.startswith("link"):
        assert "symlink" in line
    if name.startswith("hard"):
        assert "hard link" in line
    assert not (scene["dir"] / "r.json").exists()


@pytest.mark.parametrize("option, name", [("--out", "v.mp4"), ("--preview", "link.json"),
                                          ("--out", "hard.json")])
def test_crop_refuses_the_input_video(scene, capsys, option: str, name: str):
    target = str(scene["dir"] / name)
    outputs = {"--out": str(scene["dir"] / "c.json"), option: target}
    argv = ["crop", str(scene["video"]), "--detector", "truth"]
    for flag, value in outputs.items():
        argv += [flag, value]
    _refused(argv, scene["video"], target, capsys)


def test_crop_manifest_refuses_a_manifest_video_as_out(scene, capsys):
    target = str(scene["dir"] / "link.json")
    _refused(["crop", "--manifest", str(scene["manifest"]), "--out", target, "--detector",
              "truth"], scene["video"], target, capsys)


def test_report_refuses_the_analysed_video(scene, capsys):
    from semioscope.core.results import save_results
    from tests.sample_results import synthetic_results

    results = synthetic_results(scene["video"], n_windows=1, onset_s=0.0, untrained=True)
    save_results(scene["dir"] / "r.json", results)
    target = str(scene["dir"] / "link.pdf")
    _refused(["report", str(scene["dir"] / "r.json"), "--out", target], scene["video"],
             target, capsys)


@pytest.mark.parametrize("command", ["extract", "cv", "train", "search"])
def test_training_commands_refuse_a_manifest_video(scene, capsys, command: str):
    target = str(scene["dir"] / "hard.json")
    option = "--cache" if command == "extract" else "--out"
    argv = [command, str(scene["manifest"]), option, target]
    if command != "extract":
        argv += ["--cache", str(scene["dir"] / "feats")]
    else:
        argv += ["--allow-untrained"]
    _refused(argv, scene["video"], target, capsys)
    assert not (scene["dir"] / "feats").exists()


def test_project_create_and_export_refuse_project_videos(scene, capsys):
    target = str(scene["dir"] / "v.mp4")
    _refused(["project", "create", target, "--manifest", str(scene["manifest"])],
             scene["video"], target, capsys)
    project = scene["dir"] / "proj"
    assert main(["project", "create", str(project), "--manifest", str(scene["manifest"])]) == 0
    capsys.readouterr()
    for name in ("v.mp4", "link.json", "hard.csv"):
        target = str(scene["dir"] / name)
        _refused(["project", "export", str(project), "--out", target], scene["video"], target,
                 capsys)


def test_synth_and_demo_refuse_an_existing_real_video(scene, capsys):
    before = _fingerprint(scene["video"])
    assert main(["synth", str(scene["video"]), "--label", "TLE", "--seconds", "1"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "existing video" in err[0]
    assert main(["demo", "--report", str(scene["dir"] / "link.pdf"), "--no-gui",
                 "--dir", str(scene["dir"] / "demo")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "existing video" in err[0]
    assert _fingerprint(scene["video"]) == before
    assert not (scene["dir"] / "demo").exists()


def test_synth_may_replace_its_own_video(tmp_path: Path):
    out = tmp_path / "s.mkv"
    assert main(["synth", str(out), "--label", "FLE", "--seconds", "1"]) == 0
    assert main(["synth", str(out), "--label", "TLE", "--seconds", "1"]) == 0
    assert json.loads((tmp_path / "s.truth.json").read_text())["label"] == "TLE"


def test_an_output_inside_an_image_folder_video_is_refused(tmp_path: Path, capsys):
    from semioscope.core.video.writer import write_png_sequence
    from tests.indexed_clips import index_frame

    folder = tmp_path / "frames"
    write_png_sequence(folder, [index_frame(i) for i in range(12)])
    names = sorted(p.name for p in folder.iterdir())
    target = str(folder / "results.json")
    assert main(["analyze", str(folder), "--allow-untrained", "--out", target]) == 2
    assert "inside the image-folder" in capsys.readouterr().err
    assert sorted(p.name for p in folder.iterdir()) == names
