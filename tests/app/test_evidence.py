"""Evidence overlay: the toggle shows the heat map of the window under the cursor, over its crop
box, at the chosen opacity; the timeline marks windows whose evidence lies off the patient."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np

from semioscope.app.evidence import EvidenceOverlay
from semioscope.app.timeline import Timeline
from semioscope.app.video_view import VideoView
from semioscope.core.explain import SaliencySet, attach_saliency, place
from semioscope.core.geometry import Box
from semioscope.core.results import Results
from tests.sample_results import synthetic_results, window_index

CROP = Box(10, 8, 100, 80)
SUBJECT = Box(40, 30, 40, 40)


def results_with_saliency(tmp_path: Path) -> Results:
    base = synthetic_results(n_windows=3, onset_s=0.0)
    windows = tuple(replace(w, p_tle=0.7, label="TLE", start_frame=60 * w.index,
                            end_frame=60 * w.index + 60) for w in base.windows)
    results = replace(base, windows=windows)
    saliency = SaliencySet(CROP, "Mixed_5c", "i3d", subject=SUBJECT)
    on_patient, off_patient = np.zeros((7, 7), np.float32), np.zeros((7, 7), np.float32)
    on_patient[3, 3] = 1.0           # the centre of the canvas: on the patient
    off_patient[0, 0] = 1.0          # the top-left corner: off the patient/bed box
    for i, cam in enumerate((on_patient, off_patient, on_patient)):
        saliency.add(i, place(cam, CROP), "TLE", 1.0)
    results, path = attach_saliency(results, saliency, tmp_path / "r.json")
    assert results.saliency is not None
    return replace(results, saliency=results.saliency.with_file(path))


def test_toggle_shows_the_window_under_the_cursor_over_its_crop(qtbot, tmp_path) -> None:
    view = VideoView()
    qtbot.addWidget(view)
    view.set_geometry(120, 96)
    overlay = EvidenceOverlay(view)
    qtbot.addWidget(overlay)
    results = results_with_saliency(tmp_path)
    overlay.set_results(results, window_index(results))
    overlay.set_frame(70)                                    # window 1
    assert not view.heat.isVisible()                         # off until toggled
    overlay.toggle.setChecked(True)
    assert view.heat.isVisible() and view.heat_box == CROP
    rect = view.heat.mapRectToParent(view.heat.boundingRect())
    assert (rect.x(), rect.y(), rect.width(), rect.height()) == (10, 8, 100, 80)
    shown = view.heat.image
    np.testing.assert_allclose(shown, overlay.saliency.placed(1).values)
    assert "on the patient/bed" in overlay.note.text()      # window 1 looks off the patient
    overlay.opacity.setValue(30)
    assert view.heat.opacity() == 0.3
    overlay.set_frame(10)                                    # window 0: another map
    assert not np.array_equal(view.heat.image, shown) and overlay.note.text() == ""
    overlay.set_frame(500)                                   # past every window
    assert not view.heat.isVisible()
    overlay.set_results(None, None)
    assert not overlay.toggle.isEnabled() and not view.heat.isVisible()


def test_timeline_marks_windows_whose_evidence_lies_off_the_patient(qtbot, tmp_path) -> None:
    timeline = Timeline()
    qtbot.addWidget(timeline)
    results = results_with_saliency(tmp_path)
    assert results.saliency is not None
    assert [w.outside_subject for w in results.saliency.windows] == [False, True, False]
    timeline.set_results(results, window_index(results))
    assert timeline.outside_count == 1
    assert list(timeline.outside.opts["x0"]) == [2.0 + 0.04]
    results = replace(results, saliency=None)
    timeline.set_results(results, window_index(results))
    assert timeline.outside_count == 0


def test_the_toggle_says_plainly_why_there_is_no_heat_map(qtbot, tmp_path) -> None:
    view = VideoView()
    qtbot.addWidget(view)
    overlay = EvidenceOverlay(view)
    qtbot.addWidget(overlay)
    assert "analyse first" in overlay.note.text()
    plain = replace(synthetic_results(n_windows=2, onset_s=0.0), saliency=None)
    overlay.set_results(plain, window_index(plain))
    assert not overlay.toggle.isEnabled()
    assert "analysed without heat maps" in overlay.note.text()
    packed = replace(plain, model=replace(plain.model, pack={"path": "site.pack"}))
    overlay.set_results(packed, window_index(packed))
    assert not overlay.toggle.isEnabled()
    assert "not with a model pack" in overlay.note.text() and "Grad-CAM" in \
        overlay.note.text()
    lost = results_with_saliency(tmp_path)
    assert lost.saliency is not None
    Path(lost.saliency.file).unlink()
    overlay.set_results(lost, window_index(lost))
    assert not overlay.toggle.isEnabled() and "missing" in overlay.note.text()


def test_a_long_note_never_squeezes_the_opacity_slider(qtbot, tmp_path) -> None:
    """Seen on the demo's screenshot: the note's width left the slider a few pixels wide."""
    view = VideoView()
    overlay = EvidenceOverlay(view)
    qtbot.addWidget(view)
    qtbot.addWidget(overlay)
    overlay.resize(700, 30)
    overlay.show()
    long_note = "window 4: only 14% of the evidence on the patient/bed, " * 4
    overlay.note.setText(long_note)
    qtbot.waitUntil(lambda: overlay.opacity.width() >= 80)
    assert overlay.note.text() == long_note and overlay.note.toolTip() == long_note
    assert overlay.note.shown_text().endswith("…") and len(overlay.note.shown_text()) < len(
        long_note)
    assert overlay.note.geometry().right() <= overlay.width()
