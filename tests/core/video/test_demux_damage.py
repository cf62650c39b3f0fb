"""Data lost mid-file is found from the packets, never from FFmpeg's log.

PyAV's log callback makes every FFmpeg thread take the GIL to log; a frame-threaded h264
decoder freed by a thread holding the GIL then deadlocks (seen once in ten full runs). The
reader must find damage without switching that callback on.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import av.logging
import numpy as np
import pytest

from semioscope.core.video import open_video
from semioscope.core.video.writer import write_ffv1
from semioscope.errors import VideoError
from tests.indexed_clips import write_clip


def _frames(n: int) -> np.ndarray:
    rng = np.random.default_rng(0)
    return rng.integers(0, 4000, (n, 96, 128), dtype=np.uint16)


def _damaged(tmp_path: Path) -> Path:
    good = tmp_path / "good.mkv"
    write_ffv1(good, _frames(240), fps=30)
    data = bytearray(good.read_bytes())
    data[len(data) // 3: len(data) // 3 + 60000] = bytes(60000)
    bad = tmp_path / "damaged.mkv"
    bad.write_bytes(bytes(data))
    return bad


def test_mid_file_damage_is_refused_with_where(tmp_path: Path, monkeypatch):
    bad = _damaged(tmp_path)

    def no_log_callback(*_args: object) -> None:
        raise AssertionError("the reader switched PyAV's log callback on")

    monkeypatch.setattr(av.logging, "set_level", no_log_callback)
    with pytest.raises(VideoError, match=r"damaged: unreadable data about \d+\.\d s in"):
        open_video(bad)


def test_the_intact_file_opens_whole(tmp_path: Path):
    _damaged(tmp_path)
    with open_video(tmp_path / "good.mkv") as video:
        assert video.properties.frames == 240 and not video.properties.variable_rate


_STRESS = textwrap.dedent("""
    import sys, threading
    from pathlib import Path
    from semioscope.core.video import open_video
    from semioscope.errors import VideoError
    bad, h264 = Path(sys.argv[1]), Path(sys.argv[2])
    stop = threading.Event()
    def damaged_opens():
        while not stop.is_set():
            try:
                open_video(bad).close()
            except VideoError:
                pass
    worker = threading.Thread(target=damaged_opens)
    worker.start()
    for _ in range(40):   # frame-threaded decoders made and freed while the other thread demuxes
        with open_video(h264) as video:
            for i in (0, 25, 3):
                video.read(i)
    stop.set()
    worker.join()
    print("done")
""")


def test_freeing_threaded_decoders_while_damage_is_checked_never_hangs(tmp_path: Path):
    bad = _damaged(tmp_path)
    h264 = write_clip(tmp_path / "clip.mkv", "h264-mkv", indices=list(range(60)), fps=30)
    run = subprocess.run([sys.executable, "-c", _STRESS, str(bad), str(h264)],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0 and "done" in run.stdout, run.stderr[-2000:]
