"""The review window on OpenVINO: warmed and analysed on the runtime auto picks, with saliency
(the IR gives Grad-CAM's map), one load for both, and the verdict naming the runtime."""

from __future__ import annotations

from semioscope.app.settings import AppSettings
from semioscope.core.runtime.backbone import OpenVINOBackbone
from tests.app.conftest import wait_until
from tests.app.test_main_window import open_and_crop
from tests.ov_i3d import hand_ir_to_the_cache


def test_the_window_warms_and_analyses_on_openvino_with_saliency(
        qtbot, make_window, video, dialogs, i3d_pair, monkeypatch) -> None:
    monkeypatch.setenv("SEMIOSCOPE_RUNTIME", "openvino")   # what auto means where installed
    hand_ir_to_the_cache(monkeypatch, i3d_pair)             # the session's one conversion
    window = make_window(settings=AppSettings(allow_untrained=True, threads=2))
    session = open_and_crop(qtbot, window, video)
    said: list[str] = []
    window.statusBar().messageChanged.connect(said.append)
    with qtbot.waitSignal(window.statusBar().messageChanged, timeout=60000,
                          check_params_cb=lambda text: "engine ready" in text):
        window.analysis_control.start_warmup()
    warmed = window.backbones.loaded
    assert isinstance(warmed, OpenVINOBackbone) and warmed.has_maps
    assert any("converting i3d to OpenVINO" in text for text in said)   # said, not silent
    assert "engine ready: i3d on openvino" in said[-1]
    window.qactions["analyse"].trigger()
    wait_until(qtbot, lambda: not window.analysis.running, timeout=55)
    assert dialogs.errors == []
    assert window.backbones.loaded is warmed and window.backbones.loads == 1   # no torch load
    results = session.results
    assert results is not None and results.model.runtime.startswith("openvino")
    assert window.verdict.fields["computed"].text().startswith(results.model.runtime + " on cpu")
    assert results.saliency is not None
    assert [w.index for w in results.saliency.windows] == [w.index for w in results.windows]
    assert window.evidence.toggle.isEnabled()      # the heat maps are there to show
    window.evidence.toggle.setChecked(True)
    assert window.view.heat.isVisible() and window.view.heat_box == results.crop.box
