"""2-s windows: leftovers, tiling, spans, resampling to 30 fps, and the refusals."""

from __future__ import annotations

import numpy as np
import pytest

from semioscope.core.video.base import VideoProperties
from semioscope.core.windows import plan_windows
from semioscope.errors import SemioscopeError


def props(frames: int, fps: float = 30.0) -> VideoProperties:
    return VideoProperties(path="v.mkv", frames=frames, fps=fps, width=96, height=80,
                           bit_depth=16, duration_s=frames / fps, backend="test")


def test_21_seconds_gives_ten_full_windows_and_a_leftover() -> None:
    plan = plan_windows(props(630))
    assert [w.n_frames for w in plan.windows] == [60] * 10 + [30]
    assert not plan.resampled and plan.warnings == []
    assert plan.windows[0].start_s == 0.0 and plan.windows[-1].end_s == pytest.approx(21.0)
    for a, b in zip(plan.windows, plan.windows[1:], strict=False):
        assert a.end_s == pytest.approx(b.start_s) and a.end_frame == b.start_frame
    last = plan.windows[-1]
    assert (last.start_frame, last.end_frame) == (600, 630)
    assert list(plan.source_indices(last)) == list(range(600, 630))


@pytest.mark.parametrize(("frames", "expected"), [(69, [60]), (70, [60, 10]), (10, [10])])
def test_leftover_rule(frames: int, expected: list[int]) -> None:
    assert [w.n_frames for w in plan_windows(props(frames)).windows] == expected


def test_span_restricts_windows() -> None:
    plan = plan_windows(props(900), onset_s=3.0, offset_s=8.5)
    assert plan.start_frame == 90 and plan.end_frame == 255
    assert [w.n_frames for w in plan.windows] == [60, 60, 45]
    assert plan.windows[0].start_s == pytest.approx(3.0)
    assert plan.windows[-1].end_s == pytest.approx(8.5)


def test_25_fps_is_resampled_to_2_second_windows() -> None:
    plan = plan_windows(props(125, fps=25.0))  # 5 s
    assert plan.resampled and plan.warnings and "30 fps" in plan.warnings[0]
    assert [w.n_frames for w in plan.windows] == [60, 60, 30]
    assert [(w.start_s, w.end_s) for w in plan.windows] == [(0.0, 2.0), (2.0, 4.0), (4.0, 5.0)]
    idx = plan.source_indices(plan.windows[1])
    assert len(idx) == 60 and np.all(np.diff(idx) >= 0)
    assert idx[0] == 50 and idx[-1] <= 100  # 2 s and just under 4 s at 25 fps
    assert plan.windows[1].start_frame == 50
    assert plan.source_indices(plan.windows[-1]).max() <= 124


def test_60_fps_takes_every_other_frame() -> None:
    plan = plan_windows(props(240, fps=60.0))
    assert [w.n_frames for w in plan.windows] == [60, 60]
    assert list(plan.source_indices(plan.windows[0])[:4]) == [0, 2, 4, 6]


@pytest.mark.parametrize(("frames", "onset", "offset", "fragment"), [
    (300, 5.0, 4.0, "not before offset"),
    (300, 5.0, 5.0, "not before offset"),
    (300, 12.0, None, "outside the video"),
    (300, -1.0, None, "outside the video"),
    (300, None, 11.0, "outside the video"),
    (300, 2.0, 2.2, "at least 10"),
    (9, None, None, "at least 10"),
    (300, float("nan"), None, "not a number"),
])
def test_bad_spans_are_refused(frames: int, onset: float | None, offset: float | None,
                               fragment: str) -> None:
    with pytest.raises(SemioscopeError) as info:
        plan_windows(props(frames), onset, offset)
    assert fragment in str(info.value) and "v.mkv" in str(info.value)


def test_offset_at_the_very_end_is_accepted() -> None:
    plan = plan_windows(props(300), onset_s=8.0, offset_s=10.0)
    assert [w.n_frames for w in plan.windows] == [60]
