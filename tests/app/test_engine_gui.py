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
        window._start_warmup()
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
    assert partial_counts == [1, 2, 3]
    results = session.results
    assert results is not None and Path(results.video.path) == video
    assert results.crop.source == "auto"
    assert window.timeline.bar_count == len(results.windows) == 3
    assert not window.timeline.stale_text           # made with exactly what is shown
    assert window.verdict.banner.isVisible()
    vb = window.timeline.getPlotItem().vb
    point = window.timeline.mapFromScene(vb.mapViewToScene(QPointF(5.0, 0.5)))
    qtbot.mouseClick(window.timeline.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert session.frame == round(results.windows[2].start_s * 30)
