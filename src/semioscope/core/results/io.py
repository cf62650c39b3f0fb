"""The one reader and writer of the results JSON (``semioscope analyze --out``, review state, the
project store), versioned by ``format``.

* ``semioscope-results/2`` (current): the :class:`Results` fields as keys, plus ``trust`` (what
  :func:`semioscope.core.trust.assess` said when the file was written; informational, every
  reader recomputes it).
* version 1 (no ``format`` key, semioscope 0.1.0): the same sections; it is migrated on reading
  (the weights' status is looked up in the registry, the classifier's training backbone comes
  from its metadata, the trust texts that 0.1 put into ``warnings`` are dropped: the trust rule
  says them now).
* anything else (a newer format, or not a results file): refused with a one-line message.

The conversion is generic over the dataclasses' type hints, so adding an optional field to a
class in :mod:`~semioscope.core.results.model` needs no change here.
"""

from __future__ import annotations

import dataclasses
import math
import os
import types
import typing
from pathlib import Path
from typing import Any

from semioscope.core.geometry import Box
from semioscope.core.jsonfile import read_json
from semioscope.core.results.model import (
    CROP_SOURCES,
    LABELS,
    WEIGHTS_STATUSES,
    Results,
)
from semioscope.errors import SemioscopeError

RESULTS_FORMAT = "semioscope-results/2"
_FORMAT_PREFIX = "semioscope-results/"


class _Invalid(ValueError):
    """A structural fault; becomes ``SemioscopeError(subject, "not a valid results file: ...")``."""


# -- generic dataclass <-> JSON --------------------------------------------------------------------
def to_json(obj: Any) -> Any:
    """A dataclass tree as plain JSON values (tuples become lists, Box a dict).

    An optional field left at its default None is not written (the reader gives it back), so a
    section such as ``saliency`` or ``model.pack`` appears only in the results that have one.
    """
    if isinstance(obj, Box):
        return obj.to_dict()
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: to_json(getattr(obj, f.name)) for f in dataclasses.fields(obj)
                if not (f.default is None and getattr(obj, f.name) is None)}
    if isinstance(obj, tuple | list):
        return [to_json(v) for v in obj]
    if isinstance(obj, dict):
        return {str(k): to_json(v) for k, v in obj.items()}
    return obj


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _convert(value: Any, hint: Any, where: str) -> Any:
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        if value is None and type(None) in args:
            return None
        inner = [a for a in args if a is not type(None)]
        return _convert(value, inner[0], where)
    if hint is Any:
        return value
    if dataclasses.is_dataclass(hint):
        return from_json(hint, value, where)  # type: ignore[arg-type]
    if hint is Box:
        if not isinstance(value, dict):
            raise _Invalid(f"'{where}' is not a box")
        try:
            return Box.from_dict(value)
        except (KeyError, TypeError, ValueError):
            raise _Invalid(f"'{where}' is not a box {{x, y, w, h}}") from None
    if origin is tuple:
        if not isinstance(value, list | tuple):
            raise _Invalid(f"'{where}' has the wrong type")
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_convert(v, args[0], f"{where}[{i}]") for i, v in enumerate(value))
        if len(value) != len(args):
            raise _Invalid(f"'{where}' needs {len(args)} values")
        return tuple(_convert(v, a, f"{where}[{i}]") for i, (v, a) in
                     enumerate(zip(value, args, strict=True)))
    if origin is dict or hint is dict:
        if not isinstance(value, dict):
            raise _Invalid(f"'{where}' has the wrong type")
        return dict(value)
    if hint is bool:
        if not isinstance(value, bool):
            raise _Invalid(f"'{where}' has the wrong type")
        return value
    if hint is int:
        if not _number(value) or float(value) != int(value):
            raise _Invalid(f"'{where}' is not a whole number")
        return int(value)
    if hint is float:
        if not _number(value):
            raise _Invalid(f"'{where}' is not a number")
        return float(value)
    if hint is str:
        if not isinstance(value, str):
            raise _Invalid(f"'{where}' has the wrong type")
        return value
    raise TypeError(f"results model: unsupported field type {hint!r} at {where}")


def from_json(cls: type[Any], data: Any, where: str = "") -> Any:
    """Build dataclass ``cls`` from JSON ``data``; unknown keys are ignored (newer minor fields)."""
    if not isinstance(data, dict):
        raise _Invalid(f"'{where or cls.__name__}' is not an object")
    hints = typing.get_type_hints(cls)
    values: dict[str, Any] = {}
    missing = []
    for f in dataclasses.fields(cls):
        key = f"{where}.{f.name}" if where else f.name
        if f.name not in data:
            if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
                missing.append(f.name)
            continue
        values[f.name] = _convert(data[f.name], hints[f.name], key)
    if missing:
        raise _Invalid(f"'{where}' lacks {', '.join(missing)}" if where
                       else f"'{missing[0]}' is missing")
    return cls(**values)


# -- checks beyond types ----------------------------------------------------------------------------
def _require(cond: bool, what: str) -> None:
    if not cond:
        raise _Invalid(what)


def check(results: Results) -> None:
    """The facts the GUI and reports rely on: probabilities, labels, ordered windows."""
    video = results.video
    _require(math.isfinite(video.fps) and video.fps > 0, "video.fps is not a positive number")
    _require(video.frames >= 0, "video.frames is negative")
    previous_end = -math.inf
    for i, w in enumerate(results.windows):
        _require(w.index == i, f"window {i} has index {w.index}")
        _require(math.isfinite(w.p_tle) and 0.0 <= w.p_tle <= 1.0,
                 f"window {i} p_tle {w.p_tle!r} not in [0, 1]")
        _require(w.label in LABELS, f"window {i} label {w.label!r}")
        _require(math.isfinite(w.start_s) and math.isfinite(w.end_s) and w.start_s < w.end_s,
                 f"window {i} times {w.start_s!r}..{w.end_s!r}")
        _require(w.start_s >= previous_end - 1e-6, f"window {i} overlaps the one before")
        previous_end = w.end_s
    _require(results.summary.label in LABELS, "summary.label")
    _require(results.crop.source in CROP_SOURCES, f"crop.source {results.crop.source!r}")
    _require(results.model.weights_status in WEIGHTS_STATUSES,
             f"model.weights_status {results.model.weights_status!r}")


# -- versions -------------------------------------------------------------------------------------
def _migrate_v1(data: dict[str, Any]) -> dict[str, Any]:
    """0.1.0 files: add what the model now records; trust texts leave ``warnings``."""
    from semioscope.core.models.registry import weights_status
    from semioscope.core.results.trust import TRUST_TEXTS

    data = dict(data)
    model = data.get("model")
    if isinstance(model, dict):
        model = dict(model)
        meta = model.get("classifier_metadata")
        meta = meta if isinstance(meta, dict) else {}
        if "weights_status" not in model:
            status, note = weights_status(str(model.get("backbone", "")),
                                          model.get("weights_sha256")
                                          if model.get("backbone_pretrained") else None)
            model["weights_status"], model["weights_note"] = status, note
        model.setdefault("classifier_demo", bool(meta.get("demo", False)))
        model.setdefault("classifier_backbone_sha256", meta.get("backbone_weights_sha256"))
        model.setdefault("classifier_backbone_pretrained",
                         bool(meta.get("backbone_pretrained", False)))
        data["model"] = model
    crop = data.get("crop")
    if isinstance(crop, dict) and not crop and isinstance(data.get("video"), dict):
        v = data["video"]   # very early files left the crop empty for the full frame
        data["crop"] = {"x": 0, "y": 0, "w": v.get("width"), "h": v.get("height"),
                        "source": "full-frame"}
    if isinstance(data.get("warnings"), list):
        data["warnings"] = [w for w in data["warnings"] if w not in TRUST_TEXTS]
    data["format"] = RESULTS_FORMAT
    return data


def _upgrade(data: dict[str, Any]) -> dict[str, Any]:
    fmt = data.get("format")
    if fmt is None:
        return _migrate_v1(data)
    if fmt == RESULTS_FORMAT:
        return data
    if isinstance(fmt, str) and fmt.startswith(_FORMAT_PREFIX):
        raise _Invalid(f"format {fmt!r} is not one this semioscope reads ({RESULTS_FORMAT} or "
                       "version 1); a newer semioscope wrote it: update, or analyse again")
    raise _Invalid(f"unknown format {fmt!r}")


def results_from_dict(data: Any, subject: str | os.PathLike[str] = "results") -> Results:
    """Any results JSON object this version reads -> :class:`Results` (or SemioscopeError)."""
    try:
        if not isinstance(data, dict):
            raise _Invalid("the top level is not an object")
        results: Results = from_json(Results, _upgrade(data))
        check(results)
    except _Invalid as exc:
        raise SemioscopeError(subject, f"not a valid results file: {exc}") from None
    return results


def results_to_dict(results: Results) -> dict[str, Any]:
    """The JSON object written for ``results`` (current format, with the trust assessment)."""
    from semioscope.core.results.trust import assess

    trust = assess(results)
    return {"format": RESULTS_FORMAT, **to_json(results),
            "trust": {"clinical": trust.clinical, "headline": trust.headline,
                      "reasons": [{"code": r.code, "text": r.text} for r in trust.reasons]}}


def load_results(path: str | os.PathLike[str]) -> Results:
    """Read a results JSON; :class:`SemioscopeError` names the file and the fault."""
    path = Path(path)
    return results_from_dict(read_json(path, "results"), path)


def save_results(path: str | os.PathLike[str], results: Results) -> None:
    """Write atomically (a crash leaves the previous file)."""
    from semioscope.core.atomic import write_json

    write_json(path, results_to_dict(results))


def validate_results(data: Any, subject: str | os.PathLike[str] = "results") -> None:
    """Raise :class:`SemioscopeError` unless ``data`` is a results object this version reads."""
    results_from_dict(data, subject)
