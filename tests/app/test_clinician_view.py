"""What a clinician reads in the review window is true at a glance (issue #27): stale evidence is
not drawn as if current, windows are counted from 1 everywhere, low evidence never hides the
patient."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import QPointF

from semioscope.app.evidence import EvidenceOverlay
from semioscope.app.timeline import OUTSIDE_COLOUR, STALE_COLOUR, Timeline
from semioscope.app.video_view import VideoView
from semioscope.core.explain import place
from tests.app.test_evidence import CROP, results_with_saliency
from tests.sample_results import window_index

STALE = "made with an earlier crop \u2014 Analyse again"


def overlay_on(qtbot, tmp_path: Path) -> tuple[VideoView, EvidenceOverlay]:
    view = VideoView()
    view.set_geometry(120, 96)
    overlay = EvidenceOverlay(view)
    for widget in (view, overlay):
        qtbot.addWidget(widget)
    results = results_with_saliency(tmp_path)
    overlay.set_results(results, window_index(results))
    overlay.toggle.setChecked(True)
    return view, overlay


def test_a_stale_heat_map_is_hidden_and_its_caption_says_why(qtbot, tmp_path) -> None:
    view, overlay = overlay_on(qtbot, tmp_path)
    overlay.set_frame(70)                     # window 2 of 3: evidence off the patient
    assert view.heat.isVisible() and "on the patient/bed" in overlay.note.text()
    overlay.set_stale(STALE)                  # the crop moved: the map sits on the old crop
    assert not view.heat.isVisible()
    assert overlay.note.text() == f"heat map hidden: {STALE}"
    assert "#ad1457" not in overlay.note.styleSheet()       # not the bright pink any more
    overlay.set_frame(10)
    assert not view.heat.isVisible()          # another window's map stays hidden too
    overlay.set_stale("")                     # undo: the results match again
    assert view.heat.isVisible() and overlay.note.text() == ""


def test_stale_results_draw_the_out_of_box_marks_grey(qtbot, tmp_path) -> None:
    timeline = Timeline()
    qtbot.addWidget(timeline)
    results = results_with_saliency(tmp_path)
    timeline.set_results(results, window_index(results))
    assert timeline.outside.opts["brush"] == OUTSIDE_COLOUR and timeline.outside_count == 1
    timeline.set_results(results, window_index(results), STALE)
    assert timeline.outside.opts["brush"] == STALE_COLOUR and timeline.outside_count == 1


def test_the_window_hides_its_evidence_after_a_crop_edit(qtbot, make_window, video,
                                                          monkeypatch) -> None:
    from tests.app.test_analysis_gui import _analysed

    window, _session = _analysed(qtbot, make_window, video, monkeypatch)
    assert window.evidence.stale == ""
    window.act_nudge_crop(0, 0, -1, 0)         # Alt+Left: one pixel narrower
    assert window.evidence.stale == STALE
    window.qactions["undo"].trigger()
    assert window.evidence.stale == ""


def test_one_window_is_numbered_the_same_in_every_place_from_1(qtbot, tmp_path) -> None:
    from semioscope.report.case import CaseInfo
    from semioscope.report.content import build_content
    from semioscope.report.plots import evidence_frames

    results = results_with_saliency(tmp_path)       # windows 0, 1, 2 in the JSON
    second = results.windows[1]
    timeline = Timeline()
    qtbot.addWidget(timeline)
    timeline.resize(600, 240)
    timeline.show()
    timeline.set_video(6.0, 30.0, 180)
    timeline.set_results(results, window_index(results))
    scene = timeline.getPlotItem().vb.mapViewToScene(QPointF(
        (second.start_s + second.end_s) / 2, 0.5))
    timeline._moved(scene)
    view, overlay = overlay_on(qtbot, tmp_path)
    overlay.set_frame(70)
    captions = [text for _frame, _placed, text in evidence_frames(results)]
    rows = build_content(results, CaseInfo()).window_rows
    assert timeline.hover_text.startswith("window 2: ")
    assert overlay.note.text().startswith("window 2: ")
    assert any(text.startswith("evidence, window 2: ") for text in captions)
    assert [row[0] for row in rows] == ["1", "2", "3"]
    assert not any("window 0" in text for text in [timeline.hover_text, *captions])


def test_full_opacity_leaves_the_patient_visible_where_evidence_is_low(qtbot) -> None:
    view = VideoView()
    qtbot.addWidget(view)
    view.resize(240, 200)
    view.show()
    view.set_geometry(120, 96)
    frame = np.full((96, 120), 200, np.uint8)        # a bright patient everywhere
    view.show_frame(0, frame)
    cam = np.zeros((7, 7), np.float32)
    cam[0, 0] = 1.0                                  # evidence only in one corner of the crop
    qtbot.wait(20)
    centre = view.graphics.grab().toImage()
    x, y = centre.width() // 2, centre.height() // 2
    before = centre.pixelColor(x, y).lightness()
    view.set_heatmap(place(cam, CROP), opacity=1.0)
    qtbot.wait(20)
    after = view.graphics.grab().toImage().pixelColor(x, y).lightness()
    assert view.heat.isVisible()
    assert after > 0.8 * before, (before, after)     # not opaque black over the patient


def test_the_heat_maps_high_end_is_still_drawn_opaque() -> None:
    from semioscope.app.video_view import heat_lut

    lut = heat_lut()
    assert lut[0, 3] == 0 and lut[-1, 3] == 255
    assert np.all(np.diff(lut[:, 3].astype(int)) >= 0)




def test_before_any_analysis_a_lasting_banner_says_it_cannot_analyse(qtbot, make_window,
                                                                      monkeypatch) -> None:
    from semioscope.app import dialogs as app_dialogs
    from semioscope.app.settings import AppSettings

    window = make_window(settings=AppSettings(persist=False))   # no weights fetched here
    banner = window.analysis_banner
    assert not banner.isHidden() and window.session is None      # before any video or run
    assert banner.label.text().startswith("Cannot analyse: no i3d backbone weights")
    assert "semioscope models fetch i3d" in banner.label.text()
    window.statusBar().showMessage("a menu's status tip")        # the mouse over a menu
    window.statusBar().clearMessage()
    assert not banner.isHidden()
    opened: list[str] = []

    class Dialog(app_dialogs.SettingsDialog):
        def exec(self) -> int:                   # what the person does: tick the box, OK
            opened.append(self.focused)
            self.allow_untrained.setChecked(True)
            return 1

    monkeypatch.setattr(app_dialogs, "SettingsDialog", Dialog)
    banner.button.click()
    assert opened == ["backbone_weights"]        # the button opens the field that fixes it
    text = banner.label.text()
    assert not banner.isHidden() and not text.startswith("Cannot analyse")
    # the trust rule's own words, the same as the banner after an analysis
    from semioscope import UNTRAINED_WARNING
    from semioscope.core.trust import UNTRAINED_CLASSIFIER_WARNING

    assert UNTRAINED_WARNING in text and UNTRAINED_CLASSIFIER_WARNING in text


def test_a_missing_classifier_is_said_before_analysis_too(tmp_path) -> None:
    from semioscope.app.readiness import readiness
    from semioscope.app.settings import AppSettings

    weights = tmp_path / "i3d.pt"
    weights.write_bytes(b"not the official file")
    ready = readiness(AppSettings(backbone_weights=str(weights), persist=False))
    assert ready.text.startswith("Cannot analyse: no classifier chosen")
    assert ready.setting == "classifier"
    gone = readiness(AppSettings(backbone_weights=str(tmp_path / "gone.pt"), persist=False))
    assert "does not exist" in gone.text and gone.setting == "backbone_weights"
