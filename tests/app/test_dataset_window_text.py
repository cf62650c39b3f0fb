"""The project window as a clinician reads it: a steady video under the mouse, the untrained
detector's warning, and an automatic crop that says it is automatic (issue #27, items 3 and 7)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPointF, Qt

from semioscope.core.crop import TruthDetector
from semioscope.core.project import create_project
from semioscope.core.project.batch import crop_project
from tests.app.test_dataset_review import make
from tests.core.project.helpers import auto_record, scene_dataset


@pytest.fixture
def project(tmp_path: Path) -> Path:
    with create_project(tmp_path / "proj", manifest=scene_dataset(tmp_path / "data", 2)) as store:
        crop_project(store, TruthDetector(), frames=2)
        record = auto_record(store, 2)
        assert record is not None   # video 2 as an untrained Mask R-CNN would have cropped it
        store.set_auto_record(2, {**record, "detector": {**record["detector"],
                                                         "name": "maskrcnn", "pretrained": False}})
    return tmp_path / "proj"


def video_rect(window) -> tuple[int, int, int, int]:
    g = window.frame_view.graphics
    top_left = g.mapTo(window, g.rect().topLeft())
    return top_left.x(), top_left.y(), g.width(), g.height()


def test_the_video_does_not_move_when_a_status_message_comes_and_goes(qtbot, project: Path):
    window = make(qtbot, project)
    window.resize(1024, 700)
    view = window.frame_view
    qtbot.waitUntil(lambda: view.roi is not None and view.roi.isVisible(), timeout=5000)
    qtbot.wait(50)
    before = video_rect(window)
    box = window.store.row(1).box
    view.roi.setSize(QPointF(box.w - 6, box.h - 4), finish=True)   # a handle drag ends
    assert "(saved)" in window.statusBar().currentMessage()
    qtbot.wait(50)
    assert video_rect(window) == before          # the second drag finds its handle
    window.statusBar().clearMessage()
    qtbot.wait(50)
    assert video_rect(window) == before


def test_an_untrained_detectors_crop_carries_the_clis_warning(qtbot, project: Path):
    from semioscope.core.crop.detectors import UNTRAINED_WARNING

    window = make(qtbot, project)
    window.select(1)
    assert window.detector_warning.isHidden()        # the truth detector of the test scenes
    window.select(2)
    assert not window.detector_warning.isHidden()
    assert UNTRAINED_WARNING in window.detector_warning.text()
    assert "meaningless" in window.detector_warning.text()


def test_an_automatic_crop_says_automatic_not_whose_login_ran_it(qtbot, project: Path):
    window = make(qtbot, project)
    window.select(1)
    text = window.details.text()
    assert "automatic crop (truth" in text and "last edit" not in text
    assert window.store.user not in text.split("<br>")[2]
    window.act_accept_crop()                         # a person's edit: now it is theirs
    assert f"by {window.store.user}" in window.details.text()


def test_the_tables_last_edit_column_says_automatic_for_a_detectors_crop(qtbot, project: Path):
    from semioscope.app.dataset.table import COLUMNS

    window = make(qtbot, project)
    column = COLUMNS.index("Last edit")
    cell = window.model.data(window.model.index(0, column))
    assert cell.endswith(" automatic") and window.store.user not in cell
    window.select(1)
    window.act_accept_crop()
    cell = window.model.data(window.model.index(0, column))
    assert cell.endswith(f" {window.store.user}")


def test_a_seizure_two_reviewers_marked_shows_their_agreement(qtbot, project: Path):
    """#29 item 6: the project window says, per seizure, how far two reviewers' semiology agrees
    (a table column with the per-term counts in its tooltip, and a line in the details)."""
    from semioscope.app.dataset.table import COLUMNS
    from semioscope.core.project import ProjectStore
    from semioscope.core.project.events import write_events
    from semioscope.core.semiology import SemiologyEvent

    with ProjectStore.open(project) as store:
        write_events(store, 1, (SemiologyEvent(onset_s=0.2, term="versive", reviewer="al"),
                                SemiologyEvent(onset_s=0.9, term="tonic", reviewer="al"),
                                SemiologyEvent(onset_s=0.5, term="versive", reviewer="bo")))
        write_events(store, 2, (SemiologyEvent(onset_s=0.3, term="clonic", reviewer="al"),))
    window = make(qtbot, project)
    column = COLUMNS.index("Agreement")
    first, second = (window.model.index(i, column) for i in (0, 1))
    # versive matched (0.3 s apart, within 2 s), tonic only by al: F1 = 2 * 1 / (2 + 1)
    assert window.model.data(first).startswith("F1 0.67 κ ")
    tip = window.model.data(first, Qt.ItemDataRole.ToolTipRole)
    assert tip.startswith("bo against al (the reference)")
    assert "versive: al 1, bo 1, matched 1" in tip and "tonic: al 1, bo 0, matched 0" in tip
    assert window.model.data(second) == ""               # one reviewer: nothing to compare
    window.select(1)
    assert "semiology: bo agrees with al: F1 0.67 over 2 terms" in window.details.text()
    window.select(2)
    assert "semiology:" not in window.details.text()


def test_enter_on_a_crop_already_corrected_says_nothing_changed(qtbot, project: Path):
    """Issue #27 item 11: a second Enter on the project window's corrected crop was silent."""
    from PySide6.QtTest import QTest

    window = make(qtbot, project)
    window.select(1)
    QTest.keyClick(window.table, Qt.Key.Key_Return)
    assert window.store.row(1).status == "corrected"
    edits = window.undo_stack.count()
    window.statusBar().clearMessage()
    QTest.keyClick(window.table, Qt.Key.Key_Return)
    assert "nothing to change" in window.statusBar().currentMessage()
    assert window.undo_stack.count() == edits          # and no empty edit to undo


def test_the_f1_tip_names_the_shortcuts_not_this_list(qtbot, project: Path, make_window):
    """The status tip of Help > Keyboard shortcuts said "This list" (of what?)."""
    for window in (make(qtbot, project), make_window()):
        tip = window.qactions["shortcuts"].statusTip()
        assert "this list" not in tip.lower() and "shortcut" in tip.lower()


def _shown(window) -> dict[str, int]:
    from semioscope.app.dataset.table import COLUMNS

    return {name: window.table.columnWidth(c) for c, name in enumerate(COLUMNS)
            if not window.table.isColumnHidden(c)}


def _text_px(window, text: str) -> int:
    return window.table.fontMetrics().horizontalAdvance(text)


@pytest.mark.parametrize("size", [(1024, 700), (1600, 1000)])
def test_the_key_columns_fit_without_a_horizontal_scroll_bar(qtbot, project: Path, size):
    """Issue #27: at 1024x700 four columns showed behind a horizontal scroll bar, and at
    1600x1000 the Video column was cut."""
    from semioscope.app.dataset.columns import KEY
    from semioscope.app.dataset.table import COLUMNS

    window = make(qtbot, project)
    window.resize(*size)
    qtbot.wait(100)
    table = window.table
    assert not table.horizontalScrollBar().isVisible()
    shown = _shown(window)
    assert set(KEY) <= set(shown)
    assert sum(shown.values()) <= table.viewport().width()
    video = COLUMNS.index("Video")
    for row in range(window.proxy.rowCount()):             # every file name whole, not cut
        text = window.proxy.data(window.proxy.index(row, video))
        assert shown["Video"] >= _text_px(window, text) + 6, (text, shown)
    if size[0] >= 1600:                                     # room for the details' columns too
        assert "Last edit" in shown


def test_a_narrow_table_elides_names_and_the_tooltip_has_the_whole_file(qtbot, project: Path):
    from semioscope.app.dataset.columns import KEY
    from semioscope.app.dataset.table import COLUMNS

    window = make(qtbot, project)
    window.resize(1024, 700)
    window.splitter.setSizes([420, 604])                    # the user drags the table narrower
    qtbot.wait(100)
    assert not window.table.horizontalScrollBar().isVisible()
    shown = _shown(window)
    assert set(shown) == set(KEY)                            # the optional ones went first
    video = COLUMNS.index("Video")
    index = window.proxy.index(0, video)
    name = window.proxy.data(index)
    assert shown["Video"] < _text_px(window, name)           # elided, so ...
    tip = window.proxy.data(index, Qt.ItemDataRole.ToolTipRole)
    assert tip.endswith(name) and tip == window.model.video(0).path   # ... the tip says all
