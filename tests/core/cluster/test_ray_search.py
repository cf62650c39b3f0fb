"""`search --engine ray`: a 3-trial Ray Tune search gives the local search's report, and a search
whose driver was stopped (Ctrl-C) resumes from its experiment folder without redoing finished
trials; the folder of one search refuses another.

The stopped driver is a real `semioscope search` process joining the tests' local Ray instance
through ``--address``; the resumed one runs in this process. Features come from a stand-in
backbone (search is about training), 8 patients of one short window each, and the epochs are
capped at 10, so each trial takes seconds.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from semioscope.cli import main
from semioscope.core.training.cache import extract_features
from semioscope.core.training.manifest import load_manifest
from tests.core.cluster.conftest import write_dataset
from tests.core.training.test_cache import FakeBackbone
from tests.interrupts import INTERRUPTED

CONFIG = 'batch_size = 8\nthreads = 1\nepochs = 2\n'


def _checkpoints(experiment: Path) -> dict[str, list[dict[str, Any]]]:
    """Each trial's checkpointed states so far, in order (saved as they are reported)."""
    out: dict[str, list[dict[str, Any]]] = {}
    for trial in sorted(p for p in experiment.iterdir() if p.is_dir()):
        states = sorted(trial.glob("checkpoint_*/state.json"))
        out[trial.name] = [json.loads(s.read_text()) for s in states]
    return out


def _finished(experiment: Path) -> int:
    return sum(bool(s) and "overall" in s[-1] for s in _checkpoints(experiment).values())


def _second_trial_started(experiment: Path) -> bool:
    """One trial finished and another has checkpointed its first outer fold."""
    if not experiment.is_dir():
        return False
    try:
        states = _checkpoints(experiment).values()
    except json.JSONDecodeError:   # Tune is copying a checkpoint into place: not there yet
        return False
    return _finished(experiment) == 1 and any(s and "overall" not in s[-1] for s in states)


def _wait_for(condition: Any, process: subprocess.Popen[str], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)   # polling a condition (a finished trial), with a deadline


def test_ray_search_matches_local_and_resumes_after_the_driver_is_stopped(
        ray_local: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    manifest = write_dataset(tmp_path, [12] * 8)
    extract_features(load_manifest(manifest), tmp_path / "cache", backbone=FakeBackbone())
    (tmp_path / "cfg.toml").write_text(CONFIG)
    data = [str(manifest), "--cache", str(tmp_path / "cache"), "--config",
            str(tmp_path / "cfg.toml"), "--allow-untrained", "--folds", "2", "--inner-folds", "2",
            "--max-epochs", "10"]
    common = [*data, "--trials", "3"]
    assert main(["search", *common, "--out", str(tmp_path / "local")]) == 0

    out = tmp_path / "ray"
    address = ray_local.get_runtime_context().gcs_address
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
    driver = subprocess.Popen(
        [sys.executable, "-m", "semioscope", "search", *common, "--out", str(out),
         "--engine", "ray", "--address", address, "--workers", "1"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        _wait_for(lambda: _second_trial_started(out / "tune"), driver, 240)
        driver.send_signal(signal.SIGINT)   # Ctrl-C while the second trial runs
        _, err = driver.communicate(timeout=120)
    finally:
        if driver.poll() is None:
            driver.kill()
            driver.wait()
    assert driver.returncode in INTERRUPTED, err
    assert "run the same command again to resume" in err
    assert not (out / "search.json").exists()
    before = _checkpoints(out / "tune")
    assert 1 <= _finished(out / "tune") < 3   # (the second may finish while Tune stops)

    capsys.readouterr()
    assert main(["search", *common, "--out", str(out), "--engine", "ray", "--workers", "2"]) == 0
    assert "best config" in capsys.readouterr().out
    after = _checkpoints(out / "tune")
    assert len(after) == 3 and _finished(out / "tune") == 3
    for trial, old in before.items():
        if not old:
            continue
        assert after[trial][:len(old)] == old              # kept, never redone
        if "overall" in old[-1]:
            assert after[trial] == old                     # the finished trial did not run
        else:                                              # resumed from its checkpoint
            fits = [s["fits"] for s in after[trial]]
            assert fits == sorted(set(fits)) and len(after[trial]) > len(old)
    ray_report = json.loads((out / "search.json").read_text())
    local_report = json.loads((tmp_path / "local" / "search.json").read_text())
    assert ray_report == local_report            # same draws, folds, scores and selection
    assert (out / "best.toml").read_text() == (tmp_path / "local" / "best.toml").read_text()
    assert "Nested estimate" in (out / "summary.md").read_text()
    assert main(["search", *data, "--trials", "2", "--out", str(out), "--engine", "ray"]) == 2                 # another search in the same folder
    assert "holds a search with other settings or other data" in capsys.readouterr().err
