"""The one table of menu actions and keyboard shortcuts; menus and the help dialog come from it.

Each row names a handler ``act_<key>`` on the main window, so adding a shortcut is one line here
and the help dialog can never disagree with the menus.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu


@dataclass(frozen=True)
class ActionSpec:
    key: str                 # handler is ``act_<key>`` on the window
    menu: str
    text: str
    shortcuts: tuple[str, ...] = ()
    help: str = ""


ACTIONS: tuple[ActionSpec, ...] = (
    ActionSpec("open", "&File", "&Open video…", ("Ctrl+O",), "Open a video (or drop it on the window)"),
    ActionSpec("export_report", "&File", "&Export report…", ("Ctrl+E",),
               "Write a PDF case report of the current results"),
    ActionSpec("settings", "&File", "&Settings…", ("Ctrl+,",), "Models, weights, CPU threads"),
    ActionSpec("quit", "&File", "&Quit", ("Ctrl+Q",), "Close semioscope"),
    ActionSpec("undo", "&Edit", "&Undo", ("Ctrl+Z",), "Undo the last crop or span edit"),
    ActionSpec("redo", "&Edit", "&Redo", ("Ctrl+Y", "Ctrl+Shift+Z"), "Redo"),
    ActionSpec("crop_left", "&Edit", "Move crop left", ("Alt+Left",), "Move the crop box 4 px"),
    ActionSpec("crop_right", "&Edit", "Move crop right", ("Alt+Right",), "Move the crop box 4 px"),
    ActionSpec("crop_up", "&Edit", "Move crop up", ("Alt+Up",), "Move the crop box 4 px"),
    ActionSpec("crop_down", "&Edit", "Move crop down", ("Alt+Down",), "Move the crop box 4 px"),
    ActionSpec("crop_narrower", "&Edit", "Crop narrower", ("Alt+Shift+Left",), "Width −4 px"),
    ActionSpec("crop_wider", "&Edit", "Crop wider", ("Alt+Shift+Right",), "Width +4 px"),
    ActionSpec("crop_shorter", "&Edit", "Crop shorter", ("Alt+Shift+Up",), "Height −4 px"),
    ActionSpec("crop_taller", "&Edit", "Crop taller", ("Alt+Shift+Down",), "Height +4 px"),
    ActionSpec("reset_crop", "&Edit", "Reset crop to automatic", ("Ctrl+R",),
               "Return to the detector's box (or the full frame)"),
    ActionSpec("set_onset", "&Edit", "Set &onset here", ("I",), "Clinical onset = current frame"),
    ActionSpec("set_offset", "&Edit", "Set o&ffset here", ("O",), "Clinical offset = current frame"),
    ActionSpec("reset_span", "&Edit", "Span = whole video", ("Ctrl+Shift+R",),
               "Analyse the whole video"),
    ActionSpec("play", "&Playback", "&Play / pause", ("Space",), "Start or stop playback"),
    ActionSpec("prev_frame", "&Playback", "Previous frame", ("Left",), "Step back one frame"),
    ActionSpec("next_frame", "&Playback", "Next frame", ("Right",), "Step forward one frame"),
    ActionSpec("back_second", "&Playback", "Back 1 s", ("Shift+Left",), "Jump back one second"),
    ActionSpec("fwd_second", "&Playback", "Forward 1 s", ("Shift+Right",), "Jump forward one second"),
    ActionSpec("first_frame", "&Playback", "First frame", ("Home",), "Go to the first frame"),
    ActionSpec("last_frame", "&Playback", "Last frame", ("End",), "Go to the last frame"),
    ActionSpec("slower", "&Playback", "Slower", ("[",), "Halve the playback speed"),
    ActionSpec("faster", "&Playback", "Faster", ("]",), "Double the playback speed"),
    ActionSpec("reset_display", "&Playback", "Reset display window", ("Ctrl+0",),
               "Brightness/contrast back to the full 8-bit range (display only)"),
    ActionSpec("analyse", "&Analysis", "&Analyse span", ("Ctrl+Return",),
               "Score FLE vs TLE per 2-s window in the clinical span"),
    ActionSpec("cancel", "&Analysis", "&Cancel analysis", ("Escape",), "Stop the running analysis"),
    ActionSpec("shortcuts", "&Help", "&Keyboard shortcuts", ("F1",), "This list"),
    ActionSpec("about", "&Help", "&About semioscope", (), "Version and intended use"),
)


def install_actions(window: QMainWindow, specs: tuple[ActionSpec, ...] = ACTIONS,
                    ) -> tuple[dict[str, QAction], dict[str, QMenu]]:
    """Create menus and actions on ``window``, each triggering ``window.act_<key>``."""
    actions: dict[str, QAction] = {}
    menus: dict[str, QMenu] = {}
    for spec in specs:
        menu = menus.get(spec.menu)
        if menu is None:
            menu = menus[spec.menu] = window.menuBar().addMenu(spec.menu)
        action = QAction(spec.text, window)
        action.setShortcuts([QKeySequence(s) for s in spec.shortcuts])
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.setStatusTip(spec.help)
        handler: Callable[[], object] = getattr(window, f"act_{spec.key}")
        action.triggered.connect(handler)
        menu.addAction(action)
        window.addAction(action)
        actions[spec.key] = action
    return actions, menus


def shortcut_rows(specs: tuple[ActionSpec, ...] = ACTIONS) -> list[tuple[str, str, str]]:
    """(shortcut, action, what it does) rows for the help dialog, in table order."""
    rows = []
    for spec in specs:
        keys = ", ".join(QKeySequence(s).toString(QKeySequence.SequenceFormat.NativeText)
                         for s in spec.shortcuts) or "—"
        rows.append((keys, spec.text.replace("&", "").replace("…", ""), spec.help))
    return rows
