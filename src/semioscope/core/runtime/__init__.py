"""Inference without PyTorch: networks exported to OpenVINO IR, run on OpenVINO's CPU plugin.

Nothing in this package imports torch (a test runs it where ``import torch`` fails): it is what
the clinician runtime uses. Converting torch modules to IR needs torch and lives in
:mod:`semioscope.core.export` (research install only).
"""

from __future__ import annotations

import importlib.util


def has_torch() -> bool:
    """Whether this is the research install (torch importable) or the clinician runtime."""
    try:
        return importlib.util.find_spec("torch") is not None
    except ImportError:  # a finder that refuses torch (the tests' stand-in for no torch)
        return False
