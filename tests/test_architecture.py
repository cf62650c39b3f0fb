"""Structural rules: the engine never imports Qt; `--help` stays light."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import semioscope.core


def _core_modules() -> list[str]:
    return [m.name for m in pkgutil.walk_packages(semioscope.core.__path__, "semioscope.core.")]


def test_core_never_imports_qt():
    modules = _core_modules() + ["semioscope.report"]
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    try:\n"
        "        importlib.import_module(name)\n"
        "    except ModuleNotFoundError as exc:\n"
        "        if exc.name == name: continue\n"
        "        raise\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in "
        "('PySide6', 'pyqtgraph', 'shiboken6', 'PyQt5', 'PyQt6'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "", f"core imported Qt: {out.stdout}"
    assert len(modules) > 10


def test_cli_help_does_not_import_torch_or_qt():
    code = (
        "import sys\n"
        "from semioscope.cli import build_parser\n"
        "build_parser()\n"
        "print(','.join(m for m in ('torch', 'PySide6', 'cv2') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == ""
