"""Work around a reference-count bug of ``SignalInstance.emit`` in some PySide6 builds.

In PySide6 6.12 every ``signal.emit(...)`` from Python returns ``True`` without taking a reference
to it, so each emit lowers the interpreter's count of ``True`` by one. A review session emits
several signals per video frame (ours and pyqtgraph's); after enough frames the count reaches
zero and Python aborts ("bool_dealloc"). We detect the bug once, at import, and only then wrap
``emit`` to add the missing reference. On a fixed PySide6 this module changes nothing.
"""

from __future__ import annotations

import ctypes
import sys
from typing import Any

from PySide6.QtCore import QObject, Signal, SignalInstance

_incref = ctypes.pythonapi.Py_IncRef
_incref.argtypes = [ctypes.py_object]
_incref.restype = None


class _Probe(QObject):
    sig = Signal()


def emit_leaks_bool(trials: int = 16) -> bool:
    """True when ``emit`` drops a reference to its bool result (and repairs the probe's loss)."""
    probe = _Probe()
    before = sys.getrefcount(True)
    for _ in range(trials):
        probe.sig.emit()
    lost = before - sys.getrefcount(True)
    for _ in range(max(lost, 0)):
        _incref(True)
    return lost >= trials


def install() -> bool:
    """Wrap ``SignalInstance.emit`` when needed; returns whether the workaround is active."""
    if getattr(SignalInstance.emit, "_semioscope_fixed", False):
        return True
    if not emit_leaks_bool():
        return False
    original = SignalInstance.emit

    def emit(self: SignalInstance, *args: Any) -> Any:
        result = original(self, *args)
        if result is True or result is False:
            _incref(result)
        return result

    emit._semioscope_fixed = True  # type: ignore[attr-defined]
    SignalInstance.emit = emit  # type: ignore[method-assign]
    return True


ACTIVE = install()
