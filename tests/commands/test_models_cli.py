"""`semioscope models fetch|list|inspect|verify` through the real entry point (in-process)."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from pathlib import Path

import pytest

from semioscope.cli import main
from semioscope.core.models import registry
from tests.core.models.test_fetch import server  # noqa: F401  (fixture)

PAYLOAD = b"pretend weights " * 50_000
SHA = hashlib.sha256(PAYLOAD).hexdigest()


@pytest.fixture
def patched(monkeypatch: pytest.MonkeyPatch) -> registry.WeightFile:
    entry = dataclasses.replace(registry.WEIGHT_FILES["i3d"], sha256=SHA, size=len(PAYLOAD))
    monkeypatch.setitem(registry.WEIGHT_FILES, "i3d", entry)
    return entry


def test_list_fetch_list(server, patched, capsys) -> None:  # noqa: F811
    base, root = server
    assert main(["models", "list", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    rows = {r["name"]: r for r in listed if r["via"] == "fetch"}
    assert set(rows) == set(registry.WEIGHT_FILES)
    imported = [r for r in listed if r["via"] == "import"]
    assert [r["name"] for r in imported] == list(registry.IMPORTED_FILES)
    assert rows["i3d"]["present"] is False and rows["i3d"]["file"] == str(patched.cached_path)
    assert rows["s3d"]["sha256_is_prefix"] is True
    (root / "w.pt").write_bytes(PAYLOAD)
    assert main(["models", "fetch", "i3d", "--url", f"{base}/w.pt"]) == 0
    out = capsys.readouterr().out
    assert "downloaded and verified" in out and str(patched.cached_path) in out and SHA in out
    assert main(["models", "list"]) == 0
    text = capsys.readouterr().out
    i3d_line = next(line for line in text.splitlines() if line.startswith("i3d"))
    assert "present" in i3d_line and "missing files" in text      # the others still missing


def test_fetch_refusals_exit_2(server, patched, capsys) -> None:  # noqa: F811
    base, root = server
    (root / "bad.pt").write_bytes(PAYLOAD[:-1] + b"!")
    assert main(["models", "fetch", "i3d", "--url", f"{base}/bad.pt"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("semioscope: error: ") and "SHA-256 mismatch" in err
    assert len(err.splitlines()) == 1
    assert not patched.cached_path.exists()
    assert main(["models", "fetch", "all", "--url", f"{base}/bad.pt"]) == 2
    assert "single model name" in capsys.readouterr().err


def test_inspect_a_classifier(tmp_path: Path, capsys) -> None:
    from semioscope.core.models.classifier import random_classifier, save_classifier

    model, meta = random_classifier(0)
    meta = dataclasses.replace(meta, metrics={"f1_macro": 0.81}, threshold=0.45,
                               mapping={"name": "kinect"})
    path = tmp_path / "c.semio"
    save_classifier(path, model, meta)
    assert main(["models", "inspect", str(path), "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["backbone"] == "i3d" and info["threshold"] == 0.45
    assert info["metrics"] == {"f1_macro": 0.81} and info["trained"] is False
    assert info["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert main(["models", "inspect", str(path)]) == 0
    text = capsys.readouterr().out
    assert "UNTRAINED" in text and "threshold 0.45" in text and "f1_macro: 0.81" in text
    junk = tmp_path / "junk.semio"
    junk.write_text("nope")
    assert main(["models", "inspect", str(junk)]) == 2
    assert str(junk) in capsys.readouterr().err


def test_verify(tmp_path: Path, patched, capsys) -> None:
    good = tmp_path / "copied.pt"
    good.write_bytes(PAYLOAD)
    assert main(["models", "verify", str(good), "--name", "i3d"]) == 0
    out = capsys.readouterr().out
    assert "OK" in out and str(patched.cached_path) in out
    good.write_bytes(PAYLOAD + b"x")
    assert main(["models", "verify", str(good), "--name", "i3d"]) == 2
    assert "does not match the official i3d" in capsys.readouterr().err


def _site_weights(path: Path, poison: bool = False) -> Path:
    """A full I3D state dict, as a fine-tuning run saves it (random numbers, same shapes)."""
    import torch

    from semioscope.core.models.i3d import InceptionI3d

    state = InceptionI3d().state_dict()
    if poison:
        first = next(k for k, v in state.items() if torch.is_floating_point(v))
        state[first] = state[first].clone().fill_(float("nan"))
    torch.save(state, path)
    return path


def test_register_own_weights(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    weights = _site_weights(tmp_path / "site_i3d.pt")
    assert main(["models", "register", str(weights), "--name", "i3d",
                 "--note", "fine-tuned on site data"]) == 0
    out = capsys.readouterr().out
    assert "registered as this site's own i3d weights" in out
    assert "all finite, loaded strictly into i3d" in out
    status, note = registry.weights_status("i3d", hashlib.sha256(weights.read_bytes()).hexdigest())
    assert status == "registered" and note is not None and note.endswith("fine-tuned on site data")
    assert main(["models", "register", str(tmp_path / "missing.pt"), "--name", "i3d",
                 "--note", "x"]) == 2
    assert "missing.pt" in capsys.readouterr().err


@pytest.mark.parametrize("kind", ["not weights", "NaN tensor", "pickled code"])
def test_register_refuses_what_does_not_load_cleanly(tmp_path: Path, capsys, kind: str) -> None:
    import pickle

    path = tmp_path / "w.pt"
    if kind == "not weights":
        path.write_bytes(b"our own fine-tuned backbone")
    elif kind == "NaN tensor":
        _site_weights(path, poison=True)
    else:   # a pickle that would run code when unpickled: weights_only refuses it
        path.write_bytes(pickle.dumps(print))
    assert main(["models", "register", str(path), "--name", "i3d", "--note", "x"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("semioscope: error: "), err
    from semioscope.core.models.own_weights import registrations

    assert registrations() == []
