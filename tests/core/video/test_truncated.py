"""Recordings cut short: a clear refusal, an explicit way to use the present part, and MP4s
whose index (moov box) never got written."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from semioscope.cli import main
from semioscope.core.analysis import AnalysisRequest, ModelChoice, analyze
from semioscope.core.video import open_video
from semioscope.errors import VideoError
from tests.indexed_clips import read_index, write_clip


def _cut(path: Path, fraction: float) -> Path:
    data = path.read_bytes()
    bad = path.with_name(f"cut-{path.name}")
    bad.write_bytes(data[: int(len(data) * fraction)])
    return bad


@pytest.fixture(scope="module")
def clips(tmp_path_factory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("truncated")
    return {name: write_clip(base / f"{name}{suffix}", name, frames=90) for name, suffix in
            [("ffv1-16", ".mkv"), ("mjpeg-avi", ".avi"), ("h264-mp4", ".mp4")]}


@pytest.mark.parametrize("name, fraction", [("ffv1-16", 0.5), ("mjpeg-avi", 0.5),
                                            ("mjpeg-avi", 0.9)])
def test_truncated_is_refused_then_opened_when_allowed(clips, name: str, fraction: float):
    bad = _cut(clips[name], fraction)
    with pytest.raises(VideoError, match=r"truncated: only .* of the 3\.00 s its header "
                       r"declares are present.*--allow-truncated"):
        open_video(bad)
    with open_video(bad, allow_truncated=True) as video:
        p = video.properties
        assert p.truncated and p.declared_s == pytest.approx(3.0)
        assert 10 < p.frames < 90 and p.duration_s == pytest.approx(p.frames / 30)
        seq = [read_index(f) for chunk in video.iter_chunks(chunk=16) for f in chunk]
        assert seq == list(range(p.frames))     # a frame cut in half at the end is left out
        assert read_index(video.read(p.frames - 1)) == p.frames - 1
        assert read_index(video.read(3)) == 3


def test_complete_files_are_not_truncated(clips):
    for path in clips.values():
        with open_video(path) as video:
            assert not video.properties.truncated


def test_mp4_without_its_index_says_so(clips, capsys):
    no_moov = _cut(clips["h264-mp4"], 0.5)       # the moov box is written last
    assert main(["info", str(no_moov)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "the MP4 index (moov box) is missing" in err[0]
    moov_cut = clips["h264-mp4"].with_name("moov-cut.mp4")
    moov_cut.write_bytes(clips["h264-mp4"].read_bytes()[:-200])
    with pytest.raises(VideoError, match=r"moov box\) is cut off"):
        open_video(moov_cut)


def test_info_describes_a_truncated_file_when_allowed(clips, capsys):
    bad = _cut(clips["ffv1-16"], 0.5)
    assert main(["info", str(bad), "--allow-truncated", "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["truncated"] is True and info["declared_s"] == pytest.approx(3.0)
    assert main(["info", str(bad), "--allow-truncated"]) == 0
    assert "TRUNCATED" in capsys.readouterr().out


def test_analysing_the_present_part_is_explicit_and_recorded(clips, monkeypatch, capsys):
    import semioscope.core.models.backbone as backbone_module
    from tests.core.stand_ins import MeanBackbone

    def load(name: str, *args: Any, **kwargs: Any) -> MeanBackbone:
        return MeanBackbone()

    monkeypatch.setattr(backbone_module, "load_backbone", load)
    bad = _cut(clips["ffv1-16"], 0.5)
    out = bad.with_suffix(".json")
    assert main(["analyze", str(bad), "--allow-untrained", "--out", str(out)]) == 2
    assert "truncated" in capsys.readouterr().err and not out.exists()
    results = analyze(AnalysisRequest(video=bad, allow_truncated=True,
                                      model=ModelChoice(allow_untrained=True)))
    assert results.video.truncated is True
    assert results.video.declared_s == pytest.approx(3.0)
    assert any(w.startswith("truncated recording: only") for w in results.warnings)
    assert results.windows[-1].end_s <= results.video.duration_s + 1e-6
    assert np.isfinite([w.p_tle for w in results.windows]).all()
    from semioscope.report import CaseInfo, make_report

    report = make_report(results, CaseInfo())       # its keyframes come from the present part
    assert not any("keyframes left out" in w for w in report.warnings), report.warnings


@pytest.mark.parametrize("suffix", [".mp4", ".mkv"])
def test_an_audio_track_longer_than_the_video_is_not_a_cut(tmp_path: Path, suffix: str):
    """EMU exports carry audio; a recorder's audio may run on a little after the last frame."""
    import av

    from tests.indexed_clips import index_frame

    path = tmp_path / f"av{suffix}"
    with av.open(str(path), "w") as out:
        video = out.add_stream("libx264", rate=30)
        video.width, video.height, video.pix_fmt = 128, 96, "yuv420p"
        audio = out.add_stream("aac", rate=16000)
        for i in range(60):                                   # 2.0 s of video
            frame = av.VideoFrame.from_ndarray(index_frame(i), format="gray")
            out.mux(video.encode(frame.reformat(format="yuv420p")))
        out.mux(video.encode())
        samples = np.zeros((1, 1024), np.float32)
        for k in range(int(2.6 * 16000 / 1024)):             # 2.6 s of audio
            block = av.AudioFrame.from_ndarray(samples, format="fltp", layout="mono")
            block.sample_rate, block.pts = 16000, k * 1024
            out.mux(audio.encode(block))
        out.mux(audio.encode())
    with open_video(path) as reader:
        assert reader.properties.frames == 60 and not reader.properties.truncated
        assert read_index(reader.read(59)) == 59
