"""Model packs through the real CLI: export, verify, the clinician path without torch, agreement.

One pack (untrained I3D + untrained classifier) is exported per session (``model_pack``). The
clinician runs (``analyze --pack``, ``report``) happen in a child process where importing torch
fails, and their results must equal the torch path's apart from the runtime fields.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from semioscope.cli import main
from semioscope.core.video.writer import write_ffv1
from tests.commands.test_analyze_cli import blob_frames
from tests.torchfree import run_without_torch

#: what may differ between the two installs' results: when and by what they were computed
RUNTIME_FIELDS = {"created", "runtime", "device", "pack", "batch_size"}


def _without_runtime(obj: object) -> object:
    if isinstance(obj, dict):
        return {k: _without_runtime(v) for k, v in obj.items() if k not in RUNTIME_FIELDS}
    if isinstance(obj, list):
        return [_without_runtime(v) for v in obj]
    return obj


def _cli_without_torch(argv: list[str], cwd: Path) -> tuple[int, str, str]:
    code = f"""
import sys
from semioscope.cli import main
rc = main({argv!r})
assert "torch" not in sys.modules and "torchvision" not in sys.modules, "torch was imported"
sys.exit(rc)
"""
    done = run_without_torch(code, cwd=cwd, env={"SEMIOSCOPE_CACHE_DIR": str(cwd / "cache"),
                                                 "SEMIOSCOPE_DATA_DIR": str(cwd / "data")})
    return done.returncode, done.stdout, done.stderr


@pytest.fixture(scope="module")
def video(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("packvideo") / "v.mkv"
    write_ffv1(path, blob_frames(75), fps=30)  # windows of 60 and 15 frames
    return path


def test_manifest_names_every_file_with_its_hash(model_pack, capsys) -> None:
    from semioscope.core.hashing import file_sha256

    pack, semio = model_pack
    manifest = json.loads((pack / "manifest.json").read_text())
    assert set(manifest["files"]) == {"i3d.xml", "i3d.bin", "classifier.xml", "classifier.bin",
                                      "classifier.semio", "detector.xml", "detector.bin"}
    assert all(file_sha256(pack / n) == sha for n, sha in manifest["files"].items())
    assert manifest["classifier"]["sha256"] == file_sha256(semio)
    assert manifest["backbone"] == {"name": "i3d", "ir": "i3d.xml", "pretrained": False,
                                    "weights_sha256": None, "extend_to": None, "channels": 1,
                                    "weights_source": None}   # random weights: no source
    assert manifest["converter"]["openvino"].startswith("20") and manifest["converter"]["torch"]
    assert main(["models", "verify-pack", str(pack)]) == 0
    out = capsys.readouterr().out
    assert "OK, every file matches" in out and file_sha256(pack / "manifest.json") in out
    assert "RANDOM weights" in out and "UNTRAINED" in out
    assert "detector fasterrcnn-mobilenet (pretrained, frames scaled to 128 px)" in out


def test_export_refuses_an_existing_folder(model_pack, capsys) -> None:
    pack, semio = model_pack
    assert main(["models", "export", str(semio), "--out", str(pack), "--allow-untrained"]) == 2
    assert "already exists" in capsys.readouterr().err


def test_clinician_path_without_torch_matches_the_torch_path(model_pack, video, tmp_path):
    pack, _ = model_pack
    torch_json, ov_json = tmp_path / "torch.json", tmp_path / "ov.json"
    assert main(["analyze", str(video), "--classifier", str(pack / "classifier.semio"),
                 "--allow-untrained", "--threads", "2", "--device", "cpu",
                 "--out", str(torch_json)]) == 0
    rc, out, err = _cli_without_torch(["analyze", str(video), "--pack", str(pack),
                                       "--allow-untrained", "--threads", "2",
                                       "--out", str(ov_json)], tmp_path)
    assert rc == 0, err
    want, got = json.loads(torch_json.read_text()), json.loads(ov_json.read_text())
    assert got["model"]["runtime"].startswith("openvino") and want["model"]["runtime"].startswith(
        "torch")
    from semioscope.core.hashing import file_sha256

    assert got["model"]["pack"]["manifest_sha256"] == file_sha256(pack / "manifest.json")
    assert got["model"]["pack"]["path"] == str(pack) and "pack" not in want["model"]
    p_want = np.array([w["p_tle"] for w in want["windows"]])
    p_got = np.array([w["p_tle"] for w in got["windows"]])
    assert len(p_got) == 2 and np.abs(p_got - p_want).max() < 1e-5
    for w in (want, got):  # exact float equality is not promised: within 1e-5 above
        for window in w["windows"]:
            window.pop("p_tle")
        w["summary"].pop("p_tle_mean")
        w["summary"].pop("confidence")
    assert _without_runtime(got) == _without_runtime(want)
    assert "UNTRAINED BACKBONE" in err
    rc, out, err = _cli_without_torch(["report", str(ov_json), "--out",
                                       str(tmp_path / "case.pdf")], tmp_path)
    assert rc == 0, err
    assert (tmp_path / "case.pdf").read_bytes().startswith(b"%PDF")


def test_a_changed_file_is_refused_naming_it(model_pack, video, tmp_path, capsys) -> None:
    pack, _ = model_pack
    copy = tmp_path / "pack"
    shutil.copytree(pack, copy)
    data = bytearray((copy / "classifier.bin").read_bytes())
    data[100] ^= 1
    (copy / "classifier.bin").write_bytes(bytes(data))
    args = ["analyze", str(video), "--pack", str(copy), "--allow-untrained",
            "--out", str(tmp_path / "r.json")]
    assert main(args) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "classifier.bin" in err and "SHA-256" in err
    (copy / "classifier.bin").unlink()
    assert main(args) == 2
    assert "missing from the model pack" in capsys.readouterr().err
    assert main(["models", "verify-pack", str(copy)]) == 2
    assert not (tmp_path / "r.json").exists()


def test_pack_and_classifier_together_are_refused(model_pack, video, tmp_path, capsys) -> None:
    pack, semio = model_pack
    assert main(["analyze", str(video), "--pack", str(pack), "--classifier", str(semio),
                 "--out", str(tmp_path / "r.json")]) == 2
    assert "not with --pack" in capsys.readouterr().err
    assert main(["analyze", str(video), "--pack", str(pack),
                 "--out", str(tmp_path / "r.json")]) == 2
    assert "random weights" in capsys.readouterr().err  # an untrained pack needs the flag


def test_research_commands_say_they_need_the_research_install(tmp_path) -> None:
    rc, _, err = _cli_without_torch(["train", str(tmp_path / "m.csv"), "--cache",
                                     str(tmp_path / "c"), "--out", str(tmp_path / "m.semio")],
                                    tmp_path)
    assert rc == 2 and err.count("\n") == 1
    assert "needs the research install" in err and "--pack" in err
