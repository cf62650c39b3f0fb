"""Package data: the app icon in several formats (no Qt import here).

``resource_path("semioscope-256.png")`` gives a real file path inside the installed package (a
normal install, an editable install, or a PyInstaller one-folder build all keep these as files).
Regenerate the bitmaps from ``semioscope.svg`` with ``installers/render_icon.py``.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

#: the icon files shipped in this package
ICON_SVG = "semioscope.svg"
ICON_PNG = "semioscope-256.png"
ICON_ICO = "semioscope.ico"
ICON_ICNS = "semioscope.icns"


def resource_path(name: str) -> Path:
    """The path of the package resource ``name``; FileNotFoundError when it is not there."""
    if not name or Path(name).is_absolute() or ".." in Path(name).parts:
        raise ValueError(f"not a resource name: {name!r}")
    path = Path(str(resources.files(__name__).joinpath(name)))
    if not path.is_file():
        raise FileNotFoundError(f"semioscope resource not found: {name}")
    return path
