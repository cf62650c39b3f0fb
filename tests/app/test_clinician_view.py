"""What a clinician reads in the review window is true at a glance (issue #27): stale evidence is
not drawn as if current, windows are counted from 1 everywhere, low evidence never hides the
patient."""

from __future__ import annotations

from dataclasses import replace
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
    window.editing.act_nudge_crop(0, 0, -1, 0)         # Alt+Left: one pixel narrower
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


def test_nothing_in_the_rows_under_the_video_is_cut_at_1024_by_700(qtbot, make_window, video):
    from PySide6.QtWidgets import QAbstractButton, QLabel

    from semioscope.app.elided_label import ElidedLabel
    from tests.app.test_main_window import open_and_crop

    window = make_window()
    open_and_crop(qtbot, window, video)
    window.resize(1024, 700)
    qtbot.wait(100)
    window.navigation.seek(window.session.n_frames - 1)
    assert window.width() <= 1024
    for row in (window.transport, window.evidence):
        right = row.mapTo(window, row.rect().topRight()).x()
        assert right <= window.width()
        for widget in row.findChildren(QLabel) + row.findChildren(QAbstractButton):
            if not widget.isVisible():
                continue
            if isinstance(widget, ElidedLabel):       # cut on purpose: "…", whole in tooltip
                assert widget.shown_text() == widget.text() or widget.toolTip() == widget.text()
                continue
            need = widget.fontMetrics().horizontalAdvance(widget.text())
            assert widget.width() >= need, (widget.text(), widget.width(), need)
            edge = widget.mapTo(window, widget.rect().topRight()).x()
            assert edge <= window.width(), widget.text()
    assert "frame 179 / 179" in window.transport.time_label.text()


def test_the_time_estimate_counts_down_between_the_engines_reports(qtbot) -> None:
    from semioscope.app.analysis_panel import COUNTDOWN_MS, AnalysisPanel
    from semioscope.app.main_window import MainWindow

    window = MainWindow(warm_torch=False)               # the panel's buttons need its actions
    qtbot.addWidget(window)
    panel: AnalysisPanel = window.analysis
    now = [100.0]
    panel.clock = lambda: now[0]

    class Running:                                     # a run between two window reports
        class cancel:                                  # noqa: N801 - the worker's attribute
            cancelled = False

    panel.worker = Running()  # type: ignore[assignment]
    panel._show_progress(1, 3, 8.0, "features")
    assert panel.eta.text() == "about 8 s remaining"
    assert panel._countdown.isActive() and panel._countdown.interval() == COUNTDOWN_MS
    now[0] += 3.0
    qtbot.wait(COUNTDOWN_MS + 200)                     # the timer's own tick, no new report
    assert panel.eta.text() == "about 5 s remaining"
    now[0] += 20.0
    qtbot.wait(COUNTDOWN_MS + 200)
    assert panel.eta.text() == "a little longer than estimated…"
    panel.worker = None
    panel._finish()
    assert not panel._countdown.isActive()


def test_verdict_speaks_to_a_clinician_and_keeps_hashes_one_click_away(qtbot) -> None:
    from semioscope.app.verdict import VerdictPanel
    from tests.sample_results import synthetic_results

    panel = VerdictPanel()
    qtbot.addWidget(panel)
    panel.show()
    trained = synthetic_results(n_windows=3)
    results = replace(trained, model=replace(trained.model, classifier_path=None,  # none
                                             classifier_sha256=None, classifier_trained=False))
    panel.show_results(results)
    shown = "\n".join(label.text() for label in panel.fields.values())
    assert "sha256" not in shown and "?" not in panel.fields["classifier"].text()
    assert "built-in" not in shown
    assert panel.fields["classifier"].text() == ("none chosen: untrained, random weights "
                                                 "(the scores mean nothing)")
    assert not panel.details.isVisible() and "sha256" in panel.fields["weights"].toolTip()
    panel.details_button.click()
    assert panel.details.isVisible() and "backbone weights sha256" in panel.details.text()
    panel.show_results(trained)
    assert panel.fields["classifier"].text() == "demo-classifier.semio"
    assert "c3c3c3" in panel.details.text() and "c3c3" not in panel.fields["classifier"].text()


def test_the_reports_crop_line_does_not_contradict_itself() -> None:
    from semioscope.core.crop.words import crop_text

    line = crop_text("manual", "ok", ("no_detector_weights",))
    assert line == "set by the reviewer (the automatic crop had: no detector weights installed)"
    assert "status ok" not in line and "no_detector_weights" not in line
    assert crop_text("auto", "needs_review", ("unstable",)) == (
        "found automatically; needs review: the box moved during the video")
    assert crop_text("full-frame", "needs_review", ("no_detector_weights",)) == (
        "the whole frame (no crop): no detector weights installed")


def test_the_demo_timeline_labels_its_threshold_and_draws_no_empty_band(qtbot) -> None:
    from semioscope.core.results import Summary
    from tests.sample_results import synthetic_results

    timeline = Timeline()
    qtbot.addWidget(timeline)
    results = synthetic_results(n_windows=3, onset_s=0.0)
    demo = replace(results, summary=replace(results.summary, threshold=0.41,
                                            uncertain_band=(0.41, 0.41)))
    assert isinstance(demo.summary, Summary)
    timeline.set_results(demo, window_index(demo))
    assert not timeline.band.isVisible() and not timeline.has_band
    label = timeline.threshold.label.format
    assert label == "threshold 0.41"
    assert timeline.getPlotItem().getAxis("bottom").labelText == "time (s)  \u00b7  no uncertain band"
    ticks = [text for value, text in timeline.getPlotItem().getAxis("left")._tickLevels[0]]
    assert ticks == ["FLE 0", "0.41", "TLE 1"]           # no "0.5" tick beside the line
    timeline.set_results(results, window_index(results))   # a real band: drawn, no such words
    assert timeline.band.isVisible()
    assert timeline.threshold.label.format == "threshold 0.50"
    assert timeline.getPlotItem().getAxis("bottom").labelText.endswith(
        "grey: uncertain band [0.40, 0.60]")


def test_the_stale_notice_sits_above_the_bars_not_over_them(qtbot) -> None:
    from tests.sample_results import synthetic_results

    timeline = Timeline()
    qtbot.addWidget(timeline)
    results = synthetic_results(n_windows=3, onset_s=0.0)
    timeline.set_results(results, window_index(results), STALE)
    title = timeline.getPlotItem().titleLabel
    assert STALE in title.text and title.isVisible()
    plot_area = timeline.getPlotItem().vb.sceneBoundingRect()
    assert title.sceneBoundingRect().bottom() <= plot_area.top() + 1
    timeline.set_results(results, window_index(results))
    assert not timeline.getPlotItem().titleLabel.isVisible()
