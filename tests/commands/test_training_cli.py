"""extract -> cv -> train through the real CLI on a tiny synthetic dataset (untrained I3D);
search refusing a dataset too small for its inner folds.

Four 12-frame videos (one short window each) keep the backbone cost to a few seconds; the
training settings come from a config file with tiny layers and few epochs.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from semioscope.cli import main
from semioscope.core.models.classifier import load_classifier
from semioscope.core.video.writer import write_ffv1

CONFIG = ('epochs = 4\nbatch_size = 8\nfolds = 2\nthreads = 1\n'
          '[model]\nlstm1 = 8\nlstm2 = 8\nfc1 = 8\nfc2 = 8\n')


@pytest.fixture
def dataset(tmp_path: Path) -> Path:
    rows = []
    for p in range(4):
        rng = np.random.default_rng(p)
        level = 9000 if p % 2 else 1000
        frames = [(rng.integers(0, 2000, (40, 48)) + level).astype(np.uint16) for _ in range(12)]
        write_ffv1(tmp_path / f"v{p}.mkv", frames, fps=30)
        rows.append(f"v{p}.mkv,P{p},S{p},{'TLE' if p % 2 else 'FLE'},,,\"0,0,48,40\"")
    (tmp_path / "manifest.csv").write_text(
        "video,patient_id,seizure_id,label,onset_s,offset_s,crop\n" + "\n".join(rows) + "\n")
    (tmp_path / "cfg.toml").write_text(CONFIG)
    return tmp_path


def test_extract_cv_train(dataset: Path, capsys: pytest.CaptureFixture[str]) -> None:
    d = dataset
    common = [str(d / "manifest.csv"), "--cache", str(d / "cache")]
    assert main(["extract", *common, "--allow-untrained", "--threads", "2"]) == 0
    assert "4 seizure(s) extracted (4 windows), 0 already cached" in capsys.readouterr().out
    training = [*common, "--config", str(d / "cfg.toml")]
    assert main(["cv", *training, "--out", str(d / "rep"), "--bootstrap", "20"]) == 2
    assert "--allow-untrained" in capsys.readouterr().err
    assert main(["cv", *training, "--out", str(d / "rep"), "--bootstrap", "20",
                 "--allow-untrained"]) == 0
    report = json.loads((d / "rep" / "cv.json").read_text())
    assert len(report["folds"]) == 2 and report["config"]["epochs"] == 4
    assert all(not set(f["train_patients"]) & set(f["val_patients"]) for f in report["folds"])
    assert "say nothing about clinical accuracy" in (d / "rep" / "summary.md").read_text()
    model_file = d / "model.safetensors"
    assert main(["train", *training, "--out", str(model_file), "--cv-report", str(d / "rep"),
                 "--allow-untrained"]) == 0
    model, meta = load_classifier(model_file)
    assert meta.trained and not meta.backbone_pretrained and meta.backbone == "i3d"
    assert meta.backbone_weights_sha256 is None and not meta.demo   # random features, on record
    demo_file = d / "demo.safetensors"
    assert main(["train", *training, "--out", str(demo_file), "--cv-report", str(d / "rep"),
                 "--allow-untrained", "--demo"]) == 0
    assert load_classifier(demo_file)[1].demo is True
    assert meta.threshold == report["decision"]["threshold"]
    assert list(meta.uncertain_band) == report["decision"]["band"]
    assert meta.training["data"]["TLE"]["seizures"] == 2
    assert meta.metrics["summary"] == report["summary"]
    assert model.config.lstm1 == 8
    assert main(["search", *training, "--out", str(d / "search"), "--allow-untrained",
                 "--trials", "2", "--folds", "2", "--inner-folds", "2", "--max-epochs", "2"]) == 2
    assert "too few patients per class for 2 inner folds" in capsys.readouterr().err
    assert not (d / "search").exists()
    (d / "cfg.toml").write_text(CONFIG.replace("epochs = 4", "epochs = 5"))
    assert main(["train", *training, "--out", str(d / "m2.safetensors"), "--cv-report",
                 str(d / "rep"), "--allow-untrained"]) == 2
    assert "another config (epochs differ)" in capsys.readouterr().err
    assert not (d / "m2.safetensors").exists()


def test_bad_manifest_row_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "m.csv").write_text("video,patient_id,seizure_id,label\nnope.mkv,P1,S1,FLE\n")
    assert main(["extract", str(tmp_path / "m.csv"), "--cache", str(tmp_path / "c"),
                 "--allow-untrained"]) == 2
    err = capsys.readouterr().err.strip()
    assert err == f"semioscope: error: {tmp_path / 'm.csv'} line 2: video nope.mkv does not exist"


def test_training_without_extracted_features_exits_2(
        dataset: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["train", str(dataset / "manifest.csv"), "--cache", str(dataset / "none"),
                 "--out", str(dataset / "m.safetensors")]) == 2
    assert "line 2: no cached features" in capsys.readouterr().err


def test_extract_interrupted_says_how_many_feature_files_it_completed(tmp_path: Path):
    """Ctrl-C after the first video: the finished files are kept and counted, not denied."""
    import json as _json
    import os
    import signal
    import subprocess
    import sys
    import time

    import numpy as np

    from tests.interrupts import INTERRUPTED

    rows = ["video,patient_id,seizure_id,label"]
    for i in range(8):
        frames = np.random.default_rng(i).integers(0, 60000, (180, 32, 32), dtype=np.uint16)
        np.save(tmp_path / f"v{i}.npy", frames)
        rows.append(f"v{i}.npy,P{i},S{i},{'FLE' if i % 2 else 'TLE'}")
    (tmp_path / "m.csv").write_text("\n".join(rows) + "\n")
    cache = tmp_path / "cache"
    proc = subprocess.Popen([sys.executable, "-m", "semioscope", "extract", str(tmp_path / "m.csv"),
                             "--cache", str(cache), "--allow-untrained", "--threads", "1",
                             "--runtime", "torch"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 240
    index = cache / "index.json"
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            if _json.loads(index.read_text()).get("entries"):
                break
        except (OSError, ValueError):
            pass
        time.sleep(0.1)
    assert proc.poll() is None, "extract finished before it could be interrupted"
    os.kill(proc.pid, signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode in INTERRUPTED, err
    kept = len(_json.loads(index.read_text())["entries"])
    assert 1 <= kept < 8
    assert f"interrupted; {kept} feature file(s) completed in this run are kept" in err, err
    assert "no partial output was written" not in err
