"""Running `extract` and `search` on a Ray cluster (``--engine ray``), an optional extra.

Ray is imported only under ``--engine ray`` (``search.py`` imports Ray Tune at module level and
is itself imported only then): the plain commands never load it, and asking for the Ray engine
without Ray installed is one line saying how to install it (:func:`require_ray`).
The cluster code calls the same core functions as the local path (feature cache, window
computation, cross-validation), so both engines give the same cache entries and reports.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from semioscope.errors import SemioscopeError

INSTALL_HINT = "pip install 'semioscope[cluster]'"


def require_ray(*, tune: bool = False) -> ModuleType:
    """The ``ray`` module (with Ray Tune importable when ``tune``), or a one-line error."""
    try:
        ray = importlib.import_module("ray")
        if tune:
            importlib.import_module("ray.tune")
    except ImportError as exc:
        what = "Ray Tune" if tune and "tune" in str(exc) else "Ray"
        raise SemioscopeError("--engine ray", f"{what} is not installed ({exc}); install it "
                              f"with: {INSTALL_HINT}") from None
    return ray
