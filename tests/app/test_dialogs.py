"""Settings, about, recent files and drag and drop."""

from __future__ import annotations

from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent

from semioscope import DISCLAIMER
from semioscope.app.dialogs import SettingsDialog, about_text
from semioscope.app.settings import AppSettings
from tests.app.conftest import wait_until


def test_settings_dialog_round_trip(qtbot):
    dialog = SettingsDialog(AppSettings(recent=["/a.mkv"]))
    qtbot.addWidget(dialog)
    dialog.classifier.setText("/models/clf.pt")
    dialog.backbone.setCurrentText("s3d")
    dialog.threads.setValue(2)
    dialog.allow_untrained.setChecked(True)
    assert dialog.device.currentText() == "auto"    # a GPU is used without being asked
    dialog.device.setCurrentText("cpu")
    s = dialog.result_settings()
    assert (s.classifier_path, s.backbone, s.threads, s.allow_untrained, s.device) == (
        "/models/clf.pt", "s3d", 2, True, "cpu")
    assert s.recent == ["/a.mkv"]
    s.save()
    assert AppSettings.load() == s
    AppSettings.path().write_text("{broken")
    assert AppSettings.load() == AppSettings()


def test_about_names_version_and_disclaimer():
    assert DISCLAIMER in about_text()


def test_drop_opens_video_and_recent_menu_lists_it(qtbot, make_window, video):
    window = make_window()
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(video))])
    event = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime,
                       Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier)
    window.dropEvent(event)
    assert window.video_path == video
    wait_until(qtbot, lambda: window.session.crop is not None)
    assert AppSettings.load().recent[0] == str(video.resolve())
    assert [a.text() for a in window.opening.recent_menu.actions()] == [str(video.resolve())]
