"""Hostile and careless inputs through the real CLI: one line, exit 2, nothing written, no wait.

A table of inputs that used to hang, crash or print a traceback. Each runs ``cli.main`` in a
folder of its own; the test asserts exactly one stderr line ``semioscope: error: ...`` holding
the expected words, exit status 2, the folder unchanged (no output, no temporary file), and a
refusal within a few seconds (a FIFO would otherwise block forever: the timeout mark ends it).
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from semioscope.cli import main

MANIFEST = "video,patient_id,seizure_id,label\n"


def _snapshot(folder: Path) -> dict[str, str]:
    out = {}
    for p in sorted(folder.rglob("*")):
        if p.is_symlink() or not p.exists() or not (p.is_file() or p.is_dir()):
            out[str(p.relative_to(folder))] = "special"
        else:
            out[str(p.relative_to(folder))] = (hashlib.sha256(p.read_bytes()).hexdigest()
                                               if p.is_file() else "dir")
    return out


@pytest.fixture
def d(tmp_path: Path) -> Path:
    np.save(tmp_path / "ok.npy", np.random.default_rng(0).integers(0, 999, (40, 32, 32),
                                                                 dtype=np.uint16))
    np.save(tmp_path / "zw.npy", np.zeros((12, 10, 0), np.uint16))
    (tmp_path / "trunc.npy").write_bytes((tmp_path / "ok.npy").read_bytes()[:200])
    os.mkfifo(tmp_path / "fifo.mkv")
    os.mkfifo(tmp_path / "fifo.csv")
    os.mkfifo(tmp_path / "fifo.json")
    os.mkfifo(tmp_path / "fifo.toml")
    os.symlink("/dev/zero", tmp_path / "zero.mkv")
    os.symlink(tmp_path / "gone.mkv", tmp_path / "dangling.mkv")
    (tmp_path / "ok2.npy").write_bytes((tmp_path / "ok.npy").read_bytes()[:-1] + b"\x01")
    (tmp_path / "good.csv").write_text(MANIFEST + "ok.npy,P1,S1,TLE\nok2.npy,P2,S2,FLE\n")
    (tmp_path / "twice.csv").write_text(MANIFEST + "ok.npy,P1,S1,TLE\n./ok.npy,P2,S2,FLE\n")
    for name, video in (("fifo", "fifo.mkv"), ("zero", "zero.mkv"), ("dangling", "dangling.mkv")):
        (tmp_path / f"{name}-man.csv").write_text(MANIFEST + f"{video},P1,S1,TLE\n"
                                                  "ok.npy,P2,S2,FLE\n")
    (tmp_path / "scan").mkdir()
    os.symlink(tmp_path / "gone.mkv", tmp_path / "scan" / "dangling.mkv")
    (tmp_path / "scanfifo").mkdir()
    os.mkfifo(tmp_path / "scanfifo" / "f.mkv")
    (tmp_path / "folder").mkdir()
    (tmp_path / "plain").write_text("x")
    (tmp_path / "other-crop.json").write_text(json.dumps(
        {"box": {"x": 0, "y": 0, "w": 16, "h": 16}, "video": {"sha256": "0" * 64}}))
    (tmp_path / "emptyproj").mkdir()
    (tmp_path / "emptyproj" / "project.sqlite").write_bytes(b"")
    return tmp_path


def _bad_classifier(d: Path, **meta_changes: object) -> str:
    from safetensors.torch import save_file

    from semioscope.core.models.classifier import random_classifier

    model, meta = random_classifier(1)
    data = {**meta.to_dict(), **meta_changes}
    save_file({k: v.contiguous() for k, v in model.state_dict().items()}, str(d / "bad.semio"),
              metadata={"format": "semioscope-classifier/1",
                        "semioscope": json.dumps(data, allow_nan=True)})
    return str(d / "bad.semio")


def _results(d: Path) -> str:
    from semioscope.core.results import save_results
    from tests.sample_results import synthetic_results

    save_results(d / "r.json", synthetic_results(d / "ok.npy", n_windows=2, onset_s=0.0,
                                                 untrained=True))
    return str(d / "r.json")


U = "--allow-untrained"
CASES: dict[str, tuple[Callable[[Path], list[str]], str]] = {
    # hangs: FIFOs and devices where a file is expected
    "info FIFO video": (lambda d: ["info", f"{d}/fifo.mkv"], "named pipe"),
    "info /dev/zero video": (lambda d: ["info", f"{d}/zero.mkv"], "device"),
    "analyze FIFO video": (lambda d: ["analyze", f"{d}/fifo.mkv", U, "--out", f"{d}/o.json"],
                           "named pipe"),
    "crop FIFO manifest": (lambda d: ["crop", "--manifest", f"{d}/fifo.csv", "--out",
                                      f"{d}/crops", "--detector", "truth"], "named pipe"),
    "project create FIFO in manifest": (lambda d: ["project", "create", f"{d}/p", "--manifest",
                                                   f"{d}/fifo-man.csv"], "named pipe"),
    "project create /dev/zero in manifest": (lambda d: ["project", "create", f"{d}/p",
                                                        "--manifest", f"{d}/zero-man.csv"],
                                             "device"),
    "project create --scan with a FIFO": (lambda d: ["project", "create", f"{d}/p", "--scan",
                                                     f"{d}/scanfifo"], "named pipe"),
    "extract FIFO in manifest": (lambda d: ["extract", f"{d}/fifo-man.csv", "--cache",
                                            f"{d}/c", U], "named pipe"),
    "extract FIFO as manifest": (lambda d: ["extract", f"{d}/fifo.csv", "--cache", f"{d}/c", U],
                                 "named pipe"),
    "analyze FIFO crop file": (lambda d: ["analyze", f"{d}/ok.npy", U, "--crop-file",
                                          f"{d}/fifo.json", "--out", f"{d}/o.json"],
                               "named pipe"),
    "cv FIFO config": (lambda d: ["cv", f"{d}/twice.csv", "--cache", f"{d}/c", "--config",
                                  f"{d}/fifo.toml", "--out", f"{d}/cv"], "named pipe"),
    "report FIFO results": (lambda d: ["report", f"{d}/fifo.json", "--out", f"{d}/o.pdf"],
                            "named pipe"),
    # senseless plans
    "--threads 100000": (lambda d: ["analyze", f"{d}/ok.npy", U, "--threads", "100000",
                                    "--out", f"{d}/o.json"], "CPUs"),
    "--fps 0.001": (lambda d: ["analyze", f"{d}/ok.npy", U, "--fps", "0.001", "--out",
                               f"{d}/o.json"], "1 to 1000 fps"),
    "info --fps -1": (lambda d: ["info", f"{d}/ok.npy", "--fps", "-1"], "1 to 1000 fps"),
    "info --fps nan": (lambda d: ["info", f"{d}/ok.npy", "--fps", "nan"], "1 to 1000 fps"),
    "synth --seconds inf": (lambda d: ["synth", f"{d}/s.mkv", "--label", "FLE", "--seconds",
                                       "inf"], "--seconds"),
    "crop --seconds inf": (lambda d: ["crop", f"{d}/ok.npy", "--detector", "truth",
                                      "--seconds", "inf", "--out", f"{d}/c.json"], "--seconds"),
    # damaged or odd files
    "zero-width .npy": (lambda d: ["analyze", f"{d}/zw.npy", U, "--out", f"{d}/o.json"],
                        "zero width"),
    "truncated .npy": (lambda d: ["info", f"{d}/trunc.npy"], "truncated"),
    "same video twice in a manifest": (lambda d: ["project", "create", f"{d}/p", "--manifest",
                                                  f"{d}/twice.csv"], "same file"),
    "dangling link in a manifest": (lambda d: ["extract", f"{d}/dangling-man.csv", "--cache",
                                               f"{d}/c", U], "dangling"),
    "dangling link in a scan": (lambda d: ["project", "create", f"{d}/p", "--scan",
                                           f"{d}/scan"], "dangling symlink"),
    "classifier metadata of the wrong type": (
        lambda d: ["analyze", f"{d}/ok.npy", U, "--classifier",
                   _bad_classifier(d, trained="yes"), "--out", f"{d}/o.json"], "trained is a str"),
    "classifier with a NaN threshold": (
        lambda d: ["analyze", f"{d}/ok.npy", U, "--classifier",
                   _bad_classifier(d, threshold=float("nan")), "--out", f"{d}/o.json"],
        "threshold"),
    "5000-character patient name": (lambda d: ["report", _results(d), "--out", f"{d}/o.pdf",
                                               "--patient", "A" * 5000], "--patient"),
    # misleading answers
    "crop record made for another video": (
        lambda d: ["analyze", f"{d}/ok.npy", U, "--crop-file", f"{d}/other-crop.json", "--out",
                   f"{d}/o.json"], "made for another video"),
    "project status on a zero-byte database": (
        lambda d: ["project", "status", f"{d}/emptyproj"], "empty file"),
    "project crop on a zero-byte database": (
        lambda d: ["project", "crop", f"{d}/emptyproj", "--detector", "truth"], "empty file"),
    # unwritable outputs, refused before the work
    "--out an existing folder": (lambda d: ["analyze", f"{d}/ok.npy", U, "--out", f"{d}/folder"],
                                 "existing folder"),
    "--out under a plain file": (lambda d: ["analyze", f"{d}/ok.npy", U, "--out",
                                            f"{d}/plain/o.json"], "is a file"),
    "--out in a read-only folder": (lambda d: ["analyze", f"{d}/ok.npy", U, "--out",
                                               "/proc/self/o.json"], "not writable"),
    "train --out an existing folder": (lambda d: ["train", f"{d}/good.csv", "--cache",
                                                  f"{d}/c", "--out", f"{d}/folder"],
                                       "existing folder"),
}


@pytest.mark.timeout(60)
@pytest.mark.parametrize("case", list(CASES))
def test_refused_in_one_line(d: Path, capsys, case: str):
    build, words = CASES[case]
    argv = build(d)
    capsys.readouterr()
    before = _snapshot(d)
    started = time.monotonic()
    rc = main(argv)
    elapsed = time.monotonic() - started
    err = capsys.readouterr().err.strip().splitlines()
    assert rc == 2, err
    assert len(err) == 1 and err[0].startswith("semioscope: error: "), err
    assert "Traceback" not in err[0] and "internal error" not in err[0]
    assert words in err[0], err
    assert _snapshot(d) == before
    assert elapsed < 30, f"{case}: {elapsed:.1f} s"   # the first torch import may be slow


@pytest.mark.timeout(30)
def test_fifo_refused_within_a_second(d: Path, capsys):
    for argv in (["info", f"{d}/fifo.mkv"],
                 ["crop", "--manifest", f"{d}/fifo.csv", "--out", f"{d}/crops", "--detector",
                  "truth"]):
        started = time.monotonic()
        assert main(argv) == 2
        assert time.monotonic() - started < 1.0
    assert "named pipe" in capsys.readouterr().err


@pytest.mark.timeout(300)
def test_other_videos_crop_record_on_purpose_is_recorded(d: Path, capsys, monkeypatch):
    from semioscope.core.results import load_results

    monkeypatch.chdir(d)   # a relative video path is stored absolute: report works from anywhere
    assert main(["analyze", "ok.npy", U, "--crop-file", "other-crop.json",
                 "--crop-file-for-other-video", "--out", "o.json"]) == 0
    results = load_results(d / "o.json")
    assert any("made for another video" in r for r in results.crop.reasons)
    assert results.video.path == str(d / "ok.npy")


@pytest.mark.timeout(120)
@pytest.mark.parametrize("case", ["extract FIFO in manifest", "extract FIFO as manifest",
                                  "crop FIFO manifest", "analyze FIFO video"])
def test_a_refused_input_is_told_before_torch_is_imported(d: Path, case: str):
    """The refusal must not wait for the torch import: on a loaded machine that import took up
    to 35 s, and "extract FIFO in manifest" (the first case of the table to need torch, which
    ``extract`` imported before reading the manifest) then failed the table's time limit."""
    import subprocess
    import sys

    argv = CASES[case][0](d)
    code = ("import sys; from semioscope.cli import main; rc = main(sys.argv[1:]); "
            "print('rc', rc, 'torch', 'torch' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code, *argv], capture_output=True, text=True,
                          timeout=100, cwd=d, env=os.environ)
    assert done.stdout.split() == ["rc", "2", "torch", "False"], done.stderr
    assert CASES[case][1] in done.stderr
