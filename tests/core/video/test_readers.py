from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from semioscope.core.video import KINECT, open_video, percentile_mapping
from semioscope.core.video.writer import write_ffv1, write_png_sequence
from semioscope.errors import VideoError
from tests.conftest import ramp_frames


def test_ffv1_16bit_roundtrip_is_bit_exact(mkv16):
    path, frames = mkv16
    with open_video(path) as video:
        p = video.properties
        assert (p.frames, p.fps, p.width, p.height, p.bit_depth) == (45, 30.0, 80, 64, 16)
        read = [f for chunk in video.iter_chunks(chunk=7) for f in chunk]
    assert len(read) == len(frames)
    for got, want in zip(read, frames, strict=True):
        assert got.dtype == np.uint16
        np.testing.assert_array_equal(got, want)


def test_random_access_equals_sequential(mkv16):
    path, frames = mkv16
    with open_video(path) as video:
        for i in [44, 0, 31, 30, 5, 6, 7, 20, 12, 11]:
            np.testing.assert_array_equal(video.read(i), frames[i])
        chunks = list(video.iter_chunks(start=10, stop=25, chunk=4))
    assert [len(c) for c in chunks] == [4, 4, 4, 3]
    np.testing.assert_array_equal(np.concatenate(chunks), np.stack(frames[10:25]))


def test_8bit_mkv(tmp_path: Path):
    frames = ramp_frames(20, dtype=np.uint8)
    write_ffv1(tmp_path / "c8.mkv", frames, fps=25)
    with open_video(tmp_path / "c8.mkv") as video:
        assert video.properties.bit_depth == 8
        assert video.properties.fps == 25.0  # reported, never assumed to be 30
        np.testing.assert_array_equal(video.read(13), frames[13])


@pytest.mark.parametrize("dtype", [np.uint8, np.uint16])
def test_png_folder_natural_order_and_random_access(tmp_path: Path, dtype):
    frames = ramp_frames(12, dtype=dtype)
    folder = tmp_path / "frames"
    folder.mkdir()
    import cv2

    for i, f in enumerate(frames):  # unpadded numbers: natural sort must put 2 before 10
        cv2.imwrite(str(folder / f"f{i}.png"), f)
    with open_video(folder) as video:
        assert video.properties.frames == 12
        assert video.properties.fps_source == "assumed"
        assert video.properties.bit_depth == (16 if dtype == np.uint16 else 8)
        seq = np.concatenate(list(video.iter_chunks(chunk=5)))
        for i in [11, 2, 10, 0]:
            np.testing.assert_array_equal(video.read(i), frames[i])
            np.testing.assert_array_equal(seq[i], frames[i])


def test_png_writer_roundtrip(tmp_path: Path):
    frames = ramp_frames(5)
    write_png_sequence(tmp_path / "seq", frames)
    with open_video(tmp_path / "seq") as video:
        np.testing.assert_array_equal(video.read(4), frames[4])


def test_npy_is_memory_mapped_and_pickle_refused(tmp_path: Path):
    arr = np.stack(ramp_frames(8))
    np.save(tmp_path / "a.npy", arr)
    with open_video(tmp_path / "a.npy", fps=15) as video:
        assert video.properties.fps == 15 and video.properties.fps_source == "user"
        np.testing.assert_array_equal(video.read(7), arr[7])
    np.save(tmp_path / "p.npy", np.array([{"evil": 1}], dtype=object), allow_pickle=True)
    with pytest.raises(VideoError, match="pickled"):
        open_video(tmp_path / "p.npy")


def test_mapping_is_the_same_for_every_frame(mkv16):
    path, frames = mkv16
    with open_video(path) as video:
        mapping = percentile_mapping(video)
        lut = mapping.lut
        for i in (0, 20, 44):
            np.testing.assert_array_equal(mapping.apply(video.read(i)), lut[frames[i]])
    # kinect: the InfraredBasics sample's fixed formula
    v = np.array([0, 100, 3000, 15000, 15729, 40000], dtype=np.uint16)
    expected = (np.clip(v / 65535 / 0.24, 0.01, 1.0) * 255).astype(np.uint8)
    np.testing.assert_array_equal(KINECT.apply(v), expected)
    assert KINECT.apply(np.array([65535], dtype=np.uint16))[0] == 255


def test_mixed_sizes_in_folder_refused(tmp_path: Path):
    import cv2

    folder = tmp_path / "mixed"
    folder.mkdir()
    cv2.imwrite(str(folder / "0.png"), np.zeros((10, 10), np.uint8))
    cv2.imwrite(str(folder / "1.png"), np.zeros((12, 10), np.uint8))
    with pytest.raises(VideoError, match="differs"):
        open_video(folder)


def test_writer_is_byte_deterministic(tmp_path: Path):
    frames = ramp_frames(6)
    write_ffv1(tmp_path / "a.mkv", frames)
    write_ffv1(tmp_path / "b.mkv", frames)
    assert (tmp_path / "a.mkv").read_bytes() == (tmp_path / "b.mkv").read_bytes()


def test_atomic_write_keeps_usual_permissions_and_old_file_on_failure(tmp_path: Path):
    import os

    from semioscope.core.atomic import atomic_path, write_text

    target = tmp_path / "state.json"
    write_text(target, "good")
    mask = os.umask(0)
    os.umask(mask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~mask
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_text("half")
        raise RuntimeError("crash while saving")
    assert target.read_text() == "good"
    assert [p.name for p in tmp_path.iterdir()] == ["state.json"]
    with atomic_path(target) as tmp:      # a writer that deletes and recreates its file 0600
        tmp.unlink()
        os.close(os.open(tmp, os.O_CREAT | os.O_WRONLY, 0o600))
    assert target.stat().st_mode & 0o777 == 0o666 & ~mask
