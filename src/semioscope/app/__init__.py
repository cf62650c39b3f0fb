"""The PySide6 review GUI: widgets mirror typed state, undo commands change it, workers do the work.

Nothing here imports torch at module level: the window must be on screen before the engine loads.
Importing the package applies :mod:`semioscope.app.qtfix` (a PySide6 signal refcount workaround).
"""

from semioscope.app import qtfix as _qtfix  # noqa: F401 - applied on import
