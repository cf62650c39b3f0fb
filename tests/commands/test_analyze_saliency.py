"""`semioscope analyze --saliency`: maps beside the results, referenced from them, scores unchanged."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from semioscope.cli import main
from semioscope.core.explain import saliency_for_results
from semioscope.core.geometry import Box
from semioscope.core.hashing import file_sha256
from semioscope.core.results import load_results
from semioscope.core.video.writer import write_ffv1
from tests.commands.test_analyze_cli import blob_frames


@pytest.fixture(scope="module")
def video(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("saliency")
    path = base / "v.mkv"
    write_ffv1(path, blob_frames(90), fps=30)
    crop = base / "crop.json"
    crop.write_text(json.dumps({
        "box": {"x": 8, "y": 4, "w": 80, "h": 70}, "source": "auto", "status": "ok",
        "reasons": [], "frames": [{"index": 0, "detections": [
            {"label": "person", "score": 0.9, "box": {"x": 30, "y": 20, "w": 36, "h": 40}},
            {"label": "bed", "score": 0.9, "box": {"x": 20, "y": 10, "w": 56, "h": 60}}]}]}))
    return path, crop


def test_saliency_sidecar_is_written_referenced_and_changes_no_score(video, tmp_path,
                                                                    capsys) -> None:
    path, crop = video
    common = [str(path), "--allow-untrained", "--crop-file", str(crop), "--onset", "0",
              "--offset", "2.4", "--threads", "2"]
    out = tmp_path / "r.json"
    assert main(["analyze", *common, "--saliency", "--out", str(out)]) == 0
    assert "saliency (Grad-CAM per window) written to" in capsys.readouterr().out
    plain = tmp_path / "plain.json"
    assert main(["analyze", *common, "--out", str(plain)]) == 0
    results, without = json.loads(out.read_text()), json.loads(plain.read_text())
    assert "saliency" not in without
    assert [w["p_tle"] for w in results["windows"]] == [w["p_tle"] for w in without["windows"]]
    section = results["saliency"]
    sidecar = tmp_path / section["file"]
    assert sidecar.name == "r.saliency.npz" and section["sha256"] == file_sha256(sidecar)
    assert section["layer"] == "i3d Mixed_5c" and section["method"] == "Grad-CAM"
    assert section["box"] == {"x": 8, "y": 4, "w": 80, "h": 70}
    assert section["subject_box"] == {"x": 20, "y": 10, "w": 56, "h": 60}
    assert [w["index"] for w in section["windows"]] == [0, 1]        # 60 and 12 frames
    saliency = saliency_for_results(load_results(out), out)
    assert saliency is not None and saliency.box == Box(8, 4, 80, 70)
    for window, stored in zip(section["windows"], saliency.maps, strict=True):
        assert np.isfinite(stored).all() and stored.min() >= 0 and stored.max() <= 1
        assert window["target"] in ("FLE", "TLE") and 0 <= window["on_subject"] <= 1
