"""The dataset window: every video of a project, a review queue driven from the keyboard.

Every action is saved at once through the store (no Save button) and is undoable for the whole
session. Keys come from the one action table of both windows (``app/actions.py``), and the crop
edits are the review window's (``app/crop_editing.py`` over ``core/crop/editing.py``).
A project already open for editing elsewhere opens read-only with a banner saying who has it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt
from PySide6.QtGui import QCloseEvent, QShowEvent, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMainWindow,
    QScrollArea,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from semioscope.app import dialogs
from semioscope.app.actions import DATASET, install_actions, shortcut_rows, specs_for
from semioscope.app.crop_command import CropCommand
from semioscope.app.crop_editing import CropEditing
from semioscope.app.dataset import agreement
from semioscope.app.dataset.columns import ColumnFitter
from semioscope.app.dataset.row_text import details_text, detector_warning
from semioscope.app.dataset.table import FILTERS, DatasetFilter, DatasetModel
from semioscope.app.dataset.thumbnail import ThumbnailLoader
from semioscope.app.dataset.worker import ProjectCropWorker
from semioscope.app.focus_ring import install_focus_ring
from semioscope.app.styles import WARNING_STYLE
from semioscope.app.video_view import VideoView
from semioscope.core.crop import editing
from semioscope.core.crop.editing import Crop
from semioscope.core.geometry import Box
from semioscope.core.project import ProjectStore, VideoRow
from semioscope.errors import SemioscopeError

KEYS_HEIGHT_PX = 190   # about twelve lines of the keyboard list
DETAILS_LINES = 6      # the details under the view keep this height, whatever they say
UNUSABLE_REASONS = ("patient out of view", "camera moved", "occluded (blanket, staff)",
                    "video corrupt", "not a seizure")


def help_text() -> str:
    """The keyboard reference beside the view, from the same table that makes the shortcuts."""
    rows = [f"{keys:<22} {text}" for keys, text, _ in shortcut_rows(specs_for(DATASET))]
    return "\n".join([f"{'Mouse':<22} Drag the box or its handles", *rows])


class DatasetWindow(CropEditing, QMainWindow):
    """The project's videos (table, filters, search, thumbnail) and the review queue."""

    def __init__(self, project_dir: str | Path, *,
                 detector_factory: Callable[[], Any] | None = None) -> None:
        super().__init__()
        install_focus_ring()     # a focus a keyboard user can see (one ring for every window)
        self.store = ProjectStore.open(project_dir)
        self.setWindowTitle(f"semioscope: project {Path(project_dir).name}")
        self.model = DatasetModel(self.store.rows(), agreement.load_agreements(self.store))
        self.proxy = DatasetFilter(self.model)
        self.undo_stack = QUndoStack(self)
        self.current_id: int | None = None
        self.worker: ProjectCropWorker | None = None
        self._detector_factory = detector_factory or _default_detector_factory
        self.ask_reason: Callable[[], str | None] = self._ask_reason
        self._build()
        self.thumbnails = ThumbnailLoader()
        self.thumbnails.loaded.connect(self._thumbnail_loaded)
        self.thumbnails.start()
        if self.model.rowCount():
            self.select(self.model.video(0).id)

    # -- building --------------------------------------------------------------------------------
    def _build(self) -> None:
        """The window's widgets and their wiring, in reading order; long because each widget is
        made and connected once, here."""
        self.banner = QLabel(self.store.read_only_reason or "")
        self.banner.setStyleSheet("background: #fff3b0; padding: 4px;")
        self.banner.setVisible(self.store.read_only)
        # the CLI's warning about an untrained detector, for as long as a crop of it is shown
        self.detector_warning = QLabel("")
        self.detector_warning.setWordWrap(True)
        self.detector_warning.setStyleSheet(WARNING_STYLE)
        self.detector_warning.hide()
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
        self.table.setWordWrap(False)    # a wrapped date was cut to "2026-1 / 12:32"
        self.columns = ColumnFitter(self.table)   # the key columns fit, without scrolling
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)
        # the review window's view: first frame, crop box with handles to drag, status badge
        self.frame_view = VideoView()
        self.frame_view.setMinimumSize(360, 300)
        self.frame_view.cropEdited.connect(self.drag_crop)
        self._view_size: tuple[int, int] | None = None
        self.details = QLabel()
        self.details.setWordWrap(True)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        # a fixed height: a longer or shorter text must not rescale the video above it (the
        # next handle would no longer be where it was)
        self.details.setFixedHeight(DETAILS_LINES * self.details.fontMetrics().lineSpacing())
        keys = QLabel(help_text())
        keys.setStyleSheet("font-family: monospace; font-size: 9pt; color: #555;")
        keys_area = QScrollArea()   # the whole list is long: it scrolls instead of squeezing
        keys_area.setWidget(keys)
        keys_area.setFrameShape(QFrame.Shape.NoFrame)
        keys_area.setMaximumHeight(KEYS_HEIGHT_PX)

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
        for widget in (self.details, keys_area):
            right_layout.addWidget(widget)
        self.splitter = splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        self._halved = False
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.addWidget(self.banner)
        layout.addWidget(self.detector_warning)
        layout.addWidget(splitter)
        self.setCentralWidget(central)
        # made now with its full height: made on the first message, it took ~16 px from the
        # video, which rescaled under the mouse after every drag
        bar = self.statusBar()
        bar.setFixedHeight(bar.sizeHint().height())
        self._build_actions()
        self.resize(1200, 700)

    def _build_actions(self) -> None:
        self.qactions, self.menus = install_actions(self, specs_for(DATASET))
        for spec in specs_for(DATASET):
            self.qactions[spec.key].setEnabled(not (spec.edits and self.store.read_only))
        for key, signal in (("undo", self.undo_stack.canUndoChanged),
                            ("redo", self.undo_stack.canRedoChanged)):
            self.qactions[key].setEnabled(False)
            signal.connect(self.qactions[key].setEnabled)

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
        self.details.setText(details_text(row, self.model.agreements.get(row.id)))
        self.details.setToolTip(row.path)
        warning = detector_warning(row)
        self.detector_warning.setText(warning)
        self.detector_warning.setVisible(bool(warning))
        self.thumbnails.request(row.id, row.path)

    def _thumbnail_loaded(self, video_id: int, frame: object) -> None:
        row = self.current_row()
        if row is None or row.id != video_id:
            return
        if not isinstance(frame, np.ndarray):
            self._view_size = None
            self.frame_view.set_geometry(1, 1)
            self.frame_view.set_crop(None, (f"cannot show the first frame: {frame}",
                                            "needs_review"))
            return
        height, width = frame.shape[:2]
        if self._view_size != (width, height):
            self.frame_view.set_geometry(width, height)
            self._view_size = (width, height)
        self.frame_view.show_frame(0, frame)
        self.frame_view.set_crop(row.box, editing.badge(row.crop))

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

    def act_next_review(self) -> None:
        self._step_review(+1)

    def act_previous_review(self) -> None:
        self._step_review(-1)

    def act_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    # -- edits (the shared crop handlers; each an undoable command saved at once) ---------------
    def current_crop(self) -> Crop | None:
        row = self.current_row()
        return None if row is None or self.store.read_only else row.crop

    def push_crop(self, before: Crop, after: Crop, text: str, merge: bool) -> None:
        video_id = self.current_id
        assert video_id is not None
        self.undo_stack.push(CropCommand(lambda crop: self._write_crop(video_id, crop), before,
                                         after, text, merge=merge, target=video_id))

    def _write_crop(self, video_id: int, crop: Crop | None) -> None:
        """Write through the store at once (audited, so undoing is on the audit trail too);
        Qt swallows exceptions raised inside redo()/undo(), so a failure is shown instead."""
        assert crop is not None   # a project row always has a crop state
        try:
            row = self.store.write_crop(video_id, crop)
        except (SemioscopeError, sqlite3.Error) as exc:
            self._save_failed(f"not saved: {exc}")
        else:
            self._row_saved(row)

    def _row_saved(self, row: VideoRow) -> None:
        self.model.update_row(row)
        if row.id == self.current_id:
            self._show_current()
        self.statusBar().showMessage(f"{row.seizure_id}: {row.status.replace('_', ' ')} (saved)",
                                     3000)

    def _save_failed(self, message: str) -> None:
        dialogs.show_error(self, "semioscope: not saved", message)

    def drag_crop(self, box: Box) -> None:
        row = self.current_row()
        if row is not None and self.store.read_only:
            self.frame_view.set_crop(row.box, editing.badge(row.crop))   # undo the drag on screen
            return
        super().drag_crop(box)

    def act_mark_unusable(self) -> None:
        if self.current_crop() is None:
            return
        reason = self.ask_reason()
        if reason:
            self.apply_crop_edit(lambda crop: editing.unusable(crop, reason), "Mark unusable")

    def _ask_reason(self) -> str | None:
        text, ok = QInputDialog.getItem(self, "Unusable video", "Why can this video not be used?",
                                        list(UNUSABLE_REASONS), 0, True)
        return text.strip() if ok and text.strip() else None

    def act_quit(self) -> None:
        self.close()

    def act_shortcuts(self) -> None:
        dialogs.ShortcutsDialog(self, specs_for(DATASET)).exec()

    def act_about(self) -> None:
        dialogs.show_about(self)

    # -- batch crop ----------------------------------------------------------------------------------
    def act_crop_all(self) -> None:
        if self.store.read_only or (self.worker is not None and self.worker.isRunning()):
            return
        self.worker = ProjectCropWorker(self.store, self._detector_factory)
        self.worker.progress.connect(self._crop_progress)
        self.worker.done.connect(self._crop_done)
        self.worker.failed.connect(self._crop_failed)
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

    def _crop_failed(self, message: str) -> None:
        """The run stopped: the list shows what was saved, the status bar no longer "cropping"."""
        self.model.set_rows(self.store.rows())
        self.statusBar().showMessage(f"batch crop stopped: {message}")
        dialogs.show_error(self, "semioscope: batch crop stopped", message)

    # -- closing -------------------------------------------------------------------------------------
    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt API
        """Half the width to the table when first shown (the video's side asked for ~70 %, and
        the table's key columns did not fit at 1024 px); the splitter is the user's after."""
        super().showEvent(event)
        if not self._halved:
            self._halved = True
            width = self.splitter.width() or self.width()
            self.splitter.setSizes([width // 2, width - width // 2])

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt API
        if self.worker is not None and self.worker.isRunning():
            self.worker.cancel.cancel()
            self.worker.wait(30000)
        self.thumbnails.stop()
        self.store.close()
        super().closeEvent(event)


def _default_detector_factory() -> Any:
    """The model pack's detector when File > Settings names a pack that has one (the clinician
    runtime's only detector), else torch's Mask R-CNN from the fetched weights."""
    from semioscope.app.settings import AppSettings
    from semioscope.core.runtime import has_torch
    from semioscope.core.runtime.pack import ModelPack, is_pack
    from semioscope.errors import SemioscopeError

    settings = AppSettings.load()
    if settings.classifier_path and is_pack(settings.classifier_path):
        pack = ModelPack.open(settings.classifier_path)
        if pack.has_detector():
            detector = pack.detector(threads=settings.threads or None)
            if detector.pretrained or settings.allow_untrained:
                return detector
    if not has_torch():
        raise SemioscopeError("crop", "the clinician runtime crops with a model pack's detector: "
                              "choose a pack exported with --detector in the review window's "
                              "File > Settings, or draw each box by hand")
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
