"""Image-folder videos: every frame file is checked when the folder is opened; a bad one is named."""

from __future__ import annotations

import os
from pathlib import Path

import cv2
import numpy as np
import pytest

from semioscope.cli import main
from semioscope.core.video import open_video
from semioscope.errors import VideoError
from tests.indexed_clips import index_frame, read_index


def _folder(tmp_path: Path, n: int = 8, suffix: str = ".png", bit_depth: int = 8) -> Path:
    folder = tmp_path / "frames"
    folder.mkdir()
    for i in range(n):
        assert cv2.imwrite(str(folder / f"f{i:04d}{suffix}"), index_frame(i, bit_depth=bit_depth))
    return folder


@pytest.mark.parametrize("suffix, depth", [(".png", 8), (".png", 16), (".tif", 16)])
def test_good_folders_read_exactly(tmp_path: Path, suffix: str, depth: int):
    folder = _folder(tmp_path, suffix=suffix, bit_depth=depth)
    with open_video(folder) as video:
        assert video.properties.frames == 8 and video.properties.bit_depth == depth
        assert [read_index(video.read(i)) for i in (7, 0, 4)] == [7, 0, 4]


def _zero_byte(folder: Path) -> Path:
    bad = folder / "f0005.png"
    bad.write_bytes(b"")
    return bad


def _not_an_image(folder: Path) -> Path:
    bad = folder / "f0003.png"
    bad.write_text("not a picture\n" * 10)
    return bad


def _other_depth(folder: Path) -> Path:
    bad = folder / "f0006.png"
    cv2.imwrite(str(bad), index_frame(6, bit_depth=16))
    return bad


def _other_size(folder: Path) -> Path:
    bad = folder / "f0002.png"
    cv2.imwrite(str(bad), np.zeros((10, 12), np.uint8))
    return bad


def _broken_link(folder: Path) -> Path:
    bad = folder / "f0004.png"
    bad.unlink()
    os.symlink(folder / "gone.png", bad)
    return bad


def _bad_tiff(folder: Path) -> Path:
    bad = folder / "f0001.png"
    bad.unlink()
    bad = folder / "f0001.tif"
    bad.write_bytes(b"II*\x00" + b"\x00" * 12)
    return bad


@pytest.mark.parametrize("spoil, message", [
    (_zero_byte, r"empty \(0 bytes\)"), (_not_an_image, "not a PNG"),
    (_other_depth, "16-bit frame differs"), (_other_size, "frame size 12x10 differs"),
    (_broken_link, "missing"), (_bad_tiff, "not a TIFF"),
])
def test_a_bad_frame_is_named_when_the_folder_opens(tmp_path: Path, capsys, spoil, message):
    folder = _folder(tmp_path)
    bad = spoil(folder)
    with pytest.raises(VideoError, match=message) as caught:
        open_video(folder)
    assert caught.value.subject == str(bad)
    assert main(["info", str(folder)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(f"semioscope: error: {bad}: ")


def test_a_gap_in_the_numbering_is_a_missing_frame(tmp_path: Path):
    folder = _folder(tmp_path)
    (folder / "f0003.png").unlink()
    with pytest.raises(VideoError, match="frame 3 is missing: the numbering jumps from 2 to 4"):
        open_video(folder)
