"""Every kind of file an EMU exports, written with PyAV, read back frame-exactly.

Each frame shows its own index in 32x32-pixel blocks (``tests/indexed_clips.py``), so a neighbouring
frame is caught even through a lossy codec; frames are read in order and at shuffled indices.
"""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest

from semioscope.core.video import open_video
from tests.indexed_clips import CLIP_SPECS, ClipSpec, read_index, write_clip

FRAMES = 75

SHORT_GOP = ClipSpec("h264-mp4-gop24", "libx264", ".mp4",
                     options={"bf": "3", "g": "24", "preset": "veryfast"})
HEVC_MKV = ClipSpec("hevc-mkv", "libx265", ".mkv", options=dict(CLIP_SPECS["hevc-mp4"].options))
CASES = [(spec, 30.0) for spec in CLIP_SPECS.values()] + [
    (CLIP_SPECS[name], fps) for name, fps in [
        ("h264-mp4", 25.0), ("h264-mp4", 50.0), ("h264-mkv", 25.0), ("h264-mkv", 50.0),
        ("h264-mov", 25.0), ("h264-mov", 50.0), ("h264-avi", 25.0), ("h264-avi", 50.0),
        ("mpeg4-avi", 25.0)]] + [(SHORT_GOP, 30.0), (SHORT_GOP, 50.0), (HEVC_MKV, 25.0)]


def _check_every_frame(path: Path, frames: int, seed: int = 0) -> None:
    with open_video(path) as video:
        assert video.properties.frames == frames
        assert read_index(video.read(0)) == 0          # straight after opening
        seq = [read_index(f) for chunk in video.iter_chunks(chunk=16) for f in chunk]
        assert seq == list(range(frames))
        order = list(range(frames))
        random.Random(seed).shuffle(order)
        got = [read_index(video.read(i)) for i in order]
        assert got == order
        # backwards one by one: the worst case for a decoder that only goes forward
        assert [read_index(video.read(i)) for i in range(frames - 1, frames - 12, -1)] == \
            list(range(frames - 1, frames - 12, -1))


@pytest.mark.parametrize("spec, fps", CASES, ids=[f"{s.name}-{f:g}fps" for s, f in CASES])
def test_in_order_and_random_access_are_exact(tmp_path: Path, spec: ClipSpec, fps: float):
    path = write_clip(tmp_path / f"clip{spec.suffix}", spec, frames=FRAMES, fps=fps)
    _check_every_frame(path, FRAMES)
    with open_video(path) as video:
        p = video.properties
        assert p.fps == pytest.approx(fps)
        assert not p.variable_rate and not p.truncated
        assert p.bit_depth == spec.bit_depth
        assert p.colour == spec.colour
        assert p.duration_s == pytest.approx(FRAMES / fps)


def test_colour_sources_are_read_as_luma(tmp_path: Path):
    path = write_clip(tmp_path / "c.mov", CLIP_SPECS["h264-mov"], frames=12)
    with open_video(path) as video:
        frame = video.read(5)
        assert frame.ndim == 2 and frame.dtype == np.uint8
        assert video.properties.colour


def test_avi_with_b_frames_is_indexed_once_and_cached(tmp_path: Path, monkeypatch):
    from semioscope.core.video import frame_index

    path = write_clip(tmp_path / "x.avi", CLIP_SPECS["mpeg4-avi"], frames=40)
    with open_video(path) as video:
        assert video.properties.index_method == "decoded"
    assert list((frame_index.cache_dir() / "frame-index").glob("*.npz"))

    def no_decoding(*args, **kwargs):
        raise AssertionError("the cached index should have been used")

    monkeypatch.setattr("semioscope.core.video.pyav_reader.decode_index", no_decoding)

    def no_hashing(*args, **kwargs):
        raise AssertionError("the remembered content hash should have been used")

    monkeypatch.setattr("semioscope.core.hashing.file_sha256", no_hashing)
    _check_every_frame(path, 40, seed=3)


def test_a_cancelled_first_open_stops_indexing_and_caches_nothing(tmp_path: Path, monkeypatch):
    """Cancel during the one slow step of opening (decoding a B-frame AVI to index it) stops at
    the next packet, not at the end of the file, and leaves no half-built index cached."""
    from semioscope.core.cancel import CancelToken
    from semioscope.core.video import frame_index
    from semioscope.errors import CancelledError

    path = write_clip(tmp_path / "x.avi", CLIP_SPECS["mpeg4-avi"], frames=40)
    token = CancelToken()
    fed: list[object] = []
    real = frame_index._data_and_flush

    def cancel_after_five(container, stream):   # the real packets; the person cancels at 5
        for packet in real(container, stream):
            fed.append(packet)
            if len(fed) == 5:
                token.cancel()
            yield packet

    monkeypatch.setattr(frame_index, "_data_and_flush", cancel_after_five)
    with pytest.raises(CancelledError):
        open_video(path, cancel=token)
    assert len(fed) == 5       # polled before each packet: the one fed after Cancel was not decoded
    assert not frame_index._cache_path(frame_index.content_key(path)).exists()
    monkeypatch.undo()
    with open_video(path, cancel=CancelToken()) as video:   # a token never set changes nothing
        assert video.properties.index_method == "decoded"
    assert frame_index._cache_path(frame_index.content_key(path)).exists()
    _check_every_frame(path, 40, seed=1)


def test_containers_with_timestamps_are_not_decoded_to_open(tmp_path: Path, monkeypatch):
    def no_decoding(*args, **kwargs):
        raise AssertionError("an MP4 needs no decoding pass")

    monkeypatch.setattr("semioscope.core.video.pyav_reader.decode_index", no_decoding)
    path = write_clip(tmp_path / "x.mp4", CLIP_SPECS["h264-mp4"], frames=30)
    with open_video(path) as video:
        assert video.properties.index_method == "timestamps"
        assert read_index(video.read(17)) == 17


def test_open_gop_leading_frames_come_from_the_previous_keyframe(tmp_path: Path):
    """x264 open GOP: frames shown before a non-IDR keyframe are decoded after it."""
    spec = ClipSpec("h264-open-gop", "libx264", ".mkv",
                    options={"bf": "3", "g": "12", "preset": "veryfast",
                             "x264-params": "open-gop=1:keyint=12:min-keyint=12"})
    path = write_clip(tmp_path / "open.mkv", spec, frames=50)
    _check_every_frame(path, 50, seed=5)


def test_a_stream_cut_before_its_first_keyframe_starts_at_that_keyframe(tmp_path: Path):
    """A copy cut out of a longer recording may start mid-group: frames no keyframe reaches
    are left out instead of failing the file or showing a broken frame."""
    import av

    source = write_clip(tmp_path / "long.mkv", ClipSpec(
        "h264-gop30", "libx264", ".mkv", options={"bf": "2", "g": "30", "preset": "veryfast",
                                                   "x264-params": "keyint=30:min-keyint=30"}),
        frames=90)
    cut = tmp_path / "cut.mkv"
    with av.open(str(source)) as src, av.open(str(cut), "w") as dst:
        stream = src.streams.video[0]
        out = dst.add_stream_from_template(stream)
        for k, packet in enumerate(src.demux(stream)):
            if k >= 7 and packet.size:
                packet.stream = out
                dst.mux(packet)
    with open_video(cut) as video:
        n = video.properties.frames
        seq = [read_index(f) for chunk in video.iter_chunks(chunk=16) for f in chunk]
        assert seq[0] == 30 and seq == list(range(30, 30 + n))
        order = list(range(n))
        random.Random(9).shuffle(order)
        assert [read_index(video.read(i)) for i in order] == [seq[i] for i in order]
