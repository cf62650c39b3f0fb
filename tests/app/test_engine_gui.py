"""End to end with the real engine: open, crop, drag, analyse (untrained demo), click a bar."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPointF, Qt

from semioscope.app.settings import AppSettings
from tests.app.conftest import wait_until
from tests.app.test_main_window import open_and_crop

classifier_mod = pytest.importorskip("semioscope.core.models.classifier")
pytest.importorskip("semioscope.core.models.backbone")


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
    window.qactions["analyse"].trigger()
    wait_until(qtbot, lambda: not window.analysis.running, timeout=55)
    assert dialogs.errors == []
    results = session.results
    assert results is not None and Path(results["video"]["path"]) == video
    assert results["crop"]["source"] == "auto"
    assert window.timeline.bar_count == len(results["windows"]) == 3
    assert window.verdict.banner.isVisible()
    vb = window.timeline.getPlotItem().vb
    point = window.timeline.mapFromScene(vb.mapViewToScene(QPointF(5.0, 0.5)))
    qtbot.mouseClick(window.timeline.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert session.frame == round(results["windows"][2]["start_s"] * 30)
