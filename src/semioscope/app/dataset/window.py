"""The dataset window: every video of a project, a review queue driven from the keyboard.

Every action is saved at once through the store (no Save button) and is undoable for the whole
session. Keys come from one table, :data:`ACTIONS`, that also builds the menus and the help text.
A project already open for editing elsewhere opens read-only with a banner saying who has it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from semioscope.app.dataset.commands import CropEditCommand
from semioscope.app.dataset.table import FILTERS, DatasetFilter, DatasetModel
from semioscope.app.dataset.thumbnail import ThumbnailLoader
from semioscope.app.dataset.worker import ProjectCropWorker
from semioscope.app.video_view import VideoView
from semioscope.core.geometry import Box
from semioscope.core.project import (
    CropState,
    ProjectStore,
    VideoRow,
    accepted,
    automatic,
    nudged,
    unusable,
    with_box,
)
from semioscope.errors import SemioscopeError

UNUSABLE_REASONS = ("patient out of view", "camera moved", "occluded (blanket, staff)",
                    "video corrupt", "not a seizure")

#: (name, menu text, shortcuts, method name, edits the project)
ACTIONS: tuple[tuple[str, str, tuple[str, ...], str, bool], ...] = (
    ("next", "Next needing review", ("N",), "next_review", False),
    ("previous", "Previous needing review", ("P",), "previous_review", False),
    ("accept", "Accept crop", ("Return", "Enter"), "accept", True),
    ("reset", "Reset to automatic", ("R",), "reset_to_automatic", True),
    ("unusable", "Mark unusable…", ("U",), "mark_unusable", True),
    ("left", "Move box left", ("Ctrl+Left",), "move_left", True),
    ("right", "Move box right", ("Ctrl+Right",), "move_right", True),
    ("up", "Move box up", ("Ctrl+Up",), "move_up", True),
    ("down", "Move box down", ("Ctrl+Down",), "move_down", True),
    ("left10", "Move box left 10 px", ("Ctrl+Shift+Left",), "move_left10", True),
    ("right10", "Move box right 10 px", ("Ctrl+Shift+Right",), "move_right10", True),
    ("up10", "Move box up 10 px", ("Ctrl+Shift+Up",), "move_up10", True),
    ("down10", "Move box down 10 px", ("Ctrl+Shift+Down",), "move_down10", True),
    ("wider", "Widen box", ("Alt+Right",), "widen", True),
    ("narrower", "Narrow box", ("Alt+Left",), "narrow", True),
    ("taller", "Make box taller", ("Alt+Down",), "taller", True),
    ("shorter", "Make box shorter", ("Alt+Up",), "shorter", True),
    ("search", "Search", ("Ctrl+F",), "focus_search", False),
    ("crop_all", "Crop all videos", ("Ctrl+Shift+B",), "crop_all", True),
)


def help_text() -> str:
    """The keyboard reference, from the same table that makes the shortcuts."""
    rows = [f"{' / '.join(keys):<20} {text}" for _, text, keys, _, _ in ACTIONS]
    return "\n".join([f"{'Mouse':<20} Drag the box or its handles", *rows])


def crop_badge(row: VideoRow) -> tuple[str, str]:
    """(text, level) of the view's badge for this video, in the review window's colours."""
    if row.status == "corrected":
        return "crop corrected by an annotator", "corrected"
    if row.status == "ok":
        return "auto crop", "ok"
    if row.status == "needs_review":
        reasons = ", ".join(row.reasons)
        return "auto crop — needs review" + (f": {reasons}" if reasons else ""), "review"
    if row.status == "unusable":
        return f"unusable: {row.unusable_reason or 'no reason given'}", "review"
    return "not cropped yet: run Crop all, or nudge a box from the full frame", "none"


class DatasetWindow(QMainWindow):
    """The project's videos (table, filters, search, thumbnail) and the review queue."""

    def __init__(self, project_dir: str | Path, *,
                 detector_factory: Callable[[], Any] | None = None) -> None:
        super().__init__()
        self.store = ProjectStore.open(project_dir)
        self.setWindowTitle(f"semioscope: project {Path(project_dir).name}")
        self.model = DatasetModel(self.store.rows())
        self.proxy = DatasetFilter(self.model)
        self.undo_stack = QUndoStack(self)
        self.current_id: int | None = None
        self.worker: ProjectCropWorker | None = None
        self._detector_factory = detector_factory or _default_detector_factory
        self.ask_reason: Callable[[], str | None] = self._ask_reason
        self.actions_by_name: dict[str, QAction] = {}
        self._build()
        self.thumbnails = ThumbnailLoader()
        self.thumbnails.loaded.connect(self._thumbnail_loaded)
        self.thumbnails.start()
        if self.model.rowCount():
            self.select(self.model.video(0).id)

    # -- building --------------------------------------------------------------------------------
    def _build(self) -> None:
        self.banner = QLabel(self.store.read_only_reason or "")
        self.banner.setStyleSheet("background: #fff3b0; padding: 4px;")
        self.banner.setVisible(self.store.read_only)
        self.filter_box = QComboBox()
        self.filter_box.addItems(list(FILTERS))
        self.filter_box.currentTextChanged.connect(self.proxy.set_filter)
        self.search = QLineEdit(placeholderText="Search seizure, patient, label, reason…")
        self.search.textChanged.connect(self.proxy.set_search)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)   # Qt's default is descending
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)
        # the review window's view: first frame, crop box with handles to drag, status badge
        self.frame_view = VideoView()
        self.frame_view.setMinimumSize(360, 300)
        self.frame_view.cropEdited.connect(self.drag_crop)
        self._view_size: tuple[int, int] | None = None
        self.details = QLabel()
        self.details.setWordWrap(True)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        keys = QLabel(help_text())
        keys.setStyleSheet("font-family: monospace; font-size: 9pt; color: #555;")

        filters = QHBoxLayout()
        filters.addWidget(self.filter_box)
        filters.addWidget(self.search, 1)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.addLayout(filters)
        left_layout.addWidget(self.table)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.addWidget(self.frame_view, 1)
        for widget in (self.details, keys):
            right_layout.addWidget(widget)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 3)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.addWidget(self.banner)
        layout.addWidget(splitter)
        self.setCentralWidget(central)
        self._build_actions()
        self.resize(1200, 700)

    def _build_actions(self) -> None:
        edit_menu = self.menuBar().addMenu("&Review")
        undo = self.undo_stack.createUndoAction(self, "Undo")
        undo.setShortcut(QKeySequence.StandardKey.Undo)
        redo = self.undo_stack.createRedoAction(self, "Redo")
        redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        for action in (undo, redo):
            edit_menu.addAction(action)
            self.addAction(action)   # shortcuts work even where the menu bar is native
        edit_menu.addSeparator()
        for name, text, keys, method, edits in ACTIONS:
            action = QAction(text, self)
            action.setShortcuts([QKeySequence(k) for k in keys])
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            action.triggered.connect(getattr(self, method))
            action.setEnabled(not (edits and self.store.read_only))
            edit_menu.addAction(action)
            self.addAction(action)
            self.actions_by_name[name] = action

    # -- selection ---------------------------------------------------------------------------------
    def current_row(self) -> VideoRow | None:
        if self.current_id is None:
            return None
        pos = self.model.position(self.current_id)
        return None if pos is None else self.model.video(pos)

    def select(self, video_id: int) -> None:
        pos = self.model.position(video_id)
        if pos is None:
            return
        self.current_id = video_id
        index = self.proxy.mapFromSource(self.model.index(pos, 0))
        if index.isValid():
            self.table.selectionModel().setCurrentIndex(
                index, QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows)
            self.table.scrollTo(index)
        self._show_current()

    def _row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            self.current_id = int(self.proxy.data(current, Qt.ItemDataRole.UserRole))
            self._show_current()

    def _show_current(self) -> None:
        row = self.current_row()
        if row is None:
            return
        reason = f"<br>unusable: {row.unusable_reason}" if row.unusable_reason else ""
        reasons = ", ".join(row.reasons) or "none"
        self.details.setText(
            f"<b>{row.seizure_id}</b> · patient {row.patient_id or '?'} · {row.label or '?'}"
            f"<br>crop {row.box or 'none'} ({row.status.replace('_', ' ')}); automatic: "
            f"{row.auto_box or 'not run'}, reasons: {reasons}{reason}"
            f"<br>last edit {row.updated or '-'} by {row.user or '-'}<br>{row.path}")
        self.thumbnails.request(row.id, row.path)

    def _thumbnail_loaded(self, video_id: int, frame: object) -> None:
        row = self.current_row()
        if row is None or row.id != video_id:
            return
        if not isinstance(frame, np.ndarray):
            self._view_size = None
            self.frame_view.set_geometry(1, 1)
            self.frame_view.set_crop(None, (f"cannot show the first frame: {frame}", "review"))
            return
        height, width = frame.shape[:2]
        if self._view_size != (width, height):
            self.frame_view.set_geometry(width, height)
            self._view_size = (width, height)
        self.frame_view.show_frame(0, frame)
        self.frame_view.set_crop(row.box, crop_badge(row))

    # -- the review queue ----------------------------------------------------------------------------
    def _step_review(self, step: int) -> None:
        n = self.proxy.rowCount()
        ids = [int(self.proxy.data(self.proxy.index(i, 0), Qt.ItemDataRole.UserRole))
               for i in range(n)]
        start = ids.index(self.current_id) if self.current_id in ids else (-1 if step > 0 else n)
        for k in range(1, n + 1):
            i = (start + step * k) % n
            if self.model.video(self.model.position(ids[i]) or 0).status == "needs_review":
                self.select(ids[i])
                if (step > 0 and i <= start) or (step < 0 and i >= start):
                    self.statusBar().showMessage("wrapped around the list", 3000)
                return
        self.statusBar().showMessage("no video needs review in this list", 5000)

    def next_review(self) -> None:
        self._step_review(+1)

    def previous_review(self) -> None:
        self._step_review(-1)

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    # -- edits (each an undoable command saved at once) ----------------------------------------------
    def _edit(self, text: str, make: Callable[[VideoRow], CropState], merge: bool = False) -> None:
        row = self.current_row()
        if row is None or self.store.read_only:
            return
        try:
            after = make(row)
        except SemioscopeError as exc:
            self.statusBar().showMessage(str(exc), 5000)
            return
        if after == row.crop_state:
            return
        self.undo_stack.push(CropEditCommand(self.store, row.id, row.crop_state, after, text,
                                             self._row_saved, self._save_failed, merge))

    def _row_saved(self, row: VideoRow) -> None:
        self.model.update_row(row)
        if row.id == self.current_id:
            self._show_current()
        self.statusBar().showMessage(f"{row.seizure_id}: {row.status.replace('_', ' ')} (saved)",
                                     3000)

    def _save_failed(self, message: str) -> None:
        QMessageBox.critical(self, "semioscope: not saved", message)

    def drag_crop(self, box: Box) -> None:
        """A drag or resize of the box with the mouse ends: that box becomes the correction."""
        row = self.current_row()
        if row is not None and self.store.read_only:
            self.frame_view.set_crop(row.box, crop_badge(row))   # undo the drag on screen
            return
        self._edit("Drag crop", lambda r: with_box(r, box))

    def accept(self) -> None:
        self._edit("Accept crop", accepted)

    def reset_to_automatic(self) -> None:
        self._edit("Reset to automatic", automatic)

    def mark_unusable(self) -> None:
        if self.current_row() is None or self.store.read_only:
            return
        reason = self.ask_reason()
        if reason:
            self._edit("Mark unusable", lambda row: unusable(row, reason))

    def _ask_reason(self) -> str | None:
        text, ok = QInputDialog.getItem(self, "Unusable video", "Why can this video not be used?",
                                        list(UNUSABLE_REASONS), 0, True)
        return text.strip() if ok and text.strip() else None

    def _nudge(self, dx: int = 0, dy: int = 0, dw: int = 0, dh: int = 0) -> None:
        self._edit("Adjust crop", lambda row: nudged(row, dx, dy, dw, dh), merge=True)

    def move_left(self) -> None:
        self._nudge(dx=-1)

    def move_right(self) -> None:
        self._nudge(dx=1)

    def move_up(self) -> None:
        self._nudge(dy=-1)

    def move_down(self) -> None:
        self._nudge(dy=1)

    def move_left10(self) -> None:
        self._nudge(dx=-10)

    def move_right10(self) -> None:
        self._nudge(dx=10)

    def move_up10(self) -> None:
        self._nudge(dy=-10)

    def move_down10(self) -> None:
        self._nudge(dy=10)

    def widen(self) -> None:
        self._nudge(dw=1)

    def narrow(self) -> None:
        self._nudge(dw=-1)

    def taller(self) -> None:
        self._nudge(dh=1)

    def shorter(self) -> None:
        self._nudge(dh=-1)

    # -- batch crop ----------------------------------------------------------------------------------
    def crop_all(self) -> None:
        if self.store.read_only or (self.worker is not None and self.worker.isRunning()):
            return
        self.worker = ProjectCropWorker(self.store, self._detector_factory)
        self.worker.progress.connect(self._crop_progress)
        self.worker.done.connect(self._crop_done)
        self.worker.failed.connect(self._save_failed)
        self.worker.start()

    def _crop_progress(self, position: int, total: int, video_id: int, what: str) -> None:
        self.model.update_row(self.store.row(video_id))
        if video_id == self.current_id:
            self._show_current()
        self.statusBar().showMessage(f"cropping {position}/{total}: {what}")

    def _crop_done(self, lines: list[str]) -> None:
        self.model.set_rows(self.store.rows())
        if self.current_id is not None:
            self.select(self.current_id)
        self.statusBar().showMessage(lines[0] if lines else "done", 10000)

    # -- closing -------------------------------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt API
        if self.worker is not None and self.worker.isRunning():
            self.worker.cancel.cancel()
            self.worker.wait(30000)
        self.thumbnails.stop()
        self.store.close()
        super().closeEvent(event)


def _default_detector_factory() -> Any:
    from semioscope.core.crop import load_detector

    return load_detector("maskrcnn")


def open_project_window(project_dir: str | Path) -> int:
    """Run the dataset window for ``project_dir`` (``semioscope review PROJECT_DIR``)."""
    import sys

    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    window = DatasetWindow(project_dir)
    window.show()
    return int(app.exec())  # type: ignore[union-attr]
