"""Run Python code in a child process where ``import torch`` (torchvision, sklearn, scipy) fails.

The clinician runtime must work in an install without PyTorch; rather than keep a second
environment, the child installs a meta-path finder that refuses those imports before anything
else runs, so any torch import on the path under test raises ImportError. scikit-learn and
SciPy (training's statistics) are refused too: the clinician bundle leaves them out.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"

BLOCKER = """
import importlib.abc, sys
class _NoTorch(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split('.')[0] in ('torch', 'torchvision', 'sklearn', 'scipy'):
            raise ModuleNotFoundError(f'{name} is blocked: this process stands for the '
                                      'clinician runtime', name=name)
        return None
sys.meta_path.insert(0, _NoTorch())
"""


def run_without_torch(code: str, *, cwd: Path | None = None, timeout: float = 300,
                      env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """``python -c BLOCKER + code`` with our sources first on the path; output captured."""
    full_env = {**os.environ, **(env or {})}
    full_env["PYTHONPATH"] = os.pathsep.join(
        [str(SRC)] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p])
    return subprocess.run([sys.executable, "-c", BLOCKER + code], cwd=cwd, env=full_env,
                          capture_output=True, text=True, timeout=timeout, check=False)
