"""End to end with the real engine: open, crop, drag, analyse (untrained demo), click a bar."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPointF, Qt

from semioscope.app.settings import AppSettings
from semioscope.core.models import classifier as classifier_mod
from tests.app.conftest import wait_until
from tests.app.test_main_window import open_and_crop


def test_real_analysis_from_the_window(qtbot, make_window, video, tmp_path, dialogs):
    model, meta = classifier_mod.random_classifier(0)
    path = tmp_path / "demo_classifier.pt"
    classifier_mod.save_classifier(path, model, meta)
    settings = AppSettings(classifier_path=str(path), allow_untrained=True, threads=2)
    window = make_window(settings=settings)
    session = open_and_crop(qtbot, window, video)
    auto = session.crop.box
    window.view.roi.setPos(QPointF(auto.x + 4, auto.y + 2), finish=True)
    assert session.crop.source == "manual"
    window.qactions["undo"].trigger()
    assert session.crop.box == auto
    # the session's engine: loaded and warmed once in the background, then reused by Analyse
    with qtbot.waitSignal(window.statusBar().messageChanged, timeout=60000,
                          check_params_cb=lambda text: "engine ready" in text):
        window.analysis_control.start_warmup()
    warmed = window.backbones.loaded
    assert warmed is not None and window.backbones.loads == 1
    partial_counts: list[int] = []
    window.analysis.partial.connect(lambda r: partial_counts.append(len(r.windows)))
    window.qactions["analyse"].trigger()
    # the first bar is drawn while the rest is still being computed
    wait_until(qtbot, lambda: window.timeline.bar_count >= 1 or not window.analysis.running,
               timeout=55)
    assert window.analysis.running and 1 <= window.timeline.bar_count < 3
    wait_until(qtbot, lambda: not window.analysis.running, timeout=55)
    assert dialogs.errors == []
    assert window.backbones.loaded is warmed and window.backbones.loads == 1
    # bars shown as windows come, never fewer than before; one that came with the finished
    # results (the last batch) is replaced by them (app/throttle.py)
    assert partial_counts[0] == 1 and partial_counts == sorted(set(partial_counts))
    assert partial_counts[-1] <= 3
    results = session.results
    assert results is not None and Path(results.video.path) == video
    assert results.crop.source == "auto"
    assert window.timeline.bar_count == len(results.windows) == 3
    assert not window.timeline.stale_text           # made with exactly what is shown
    assert window.verdict.banner.isVisible()
    computed = window.verdict.fields["computed"].text()   # which runtime and device ran
    assert computed.startswith(f"{results.model.runtime} on {results.model.device}")
    assert results.model.device == "cpu" and results.model.runtime != "unknown"
    vb = window.timeline.getPlotItem().vb
    point = window.timeline.mapFromScene(vb.mapViewToScene(QPointF(5.0, 0.5)))
    qtbot.mouseClick(window.timeline.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert session.frame == round(results.windows[2].start_s * 30)


def test_a_real_run_cancelled_half_way_leaves_the_results_it_had(qtbot, make_window, tmp_path,
                                                                  dialogs):
    """Real I3D and a real classifier file: a finished run, then a second one cancelled after
    its first batch. No partial results appear, the window keeps serving frames meanwhile."""
    from semioscope.core.video_state import load_state
    from tests.app.conftest import write_video

    video = write_video(tmp_path / "long.mkv", 12.0)            # 6 windows of 2 s
    model, meta = classifier_mod.random_classifier(1)
    path = tmp_path / "clf.semio"
    classifier_mod.save_classifier(path, model, meta)
    window = make_window(settings=AppSettings(classifier_path=str(path), allow_untrained=True,
                                              threads=2))
    session = open_and_crop(qtbot, window, video)
    session.set_span(0.0, 4.0)                                   # first run: 2 windows
    window.qactions["analyse"].trigger()
    wait_until(qtbot, lambda: not window.analysis.running, timeout=55)
    first = session.results
    assert dialogs.errors == [] and first is not None and len(first.windows) == 2
    assert window.timeline.bar_count == 2 and not window.timeline.stale_text
    session.set_span(0.0, session.properties.duration_s)         # the whole video: stale now
    assert window.timeline.stale_text.startswith("made with an earlier span")
    window.qactions["analyse"].trigger()
    wait_until(qtbot, lambda: window.analysis.bar.maximum() == 6
               and window.analysis.bar.value() >= 1, timeout=55)
    window.navigation.seek(200)                                             # the GUI still works
    wait_until(qtbot, lambda: window.view.shown_frame == 200, timeout=10)
    assert window.analysis.running
    window.qactions["cancel"].trigger()
    wait_until(qtbot, lambda: not window.analysis.running, timeout=55)
    assert "cancelled" in window.analysis.eta.text()
    assert session.results is first and window.timeline.bar_count == 2
    assert window.timeline.stale_text.startswith("made with an earlier span")
    stored = load_state(session.sha256 or "")
    assert stored.results == first                               # nothing partial was saved
    assert dialogs.errors == []
