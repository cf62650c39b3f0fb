"""Property tests of the readers: any bytes in, a result or one :class:`SemioscopeError` out, fast.

Hypothesis writes arbitrary bytes (and near-valid texts built from the formats' own pieces) to a
file and hands it to each reader users reach: the manifest, results, crop record, training
config, pack manifest and video readers. Anything but a value or a SemioscopeError (a traceback
the CLI would print as "internal error") fails, and so does a call slower than its deadline.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from semioscope.errors import SemioscopeError

SETTINGS = settings(max_examples=60, deadline=timedelta(seconds=3),
                    suppress_health_check=[HealthCheck.too_slow])

#: JSON values of every shape, to build near-valid records from
JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
                    lambda inner: st.lists(inner, max_size=4)
                    | st.dictionaries(st.text(max_size=8), inner, max_size=4), max_leaves=12)


def _read(name: str, data: bytes, reader: Callable[[Path], Any]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        try:
            reader(path)
        except SemioscopeError as exc:
            assert str(exc).strip() and "\n" not in str(exc)


def _manifest(path: Path) -> Any:
    from semioscope.core.manifest import read_manifest

    return read_manifest(path)


def _results(path: Path) -> Any:
    from semioscope.core.results import load_results

    return load_results(path)


def _crop(path: Path) -> Any:
    from semioscope.core.crop.record import read_crop_file

    return read_crop_file(path)


def _config(path: Path) -> Any:
    from semioscope.core.training.config import load_config

    return load_config(path)


def _pack(path: Path) -> Any:
    from semioscope.core.runtime.pack import ModelPack

    return ModelPack.open(path.parent)


def _video(path: Path) -> Any:
    from semioscope.core.video import open_video

    with open_video(path) as reader:
        return reader.properties


READERS = {"manifest.csv": _manifest, "results.json": _results, "crop.json": _crop,
           "train.toml": _config, "manifest.json": _pack}


@pytest.mark.parametrize("name", list(READERS))
@SETTINGS
@given(data=st.binary(max_size=2048))
def test_any_bytes(name: str, data: bytes) -> None:
    _read(name, data, READERS[name])


@SETTINGS
@given(value=JSON)
def test_json_records_of_any_shape(value: Any) -> None:
    text = json.dumps(value).encode()
    for name in ("results.json", "crop.json", "manifest.json"):
        _read(name, text, READERS[name])


@SETTINGS
@given(rows=st.lists(st.lists(st.sampled_from(
    ["a.mkv", "P1", "S1", "FLE", "TLE", "", "1.5", "-3", "nan", "inf", "1e309", "0,0,10,10",
     "x.json", "../../etc/passwd", "\x00", "é"]), min_size=1, max_size=8), max_size=6),
       header=st.lists(st.sampled_from(["video", "patient_id", "seizure_id", "label", "onset_s",
                                        "offset_s", "crop", "crop_file", "extra"]),
                       min_size=1, max_size=8))
def test_manifests_of_manifest_pieces(rows: list[list[str]], header: list[str]) -> None:
    text = "\n".join(",".join(r) for r in [header, *rows]).encode("utf-8", "surrogatepass")
    _read("manifest.csv", text, _manifest)


@settings(max_examples=40, deadline=timedelta(seconds=5),
          suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=4096), suffix=st.sampled_from([".mkv", ".mp4", ".avi", ".npy"]))
def test_any_bytes_as_a_video(data: bytes, suffix: str) -> None:
    _read("v" + suffix, data, _video)


@settings(max_examples=40, deadline=timedelta(seconds=5),
          suppress_health_check=[HealthCheck.too_slow])
@given(cut=st.integers(min_value=0, max_value=4000), flip=st.integers(min_value=0, max_value=4000))
def test_damaged_real_videos(cut: int, flip: int) -> None:
    """A real FFV1 file cut short and with one byte flipped: refused or read, never a crash."""
    data = bytearray(_clip())
    if flip < len(data):
        data[flip] ^= 0xFF
    _read("v.mkv", bytes(data[: max(1, len(data) - cut)]), _video)


_CLIP: list[bytes] = []


def _clip() -> bytes:
    if not _CLIP:
        from semioscope.core.video.writer import write_ffv1
        from tests.conftest import ramp_frames

        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "c.mkv"
            write_ffv1(path, ramp_frames(12, 16, 16), fps=30)
            _CLIP.append(path.read_bytes())
    return _CLIP[0]
