"""The one output rule (core/outputs.py), through the real CLI, before any work starts.

Each case points an output at something the command reads, at another of its outputs, at an
existing recording, manifest or folder, or somewhere unwritable, and checks: exit status 2, one
line naming the target, every file in the folder byte-identical, no file added (no temporary
file left either).
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from semioscope.cli import main
from tests.indexed_clips import write_clip


def _snapshot(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            if p.is_file() else "dir" for p in sorted(folder.rglob("*"))}


@pytest.fixture
def scene(tmp_path: Path) -> Path:
    write_clip(tmp_path / "a.mp4", "h264-mp4", frames=20)
    write_clip(tmp_path / "b.mkv", "h264-mp4", frames=20)
    (tmp_path / "m.semio").write_bytes(b"not really a classifier")
    (tmp_path / "c.json").write_text('{"box": [0, 0, 10, 10]}')
    (tmp_path / "manifest.csv").write_text("video,patient_id,seizure_id,label\n"
                                           "a.mp4,P1,S1,TLE\nb.mkv,P2,S2,FLE\n")
    (tmp_path / "folder").mkdir()
    (tmp_path / "plain").write_text("a plain file")
    return tmp_path


def _refused(argv: list[str], folder: Path, target: str, capsys, words: str = "") -> str:
    before = _snapshot(folder)
    assert main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    assert err[0].startswith(f"semioscope: error: {target}"), err
    assert words in err[0], err
    assert _snapshot(folder) == before   # nothing written, nothing replaced, no temp file
    return err[0]


def _analyze(d: Path, *extra: str) -> list[str]:
    return ["analyze", str(d / "a.mp4"), "--allow-untrained", *extra]


@pytest.mark.parametrize("extra, target, words", [
    (["--classifier", "m.semio", "--out", "m.semio"], "m.semio", "classifier"),
    (["--crop-file", "c.json", "--out", "c.json"], "c.json", "crop record"),
    (["--out", "r.json", "--csv", "r.json"], "r.json", "both as --out and as --csv"),
    (["--out", "b.mkv"], "b.mkv", "existing video"),
    (["--out", "r.json", "--csv", "manifest.csv"], "manifest.csv", "manifest"),
    (["--out", "folder"], "folder", "existing folder"),
    (["--out", "plain/r.json"], "plain/r.json", "plain is a file"),
    (["--out", "nowhere/r.json"], "nowhere/r.json", "does not exist"),
])
def test_analyze_outputs(scene: Path, capsys, extra: list[str], target: str, words: str):
    argv = _analyze(scene, *[str(scene / x) if not x.startswith("--") else x for x in extra])
    _refused(argv, scene, str(scene / target), capsys, words)


def test_unwritable_folder_is_refused_up_front(scene: Path, capsys):
    # /proc refuses new files even to root, as a read-only mount would
    _refused(_analyze(scene, "--out", "/proc/self/r.json"), scene, "/proc/self/r.json", capsys,
             "not writable")
    if os.geteuid() != 0:   # root ignores mode bits; the /proc case covers it
        ro = scene / "ro"
        ro.mkdir()
        ro.chmod(0o500)
        try:
            _refused(_analyze(scene, "--out", str(ro / "r.json")), scene, str(ro / "r.json"),
                     capsys, "not writable")
        finally:
            ro.chmod(0o700)


def test_crop_preview_and_out_the_same(scene: Path, capsys):
    p = str(scene / "p.png")
    _refused(["crop", str(scene / "a.mp4"), "--detector", "truth", "--out", p, "--preview", p],
             scene, p, capsys, "both as --out and as --preview")


def test_train_out_onto_its_manifest(scene: Path, capsys):
    m = str(scene / "manifest.csv")
    _refused(["train", m, "--cache", str(scene / "feats"), "--out", m], scene, m, capsys,
             "manifest")


def test_cv_out_onto_its_cache(scene: Path, capsys):
    _refused(["cv", str(scene / "manifest.csv"), "--cache", str(scene / "folder"), "--out",
              str(scene / "folder")], scene, str(scene / "folder"), capsys, "feature cache")


def test_project_export_onto_the_project_database(scene: Path, capsys):
    project = scene / "proj"
    assert main(["project", "create", str(project), "--manifest",
                 str(scene / "manifest.csv")]) == 0
    capsys.readouterr()
    db = str(project / "project.sqlite")
    _refused(["project", "export", str(project), "--out", db], scene, db, capsys,
             "project database")
    assert main(["project", "export", str(project), "--out", str(scene / "train.csv")]) == 0
    # replacing its own previous export is fine: the output is a manifest by nature
    assert main(["project", "export", str(project), "--out", str(scene / "train.csv")]) == 0


def test_synth_dataset_never_replaces_what_it_did_not_write(tmp_path: Path, capsys):
    data = tmp_path / "data"
    (data / "P001").mkdir(parents=True)
    mine = write_clip(data / "P001" / "P001_s01.mkv", "h264-mp4", frames=10)
    (data / "manifest.csv").write_text("video,label\nP001/P001_s01.mkv,FLE\n")
    argv = ["synth", "--dataset", str(data), "--patients", "2", "--seizures", "1",
            "--max-seconds", "1", "--jobs", "1"]
    _refused(argv, tmp_path, str(data), capsys, "--force")
    _refused([*argv, "--force"], tmp_path, str(mine), capsys, "not written by synth")
    mine.unlink()
    _refused([*argv, "--force"], tmp_path, str(data / "manifest.csv"), capsys,
             "not written by synth")
    (data / "manifest.csv").unlink()
    (data / "notes.txt").write_text("keep me")
    assert main([*argv, "--force"]) == 0
    assert main([*argv, "--force"]) == 0   # its own files may be written again
    assert (data / "notes.txt").read_text() == "keep me"
    capsys.readouterr()
    (data / "manifest.csv").write_text((data / "manifest.csv").read_text() + "\n")  # edited
    _refused([*argv, "--force"], tmp_path, str(data / "manifest.csv"), capsys,
             "not written by synth")
