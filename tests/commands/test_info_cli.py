"""The real CLI, as a subprocess: `semioscope info` and every bad video input of the foundation."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from semioscope.core.video.writer import write_ffv1
from tests.conftest import ramp_frames


def semioscope(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "semioscope", *args],
                          capture_output=True, text=True, timeout=120)


def test_info_json(mkv16):
    path, _ = mkv16
    out = semioscope("info", str(path), "--json")
    assert out.returncode == 0, out.stderr
    info = json.loads(out.stdout)
    assert info["frames"] == 45 and info["fps"] == 30.0
    assert (info["width"], info["height"], info["bit_depth"]) == (80, 64, 16)
    assert info["duration_s"] == pytest.approx(1.5)
    assert info["path"] == str(path)


def test_version_and_help_list_every_command():
    from semioscope import __version__
    from semioscope.cli import COMMANDS

    version = semioscope("--version")
    assert version.returncode == 0 and __version__ in version.stdout
    help_text = semioscope("--help").stdout
    for name in COMMANDS:
        assert f"    {name}" in help_text
    assert "not yet implemented" not in help_text


def _truncated(tmp_path: Path) -> Path:
    good = tmp_path / "good.mkv"
    write_ffv1(good, ramp_frames(30), fps=30)
    data = good.read_bytes()
    bad = tmp_path / "truncated.mkv"
    bad.write_bytes(data[: len(data) // 2])
    return bad


def _header_cut(tmp_path: Path) -> Path:
    """Cut inside the container header: FFmpeg never learns the stream's pixel format."""
    good = tmp_path / "good3.mkv"
    write_ffv1(good, ramp_frames(30), fps=30)
    bad = tmp_path / "header_cut.mkv"
    bad.write_bytes(good.read_bytes()[:2000])
    return bad


def _corrupt(tmp_path: Path) -> Path:
    good = tmp_path / "good2.mkv"
    write_ffv1(good, ramp_frames(30), fps=30)
    data = bytearray(good.read_bytes())
    rng = np.random.default_rng(1)
    data[:4096] = rng.integers(0, 256, 4096, dtype=np.uint8).tobytes()  # header destroyed
    bad = tmp_path / "corrupt.mkv"
    bad.write_bytes(bytes(data))
    return bad


def _not_video(tmp_path: Path) -> Path:
    p = tmp_path / "notes.mp4"
    p.write_text("this is a text file, not a video\n" * 50)
    return p


def _empty(tmp_path: Path) -> Path:
    p = tmp_path / "empty.mkv"
    p.write_bytes(b"")
    return p


def _mixed_folder(tmp_path: Path) -> Path:
    import cv2

    folder = tmp_path / "mixed"
    folder.mkdir()
    cv2.imwrite(str(folder / "f1.png"), np.zeros((10, 12), np.uint16))
    cv2.imwrite(str(folder / "f2.png"), np.zeros((11, 12), np.uint16))
    return folder


def _float_npy(tmp_path: Path) -> Path:
    p = tmp_path / "float.npy"
    np.save(p, np.zeros((5, 4, 4), np.float32))
    return p


def _zero_frames(tmp_path: Path) -> Path:
    p = tmp_path / "zero.npy"
    np.save(p, np.zeros((0, 4, 4), np.uint16))
    return p


@pytest.mark.parametrize("make, message", [
    (lambda t: t / "missing.mkv", "no such file"),
    (_empty, "empty"),
    (_truncated, "truncated"),
    (_header_cut, "truncated"),
    (_corrupt, ""),
    (_not_video, "not a readable video"),
    (_mixed_folder, "differs"),
    (_float_npy, "unsupported pixel type"),
    (_zero_frames, "zero frames"),
])
def test_bad_inputs_exit_2_with_one_line(tmp_path: Path, make, message: str):
    path = make(tmp_path)
    out = semioscope("info", str(path))
    assert out.returncode == 2, (out.stdout, out.stderr)
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1, out.stderr
    assert lines[0].startswith(f"semioscope: error: {path}")  # the file, or a frame inside the folder
    assert message in lines[0]
    assert "Traceback" not in out.stderr
