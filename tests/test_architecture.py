"""Structural rules: the import contract between the layers; `--help` stays light."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from types import ModuleType

import pytest


def _modules(package: ModuleType) -> list[str]:
    return [m.name for m in pkgutil.walk_packages(package.__path__, package.__name__ + ".")]


#: what each layer may never import: Qt for the engine and the reports, and the engine never
#: the layers above it
FORBIDDEN = {"semioscope.core": ("PySide6", "pyqtgraph", "shiboken6", "PyQt5", "PyQt6",
                                 "semioscope.app", "semioscope.report", "semioscope.commands"),
             "semioscope.report": ("PySide6", "pyqtgraph", "shiboken6", "PyQt5", "PyQt6",
                                   "semioscope.app", "semioscope.commands")}

#: each module is imported on its own after forgetting every semioscope module, so a module that
#: works only when another was imported first (an import cycle, a missing import) fails too
_PROBE = """
import importlib, json, sys
layer, names, forbidden = sys.argv[1], json.loads(sys.argv[2]), tuple(json.loads(sys.argv[3]))
problems = []
for name in names:
    for loaded in [m for m in sys.modules if m.split(".")[0] == "semioscope"]:
        del sys.modules[loaded]
    try:
        importlib.import_module(name)
    except Exception as exc:
        problems.append(f"{name}: {type(exc).__name__}: {exc}")
        continue
    bad = sorted(m for m in sys.modules if m.startswith(forbidden) and (
        m in forbidden or m.startswith(tuple(f + "." for f in forbidden))))
    if bad:
        problems.append(f"{name} imports {', '.join(bad[:3])}")
        for m in bad:
            del sys.modules[m]
print(json.dumps(problems))
"""


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_import_contract(layer: str):
    """core/ and report/ never import Qt; core/ never imports app/, report/ or commands/."""
    import importlib
    import json

    names = [layer, *_modules(importlib.import_module(layer))]
    out = subprocess.run([sys.executable, "-c", _PROBE, layer, json.dumps(names),
                          json.dumps(FORBIDDEN[layer])], capture_output=True, text=True,
                         timeout=600)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == []
    assert len(names) > (40 if layer == "semioscope.core" else 5)


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
