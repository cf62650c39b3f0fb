"""The throttle between the engine's updates and the GUI: first at once, newest wins, drop."""

from __future__ import annotations

from semioscope.app.throttle import Throttle


def test_first_update_is_shown_at_once_and_only_the_newest_of_a_burst_follows(qtbot):
    shown: list[int] = []
    throttle = Throttle(shown.append, interval_ms=50)
    for i in range(5):
        throttle.push(i)
    assert shown == [0]                   # the first bar does not wait
    assert throttle.pending
    qtbot.waitUntil(lambda: shown == [0, 4], timeout=2000)
    qtbot.wait(120)
    assert shown == [0, 4]                # nothing is shown twice, the middle ones never
    throttle.push(5)                      # after a quiet interval: at once again
    assert shown == [0, 4, 5]


def test_updates_are_spaced_by_the_interval(qtbot):
    import time

    times: list[float] = []
    throttle = Throttle(lambda _: times.append(time.monotonic()), interval_ms=40)
    end = time.monotonic() + 0.5
    while time.monotonic() < end:
        throttle.push(0)
        qtbot.wait(2)
    gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
    assert 2 <= len(times) <= 14          # about 0.5 s / 40 ms, never one per push (~200)
    assert min(gaps) >= 0.035


def test_drop_forgets_an_update_not_yet_shown(qtbot):
    shown: list[str] = []
    throttle = Throttle(shown.append, interval_ms=30)
    throttle.push("running")
    throttle.push("stale partial bars")
    throttle.drop()                       # the run ended: its outcome replaces them
    qtbot.wait(100)
    assert shown == ["running"] and not throttle.pending


def test_now_applies_at_once_and_replaces_the_pending_update(qtbot):
    shown: list[str] = []
    throttle = Throttle(shown.append, interval_ms=50)
    throttle.push("progress")
    throttle.push("newer progress")       # waits for the interval
    throttle.now("first bar")             # must not wait
    assert shown == ["progress", "first bar"] and not throttle.pending
    throttle.push("later")
    assert shown == ["progress", "first bar"]     # a full interval after the first bar
    qtbot.waitUntil(lambda: shown[-1] == "later", timeout=2000)
