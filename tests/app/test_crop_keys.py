"""One action table: the same crop keys give the same box in the review and the dataset window."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from semioscope.app.actions import ACTIONS, BOTH, DATASET, REVIEW, specs_for
from semioscope.core.crop import TruthDetector, sidecar
from semioscope.core.project import create_project
from semioscope.core.project.batch import crop_project
from tests.app.conftest import wait_until
from tests.core.project.helpers import auto_record, scene_dataset

KEY, MOD = Qt.Key, Qt.KeyboardModifier
CTRL, ALT, SHIFT = MOD.ControlModifier, MOD.AltModifier, MOD.ShiftModifier
#: moves, 10-px moves against the frame's edge, resizes, accept, reset, undo, redo
SEQUENCE = [(KEY.Key_Right, CTRL)] * 3 + [(KEY.Key_Down, CTRL | SHIFT)] + \
    [(KEY.Key_Left, CTRL | SHIFT)] * 12 + [(KEY.Key_Left, ALT)] * 2 + \
    [(KEY.Key_Down, ALT | SHIFT), (KEY.Key_Up, ALT), (KEY.Key_Return, MOD.NoModifier),
     (KEY.Key_R, MOD.NoModifier), (KEY.Key_Z, CTRL), (KEY.Key_Up, CTRL),
     (KEY.Key_Z, CTRL), (KEY.Key_Y, CTRL)]


def test_no_key_means_two_things_and_each_window_lists_its_own_rows():
    keys = [k for spec in ACTIONS for k in spec.shortcuts]
    assert len(keys) == len(set(keys))
    shared = {s.key for s in ACTIONS if s.windows == BOTH}
    assert {"undo", "redo", "accept_crop", "reset_crop", "crop_left", "crop_narrower",
            "crop_left10", "crop_narrower10"} <= shared
    assert {s.key for s in specs_for(REVIEW)} & {s.key for s in specs_for(DATASET)} == shared
    nudges = {s.shortcuts[0]: s.nudge for s in ACTIONS if s.nudge}
    assert nudges["Ctrl+Left"] == (-1, 0, 0, 0) and nudges["Alt+Left"] == (0, 0, -1, 0)
    assert nudges["Ctrl+Shift+Up"] == (0, -10, 0, 0) and nudges["Alt+Shift+Down"] == (0, 0, 0, 10)


def test_same_key_sequence_same_box_in_both_windows(qtbot, make_window, tmp_path: Path):
    from semioscope.app.dataset import DatasetWindow
    from semioscope.app.dialogs import ShortcutsDialog

    manifest = scene_dataset(tmp_path / "data", 1)
    with create_project(tmp_path / "proj", manifest=manifest) as store:
        crop_project(store, TruthDetector(), frames=2)
        record = auto_record(store, 1)
    assert record is not None
    dataset = DatasetWindow(tmp_path / "proj")
    qtbot.addWidget(dataset)
    review = make_window(detector=None)
    assert review.open_video(manifest.parent / "sz0.mkv")
    wait_until(qtbot, lambda: review.session.crop is not None)   # full frame: no detector
    session = review.session
    session.set_crop(sidecar.from_record(record, session.frame_size))  # the project's proposal
    review.undo_stack.clear()
    assert session.crop == dataset.store.row(1).crop
    for window in (review, dataset):
        window.show()
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow, timeout=5000)
    seen = []
    for key, mod in SEQUENCE:
        for window in (review, dataset):
            window.activateWindow()
            qtbot.waitUntil(window.isActiveWindow, timeout=5000)
            QTest.keyClick(window, key, mod)
        row = dataset.store.row(1)
        assert (session.crop.box, session.crop.status) == (row.box, row.status), (key, mod)
        seen.append(row.box)
    assert len(set(seen)) > 5 and min(b.x for b in seen if b) == 0   # it moved, hit the edge
    assert dataset.undo_stack.count() == review.undo_stack.count()
    for window, name in ((review, REVIEW), (dataset, DATASET)):
        dialog = ShortcutsDialog(window, specs_for(name))
        qtbot.addWidget(dialog)
        assert dialog.table.rowCount() == len(specs_for(name))
