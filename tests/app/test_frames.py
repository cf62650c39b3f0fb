"""The decode worker: frame-exact, 8-bit once, only the latest request served, read-ahead."""

from __future__ import annotations

import numpy as np

from semioscope.app.frames import FrameServer
from semioscope.core.video import KINECT, open_video
from tests.app.conftest import wait_until


def test_frames_are_exact_and_latest_only(qtbot, video):
    with open_video(video) as reader:
        expected = {i: KINECT.apply(reader.read(i)) for i in (0, 5, 90, 170)}
    server = FrameServer(video, KINECT, 180, read_ahead=10)
    got: list[tuple[int, np.ndarray]] = []
    server.frameReady.connect(lambda i, f: got.append((i, f)))
    server.start()
    try:
        server.request(90)
        wait_until(qtbot, lambda: len(got) == 1)
        assert got[0][0] == 90 and np.array_equal(got[0][1], expected[90])
        assert got[0][1].dtype == np.uint8
        for i in range(100, 170):          # a burst of scrubbing requests...
            server.request(i)
        server.request(170)                # ...only the newest matters
        wait_until(qtbot, lambda: got[-1][0] == 170)
        qtbot.wait(100)
        assert len(got) < 20               # the burst was not replayed frame by frame
        assert np.array_equal(got[-1][1], expected[170])
        server.request(5)
        wait_until(qtbot, lambda: got[-1][0] == 5)
        assert np.array_equal(got[-1][1], expected[5])
        qtbot.wait(200)                    # time to read ahead after frame 5
        hits = server.hits
        server.request(6)                  # cached by the read-ahead: no decode needed
        wait_until(qtbot, lambda: got[-1][0] == 6)
        assert server.hits == hits + 1
    finally:
        server.stop()
    assert not server.isRunning()


def test_decode_failure_is_reported(qtbot, tmp_path):
    bad = tmp_path / "gone.mkv"
    server = FrameServer(bad, KINECT, 10)
    with qtbot.waitSignal(server.failed, timeout=5000) as blocker:
        server.start()
    assert "gone.mkv" in blocker.args[0]
    server.stop()
