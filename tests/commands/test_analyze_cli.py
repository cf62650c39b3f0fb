"""`semioscope analyze` through the real CLI: one full I3D run, resampling, every bad input, Ctrl-C.

The one full run (9 s -> 5 I3D windows at 224x224, in two batches: four full windows and the
leftover second) is the expensive test here; every other case uses a span of a few frames or
fails before the first window.
"""

from __future__ import annotations

import dataclasses
import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from semioscope import UNTRAINED_WARNING
from semioscope.cli import main
from semioscope.core.preprocess import PREPROCESSING_VERSION
from semioscope.core.results import CropInfo, load_results
from semioscope.core.trust import assess
from semioscope.core.video.writer import write_ffv1
from tests.interrupts import INTERRUPTED
from tests.sample_results import window_index

WIDTH, HEIGHT = 96, 80


def blob_frames(n: int, fps: float = 30.0) -> list[np.ndarray]:
    """Small 16-bit IR-like frames: a warm blob moving over a dark bed, plus sensor noise."""
    rng = np.random.default_rng(n)
    yy, xx = np.mgrid[0:HEIGHT, 0:WIDTH].astype(np.float32)
    frames = []
    for i in range(n):
        cx = WIDTH / 2 + 20 * np.sin(2 * np.pi * i / fps)
        blob = 9000 * np.exp(-(((xx - cx) / 12) ** 2 + ((yy - HEIGHT / 2) / 18) ** 2))
        noise = rng.normal(0, 150, (HEIGHT, WIDTH))
        frames.append(np.clip(2500 + blob + noise, 0, 65535).astype(np.uint16))
    return frames


@pytest.fixture(scope="module")
def media(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The videos and classifier files every test here shares (written once)."""
    from semioscope.core.models.classifier import random_classifier, save_classifier

    base = tmp_path_factory.mktemp("analyze")
    paths = {"v21": base / "v21.mkv", "v25": base / "v25.mkv", "v9": base / "v9.mkv",
             "full": base / "full.mkv"}
    write_ffv1(paths["v21"], blob_frames(630), fps=30)
    write_ffv1(paths["full"], blob_frames(270), fps=30)
    write_ffv1(paths["v25"], blob_frames(100, fps=25), fps=25)
    write_ffv1(paths["v9"], blob_frames(9), fps=30)
    data = bytearray(paths["v21"].read_bytes())
    data[len(data) // 3: len(data) // 3 + 20000] = bytes(20000)  # frames destroyed mid-file
    paths["corrupt"] = base / "corrupt.mkv"
    paths["corrupt"].write_bytes(bytes(data))
    model, meta = random_classifier(7, "i3d")
    meta = dataclasses.replace(meta, threshold=0.5, uncertain_band=(0.45, 0.55))
    paths["clf"] = base / "clf.pt"
    save_classifier(paths["clf"], model, meta)
    paths["clf_s3d"] = base / "clf_s3d.pt"
    save_classifier(paths["clf_s3d"], model, dataclasses.replace(meta, backbone="s3d"))
    paths["clf_oldpre"] = base / "clf_old.pt"
    save_classifier(paths["clf_oldpre"], model,
                    dataclasses.replace(meta, preprocessing_version="paper-v0"))
    paths["not_clf"] = base / "not_a_classifier.pt"
    paths["not_clf"].write_bytes(b"this is not a model" * 10)
    paths["crop_json"] = base / "crop.json"
    paths["crop_json"].write_text(json.dumps({
        "box": {"x": 8, "y": 4, "w": 80, "h": 70}, "source": "auto", "status": "needs_review",
        "reasons": ["low_confidence"]}))
    return paths


def semioscope(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "semioscope", *args],
                          capture_output=True, text=True, timeout=300)


@pytest.mark.slow
def test_full_9_second_run(media: dict[str, Path], tmp_path: Path) -> None:
    out, csv = tmp_path / "r.json", tmp_path / "w.csv"
    run = semioscope("analyze", str(media["full"]), "--classifier", str(media["clf"]),
                     "--allow-untrained", "--crop-file", str(media["crop_json"]),
                     "--batch-size", "4", "--threads", "2", "--out", str(out), "--csv", str(csv))
    assert run.returncode == 0, run.stderr
    assert UNTRAINED_WARNING.upper() in run.stderr and "verdict:" in run.stdout
    results = load_results(out)
    windows = results.windows
    assert [w.n_frames for w in windows] == [60] * 4 + [30]
    assert windows[0].start_s == 0 and windows[-1].end_s == pytest.approx(9.0)
    assert all(a.end_s == pytest.approx(b.start_s)
               for a, b in zip(windows, windows[1:], strict=False))
    assert all(0.0 <= w.p_tle <= 1.0 for w in windows)
    assert len({round(w.p_tle, 9) for w in windows}) > 1  # windows differ, not one constant
    assert UNTRAINED_WARNING in [r.text for r in assess(results).reasons]
    assert results.resampled_to_30fps is False
    assert results.crop == CropInfo(8, 4, 80, 70, source="auto", status="needs_review",
                                    reasons=("low_confidence",))
    assert results.model.preprocessing_version == PREPROCESSING_VERSION
    assert results.model.classifier_path == str(media["clf"])
    assert results.mapping.name == "kinect"
    summary = results.summary
    assert summary.n_windows == 5
    assert summary.n_fle + summary.n_tle + summary.n_uncertain == 5
    assert summary.p_tle_mean == pytest.approx(np.mean([w.p_tle for w in windows]))
    assert window_index(results).at_frame(269) == 4
    rows = csv.read_text().splitlines()
    assert rows[0].startswith("index,start_s,end_s") and len(rows) == 6


def test_25_fps_video_is_resampled_to_2_second_windows(media: dict[str, Path],
                                                       tmp_path: Path) -> None:
    out = tmp_path / "r25.json"
    code = main(["analyze", str(media["v25"]), "--allow-untrained", "--onset", "1.0",
                 "--offset", "3.4", "--threads", "2", "--out", str(out)])
    assert code == 0
    results = json.loads(out.read_text())
    assert results["resampled_to_30fps"] is True
    assert any("resampled" in w for w in results["warnings"])
    assert [(w["start_s"], w["end_s"], w["n_frames"]) for w in results["windows"]] == [
        (1.0, 3.0, 60), (3.0, 3.4, 12)]
    assert results["video"]["fps"] == 25.0
    assert results["span"]["start_frame"] == 25 and results["span"]["end_frame"] == 85
    assert results["format"] == "semioscope-results/2" and results["trust"]["clinical"] is False
    assert any("untrained classifier" in r["text"] for r in results["trust"]["reasons"])
    import torch

    expected_device = "cuda:0" if torch.cuda.is_available() else "cpu"   # auto, not asked
    model = results["model"]
    assert model["runtime"] == f"torch {torch.__version__}"
    assert model["device"].startswith(expected_device)
    if expected_device == "cpu":
        assert model["batch_size"] == 2          # the 2-GB CPU default
    else:
        assert 1 <= model["batch_size"] <= 16    # sized to the GPU's memory


def test_cuda_requested_without_a_gpu_exits_2(media: dict[str, Path], tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str],
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    import torch

    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    code = main(["analyze", str(media["v21"]), "--allow-untrained", "--device", "cuda",
                 "--out", str(tmp_path / "out.json")])
    err = capsys.readouterr().err.strip()
    assert code == 2 and "\n" not in err
    assert err.startswith("semioscope: error: --device: cuda requested, but ")
    assert list(tmp_path.iterdir()) == []


def _bad(media: dict[str, Path], tmp_path: Path, name: str) -> list[str]:
    v21, out = str(media["v21"]), str(tmp_path / "out.json")
    cases = {
        "not_a_classifier": [v21, "--classifier", str(media["not_clf"])],
        "missing_classifier": [v21, "--classifier", str(tmp_path / "nope.pt")],
        "no_classifier": [v21],
        "classifier_for_s3d": [v21, "--classifier", str(media["clf_s3d"]), "--allow-untrained"],
        "old_preprocessing": [v21, "--classifier", str(media["clf_oldpre"]),
                              "--allow-untrained"],
        "crop_outside": [v21, "--allow-untrained", "--crop", "50,40,60,20"],
        "crop_zero": [v21, "--allow-untrained", "--crop", "10,10,0,20"],
        "crop_text": [v21, "--allow-untrained", "--crop", "a,b"],
        "crop_file_bad": [v21, "--allow-untrained", "--crop-file", str(media["not_clf"])],
        "onset_after_offset": [v21, "--allow-untrained", "--onset", "5", "--offset", "4"],
        "onset_outside": [v21, "--allow-untrained", "--onset", "30"],
        "span_too_short": [v21, "--allow-untrained", "--onset", "1", "--offset", "1.2"],
        "video_too_short": [str(media["v9"]), "--allow-untrained"],
        "missing_video": [str(tmp_path / "nope.mkv"), "--allow-untrained"],
        "bad_batch": [v21, "--allow-untrained", "--batch-size", "0"],
        "bad_fps": [v21, "--allow-untrained", "--fps", "-5"],
        "bad_device": [v21, "--allow-untrained", "--device", "tpu"],
    }
    return ["analyze", *cases[name], "--out", out]


BAD_CASES = ["not_a_classifier", "missing_classifier", "no_classifier", "classifier_for_s3d",
             "old_preprocessing", "crop_outside", "crop_zero", "crop_text", "crop_file_bad",
             "onset_after_offset", "onset_outside", "span_too_short", "video_too_short",
             "missing_video", "bad_batch", "bad_fps", "bad_device"]


@pytest.mark.parametrize("case", BAD_CASES)
def test_bad_inputs_exit_2_with_one_line(media: dict[str, Path], tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str], case: str) -> None:
    code = main(_bad(media, tmp_path, case))
    err = capsys.readouterr().err.strip()
    assert code == 2, err
    assert err.startswith("semioscope: error: ") and "\n" not in err
    assert list(tmp_path.iterdir()) == []  # no output, no temporary file


def test_corrupt_video_through_the_process(media: dict[str, Path], tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    run = semioscope("analyze", str(media["corrupt"]), "--allow-untrained", "--onset", "6",
                     "--offset", "9", "--threads", "2", "--out", str(out))
    lines = run.stderr.strip().splitlines()
    assert run.returncode == 2, run.stderr
    assert len(lines) == 1 and "corrupt.mkv" in lines[0]
    assert list(tmp_path.iterdir()) == []


def test_ctrl_c_leaves_no_output(media: dict[str, Path], tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    proc = subprocess.Popen([sys.executable, "-m", "semioscope", "analyze", str(media["v21"]),
                             "--allow-untrained", "--threads", "1", "--out", str(out)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(6)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode in INTERRUPTED, err
    assert "no partial output" in err
    assert list(tmp_path.iterdir()) == []
