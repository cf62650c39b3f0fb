"""A model pack is trusted only from checked content (core/runtime/pack_trust.py), via the CLI.

The session's pack is untrained (random I3D, untrained classifier). Each case copies it, edits
what a careless or hostile person could edit, and checks ``verify-pack`` and ``analyze --pack``
refuse it in one line: trust claims the hash-checked classifier does not back (a passed bf16 or
int8 agreement check among them: `--precision auto` would leave f32 on it), a file taken off
the manifest's list, a file added to the folder, a missing key, a key of the wrong type.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from semioscope.cli import main
from semioscope.core.video.writer import write_ffv1
from tests.commands.test_analyze_cli import blob_frames

OFFICIAL = "a" * 64


def _claim_official(m: dict[str, Any]) -> None:
    m["backbone"].update(pretrained=True, weights_sha256=OFFICIAL)
    m["classifier"]["metadata"].update(trained=True, demo=False, backbone_pretrained=True,
                                       backbone_weights_sha256=OFFICIAL)


def _claim_official_source(m: dict[str, Any]) -> None:
    m["backbone"]["weights_source"] = "DeepMind I3D Kinetics-400 (Apache-2.0)"


def _claim_trained_only(m: dict[str, Any]) -> None:
    m["classifier"]["metadata"]["trained"] = True


def _unlist_bin(m: dict[str, Any]) -> None:
    del m["files"]["i3d.bin"]


def _drop_created(m: dict[str, Any]) -> None:
    del m["created"]


def _steps_as_text(m: dict[str, Any]) -> None:
    m["classifier"]["steps"] = str(m["classifier"]["steps"])


def _converter_as_text(m: dict[str, Any]) -> None:
    m["converter"] = "OpenVINO"


def _int8_unlisted(m: dict[str, Any]) -> None:
    m["backbone"]["int8_ir"] = "i3d.int8.xml"   # an int8 network the hash list does not cover


def _checks_as_text(m: dict[str, Any]) -> None:
    m["precision_checks"] = {"bf16": "passed"}


def _passed(m: dict[str, Any], precision: str) -> dict[str, Any]:
    """An agreement record as `models export` writes it, claiming the gate passed."""
    return {"precision": precision, "passed": True, "reason": "", "max_abs_dp": 0.001,
            "p99_abs_dp": 0.0005, "limit_abs_dp": 0.02, "windows": 400, "seizures": 9,
            "seizure_verdicts_agree": 9, "flipped": [],
            "backbone_weights_sha256": m["backbone"]["weights_sha256"],
            "cpu": {"model": "any", "instruction_set": "avx512_bf16"},
            "check_set": {"seizures": 9, "windows": 400, "training_seizures": 0,
                          "kind": "held_out"}}


def _claim_bf16_check(m: dict[str, Any]) -> None:
    m["precision_checks"] = {"bf16": _passed(m, "bf16")}


def _claim_int8_check(m: dict[str, Any]) -> None:
    m["precision_checks"] = {"int8": _passed(m, "int8")}


def _claim_check_in_metadata(m: dict[str, Any]) -> None:   # the manifest's copy of the metadata
    m["classifier"]["metadata"]["training"]["precision_checks"] = {"bf16": _passed(m, "bf16")}


CLAIMED_CHECK = "manifest.json: the manifest's precision_checks differs from what the " \
    "hash-checked classifier.semio says"

EDITS: dict[str, tuple[Callable[[dict[str, Any]], None], str]] = {
    "claims official pretrained weights": (_claim_official, "hash-checked classifier.semio"),
    "claims a trained classifier": (_claim_trained_only, "hash-checked classifier.semio"),
    "claims an official weights source": (_claim_official_source, "weights_source differs"),
    "a .bin taken off the list": (_unlist_bin, "i3d.bin"),
    "a key missing": (_drop_created, "lacks created"),
    "a number as text": (_steps_as_text, "classifier.steps has the wrong type"),
    "an object as text": (_converter_as_text, "converter has the wrong type"),
    "an int8 backbone off the list": (_int8_unlisted, "does not list i3d.int8.xml"),
    "an agreement record as text": (_checks_as_text, "precision_checks is not a record"),
    "claims a passed bf16 check": (_claim_bf16_check, CLAIMED_CHECK),
    "claims a passed int8 check": (_claim_int8_check, CLAIMED_CHECK),
    "claims a check in the classifier metadata": (_claim_check_in_metadata,
                                                  "manifest.json: the manifest's classifier."
                                                  "metadata differs from what the hash-checked"),
}


@pytest.fixture(scope="module")
def video(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("trustvideo") / "v.mkv"
    write_ffv1(path, blob_frames(40), fps=30)
    return path


def _one_error(capsys) -> str:
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("semioscope: error: "), err
    return err[0]


@pytest.mark.parametrize("edit", list(EDITS))
def test_an_edited_manifest_is_refused(model_pack, video, tmp_path, capsys, edit: str):
    pack, _ = model_pack
    copy = tmp_path / "pack"
    shutil.copytree(pack, copy)
    change, words = EDITS[edit]
    manifest = json.loads((copy / "manifest.json").read_text())
    change(manifest)
    (copy / "manifest.json").write_text(json.dumps(manifest))
    capsys.readouterr()
    assert main(["models", "verify-pack", str(copy)]) == 2
    assert words in _one_error(capsys)
    out = tmp_path / "r.json"
    assert main(["analyze", str(video), "--pack", str(copy), "--allow-untrained",
                 "--out", str(out)]) == 2
    assert words in _one_error(capsys)
    assert not out.exists()


def test_an_unlisted_file_in_the_folder_is_refused(model_pack, tmp_path, capsys):
    pack, _ = model_pack
    copy = tmp_path / "pack"
    shutil.copytree(pack, copy)
    (copy / "extra.bin").write_bytes(b"\0" * 64)
    assert main(["models", "verify-pack", str(copy)]) == 2
    line = _one_error(capsys)
    assert "extra.bin" in line and "not in its manifest" in line


def test_verify_pack_checks_the_expected_manifest_hash(model_pack, capsys):
    from semioscope.core.hashing import file_sha256

    pack, _ = model_pack
    sha = file_sha256(pack / "manifest.json")
    assert main(["models", "verify-pack", str(pack), "--expect", sha]) == 0
    out = capsys.readouterr().out
    assert f"manifest sha256 {sha} (as expected)" in out
    assert "RANDOM weights" in out and "UNTRAINED" in out   # from classifier.semio
    assert main(["models", "verify-pack", str(pack), "--expect", "0" * 64]) == 2
    assert "is not the expected" in _one_error(capsys)


@pytest.mark.parametrize("edit", ["a key missing", "a number as text"])
def test_stale_checks_read_the_pack_through_the_same_checked_reader(model_pack, video, tmp_path,
                                                                    capsys, edit: str):
    """What an Analyse now would record (the review window's staleness check) comes from the
    pack's one manifest reader: the hashes a real ``analyze --pack`` records for an intact
    pack, and "unknown" (None, not compared) for a manifest that reader refuses."""
    from semioscope.core.analysis import AnalysisRequest, ModelChoice
    from semioscope.core.results import load_results

    pack, _ = model_pack
    copy = tmp_path / "pack"
    shutil.copytree(pack, copy)
    out = tmp_path / "r.json"
    assert main(["analyze", str(video), "--pack", str(copy), "--allow-untrained",
                 "--out", str(out)]) == 0
    recorded = load_results(out).inputs
    now = AnalysisRequest(video, model=ModelChoice(pack=copy)).inputs()
    assert (now.backbone, now.weights_sha256, now.classifier_sha256) == (
        recorded.backbone, recorded.weights_sha256, recorded.classifier_sha256)
    assert recorded.classifier_sha256 and recorded.backbone == "i3d"
    manifest = json.loads((copy / "manifest.json").read_text())
    EDITS[edit][0](manifest)
    (copy / "manifest.json").write_text(json.dumps(manifest))
    edited = AnalysisRequest(video, model=ModelChoice(pack=copy / "manifest.json")).inputs()
    assert (edited.backbone, edited.weights_sha256, edited.classifier_sha256) == (None,) * 3
