"""Emitting signals must not eat references to True (PySide6 6.12 bug, worked around)."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal

import semioscope.app  # noqa: F401 - installs the workaround


class Emitter(QObject):
    plain = Signal()
    value = Signal(int)


def test_emit_keeps_true_alive():
    e = Emitter()
    e.value.connect(lambda v: None)
    before = sys.getrefcount(True)
    for i in range(2000):
        e.plain.emit()
        e.value.emit(i)
    assert sys.getrefcount(True) - before > -50


def test_void_calls_cannot_exhaust_none():
    """Void Qt calls (dozens per video frame) must never bring None's count to zero."""
    probe = QObject()
    before = sys.getrefcount(None)
    for _ in range(2000):
        probe.setObjectName("probe")
    lost = before - sys.getrefcount(None)
    assert lost < 50 or sys.getrefcount(None) > 1 << 39
