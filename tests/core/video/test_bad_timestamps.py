"""Frames are never lost to bad timestamps: repeated or backwards stamps keep decode order.

The clips are written by the project's test encoder and remuxed packet by packet with the
timestamps overwritten, as a broken recorder would write them. Every frame shows its own index
(tests/indexed_clips.py), so a dropped or reordered frame is caught.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import av
import pytest

from semioscope.cli import main
from semioscope.core.video import open_video
from tests.indexed_clips import read_index, write_clip


def _remux(src: Path, out: Path, stamp: Callable[[int], int]) -> Path:
    with av.open(str(src)) as inp, av.open(str(out), "w", format="matroska") as dst:
        stream = inp.streams.video[0]
        target = dst.add_stream_from_template(stream)
        k = 0
        for packet in inp.demux(stream):
            if packet.dts is None:
                continue
            packet.pts = stamp(k)
            packet.dts = min(stamp(k), 0) + k if stamp(k) > 0 else stamp(k)   # dts in order
            packet.stream = target
            dst.mux(packet)
            k += 1
    return out


@pytest.mark.parametrize("name, stamp", [
    ("all-equal", lambda k: 0),
    ("backwards", lambda k: 1000 - 10 * k),
])
def test_every_frame_kept_in_decode_order(tmp_path: Path, capsys, name: str, stamp):
    src = write_clip(tmp_path / "src.mkv", "ffv1-8", frames=30)
    try:
        video = _remux(src, tmp_path / f"{name}.mkv", stamp)
    except av.FFmpegError:
        pytest.skip("this FFmpeg's Matroska muxer refuses these timestamps")
    with open_video(video) as reader:
        p = reader.properties
        assert p.frames == 30 and not p.timestamps_usable
        assert [read_index(reader.read(i)) for i in range(30)] == list(range(30))
        assert sum(len(chunk) for chunk in reader.iter_chunks()) == 30
    assert main(["info", str(video)]) == 0
    out = capsys.readouterr().out
    assert "30 frames" in out and "TIMESTAMPS UNUSABLE" in out
    assert main(["info", str(video), "--json"]) == 0
    facts = json.loads(capsys.readouterr().out)
    assert facts["frames"] == 30 and facts["timestamps_usable"] is False


def test_good_timestamps_are_usable(tmp_path: Path):
    with open_video(write_clip(tmp_path / "ok.mkv", "ffv1-8", frames=30)) as reader:
        assert reader.properties.timestamps_usable and reader.properties.frames == 30
