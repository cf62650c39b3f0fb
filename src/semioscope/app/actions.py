"""The one table of menu actions and keyboard shortcuts; menus and the help dialog come from it.

Each row names a handler ``act_<key>`` on a window and the windows it belongs to. The crop keys are
rows shared by the review window and the dataset window, so a key does the same thing in both, and
each window's Help ▸ Keyboard shortcuts lists exactly the rows it installed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu

from semioscope.core.crop.editing import BIG_STEP_PX, STEP_PX

REVIEW, DATASET = "review", "dataset"
BOTH = (REVIEW, DATASET)


@dataclass(frozen=True)
class ActionSpec:
    key: str                 # handler is ``act_<key>`` on the window (``act_nudge_crop`` for nudges)
    menu: str
    text: str
    shortcuts: tuple[str, ...] = ()
    help: str = ""
    windows: tuple[str, ...] = (REVIEW,)
    nudge: tuple[int, int, int, int] | None = None   # (dx, dy, dw, dh) of a crop nudge
    edits: bool = False      # changes the crop (disabled in a read-only project)


def _nudges() -> tuple[ActionSpec, ...]:
    """Arrow keys on the crop box, the same in both windows: Ctrl moves, Alt resizes,
    Shift makes the step 10 px instead of 1."""
    specs = []
    for shift, step in (("", STEP_PX), ("Shift+", BIG_STEP_PX)):
        for arrow, dx, dy in (("Left", -1, 0), ("Right", 1, 0), ("Up", 0, -1), ("Down", 0, 1)):
            name = arrow.lower() + ("10" if shift else "")
            specs.append(ActionSpec(
                f"crop_{name}", "&Edit", f"Move crop {arrow.lower()} {step} px",
                (f"Ctrl+{shift}{arrow}",), f"Move the crop box {step} px", BOTH,
                (dx * step, dy * step, 0, 0), True))
        for arrow, dw, dh, what in (("Left", -1, 0, "narrower"), ("Right", 1, 0, "wider"),
                                    ("Up", 0, -1, "shorter"), ("Down", 0, 1, "taller")):
            side = "Width" if dw else "Height"
            sign = "+" if dw + dh > 0 else "−"
            specs.append(ActionSpec(
                f"crop_{what}" + ("10" if shift else ""), "&Edit", f"Crop {what} {step} px",
                (f"Alt+{shift}{arrow}",), f"{side} {sign}{step} px", BOTH,
                (0, 0, dw * step, dh * step), True))
    return tuple(specs)


ACTIONS: tuple[ActionSpec, ...] = (
    ActionSpec("open", "&File", "&Open video…", ("Ctrl+O",), "Open a video (or drop it on the window)"),
    ActionSpec("export_report", "&File", "&Export report…", ("Ctrl+E",),
               "Write a PDF case report of the current results"),
    ActionSpec("settings", "&File", "&Settings…", ("Ctrl+,",), "Models, weights, CPU threads"),
    ActionSpec("quit", "&File", "&Quit", ("Ctrl+Q",), "Close this window", BOTH),
    ActionSpec("undo", "&Edit", "&Undo", ("Ctrl+Z",), "Undo the last edit", BOTH),
    ActionSpec("redo", "&Edit", "&Redo", ("Ctrl+Y", "Ctrl+Shift+Z"), "Redo", BOTH),
    *_nudges(),
    ActionSpec("accept_crop", "&Edit", "Accept crop", ("Return", "Enter"),
               "The box in force becomes a person's (corrected)", BOTH, edits=True),
    ActionSpec("reset_crop", "&Edit", "Reset crop to automatic", ("R", "Ctrl+R"),
               "Return to the detector's box (or the full frame)", BOTH, edits=True),
    ActionSpec("mark_unusable", "&Review", "Mark unusable…", ("U",),
               "Say why this video cannot be used", (DATASET,), edits=True),
    ActionSpec("next_review", "&Review", "Next needing review", ("N",),
               "Select the next video that needs review", (DATASET,)),
    ActionSpec("previous_review", "&Review", "Previous needing review", ("P",),
               "Select the previous video that needs review", (DATASET,)),
    ActionSpec("search", "&Review", "Search", ("Ctrl+F",), "Search seizure, patient, label, reason",
               (DATASET,)),
    ActionSpec("crop_all", "&Review", "Crop all videos", ("Ctrl+Shift+B",),
               "Run the automatic crop on every video not cropped yet", (DATASET,), edits=True),
    ActionSpec("set_onset", "&Edit", "Set &onset here", ("I",), "Clinical onset = current frame"),
    ActionSpec("set_offset", "&Edit", "Set o&ffset here", ("O",), "Clinical offset = current frame"),
    ActionSpec("mark_sign", "&Edit", "Mark a &sign at the playhead…", ("E",),
               "Semiology: pick a HED-SCORE term (Enter: point; Shift+Enter: interval, E again "
               "ends it)"),
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
    ActionSpec("evidence", "&Analysis", "Show &evidence", ("H",),
               "Heat map of the window under the cursor on or off"),
    ActionSpec("shortcuts", "&Help", "&Keyboard shortcuts", ("F1",),
               "List every keyboard shortcut", BOTH),
    ActionSpec("about", "&Help", "&About semioscope", (), "Version and intended use", BOTH),
)


def specs_for(window: str) -> tuple[ActionSpec, ...]:
    """The rows of :data:`ACTIONS` that ``window`` (``review`` or ``dataset``) installs."""
    return tuple(spec for spec in ACTIONS if window in spec.windows)


def install_actions(window: QMainWindow, specs: tuple[ActionSpec, ...] = specs_for(REVIEW),
                    handlers: Callable[[str], object] | None = None,
                    ) -> tuple[dict[str, QAction], dict[str, QMenu]]:
    """Create menus and actions on ``window``, each triggering ``act_<key>`` (a nudge calls
    ``act_nudge_crop(dx, dy, dw, dh)``) as ``handlers(name)`` finds it (default: the window's
    own methods; the review window's parts hold theirs)."""
    find = handlers or (lambda name: getattr(window, name))
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
        action.triggered.connect(_handler(find, spec))
        menu.addAction(action)
        window.addAction(action)
        actions[spec.key] = action
    return actions, menus


def _handler(find: Callable[[str], object], spec: ActionSpec) -> Callable[..., object]:
    """The slot of ``spec``, looked up when the action fires (a part may be made later)."""
    if spec.nudge is None:
        return lambda *_: find(f"act_{spec.key}")()  # type: ignore[operator]
    nudge = spec.nudge
    return lambda *_: find("act_nudge_crop")(*nudge)  # type: ignore[operator]


def shortcuts_markdown(specs: tuple[ActionSpec, ...] = specs_for(REVIEW)) -> str:
    """The README's table of keys, made from the same rows (tests/app/test_keyboard.py checks
    the README holds exactly this)."""
    lines = ["| Keys | Action | What it does |", "|---|---|---|"]
    for spec in specs:
        keys = ", ".join(spec.shortcuts) or "—"
        lines.append(f"| {keys} | {spec.text.replace('&', '').replace('…', '')} | {spec.help} |")
    return "\n".join(lines)


def shortcut_rows(specs: tuple[ActionSpec, ...] = specs_for(REVIEW)) -> list[tuple[str, str, str]]:
    """(shortcut, action, what it does) rows for the help dialog, in table order."""
    rows = []
    for spec in specs:
        keys = ", ".join(QKeySequence(s).toString(QKeySequence.SequenceFormat.NativeText)
                         for s in spec.shortcuts) or "—"
        rows.append((keys, spec.text.replace("&", "").replace("…", ""), spec.help))
    return rows
