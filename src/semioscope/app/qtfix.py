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
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from PySide6.QtCore import QObject, Signal, SignalInstance

_incref = ctypes.pythonapi.Py_IncRef
_incref.argtypes = [ctypes.py_object]
_incref.restype = None


class _Probe(QObject):
    sig = Signal()


def _loses_references(singleton: object, call: Callable[[], object], trials: int = 16) -> bool:
    """True when ``call`` drops a reference to ``singleton`` each time (the probe's loss repaired)."""
    before = sys.getrefcount(singleton)
    for _ in range(trials):
        call()
    lost = before - sys.getrefcount(singleton)
    for _ in range(max(lost, 0)):
        _incref(singleton)
    return lost >= trials


def emit_leaks_bool() -> bool:
    """True when ``emit`` drops a reference to the ``True`` it returns."""
    probe = _Probe()  # kept alive here: a bound signal does not keep its object alive
    return _loses_references(True, lambda: probe.sig.emit())


def void_call_leaks_none() -> bool:
    """True when a ``void`` Qt method drops a reference to the ``None`` it returns."""
    probe = _Probe()
    return _loses_references(None, lambda: probe.setObjectName("probe"))


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


@contextmanager
def offscreen_size_hint_warnings_hidden() -> Iterator[None]:
    """Hide the offscreen platform's harmless "does not support propagateSizeHints()" lines."""
    from PySide6.QtCore import qInstallMessageHandler

    def handler(mode: Any, context: Any, message: str) -> None:
        if "propagateSizeHints" in message:
            return
        if previous is not None:
            previous(mode, context, message)
        else:
            print(message, file=sys.stderr)

    previous = qInstallMessageHandler(handler)
    try:
        yield
    finally:
        qInstallMessageHandler(previous)


NONE_REPAIRED = repair_none()
ACTIVE = install()
