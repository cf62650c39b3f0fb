"""Work around reference-count bugs of PySide6 6.12.0 on Python 3.11.

In PySide6 6.12.0 every ``signal.emit(...)`` from Python returns ``True`` without taking a
reference to it, and every Qt method that returns ``void`` hands back ``None`` the same way
(6.12 assumes the immortal ``None``/``True`` of Python 3.12+). Each call lowers the interpreter's
count by one; a review session makes dozens such calls per video frame, so after a minute or two
of playback the count reaches zero and Python aborts ("none_dealloc" / "bool_dealloc").
pyproject.toml therefore excludes 6.12.0; for an installation that has it anyway we detect each
bug once, at import, and only then repair it: ``emit`` adds the missing reference, and ``None``
gets a reference count so large that no session can use it up (what Python 3.12 does for all
such singletons). On a fixed PySide6 this module changes nothing.
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


def void_call_leaks_none(trials: int = 16) -> bool:
    """True when a ``void`` Qt method drops a reference to the ``None`` it returns."""
    probe = _Probe()
    before = sys.getrefcount(None)
    for _ in range(trials):
        probe.setObjectName("probe")
    lost = before - sys.getrefcount(None)
    for _ in range(max(lost, 0)):
        _incref(None)
    return lost >= trials


def make_none_immortal() -> None:
    """Raise ``None``'s reference count by 2**40: decades of lost references at any frame rate."""
    ctypes.c_ssize_t.from_address(id(None)).value += 1 << 40


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


def repair_none() -> bool:
    """Make ``None`` immortal when this PySide6 leaks it; returns whether that was needed."""
    if not void_call_leaks_none():
        return False
    make_none_immortal()
    return True


NONE_REPAIRED = repair_none()
ACTIVE = install()
