"""Cached features of a manifest as arrays ready for training: X (N, steps, F), labels, groups."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from semioscope.core.manifest import LABELS, where
from semioscope.core.training.cache import FeatureCache, entry_key, seizure_spec
from semioscope.core.training.manifest import Manifest
from semioscope.errors import SemioscopeError


@dataclass
class FeatureSet:
    """One row per window; ``patient`` and ``seizure`` group the rows (never split a group)."""

    X: np.ndarray                  # (N, 7, F) float32, pre-padded with -1
    y: np.ndarray                  # (N,) int64, 1 = TLE
    patient: np.ndarray            # (N,) str
    seizure: np.ndarray            # (N,) str
    start_s: np.ndarray            # (N,) float
    meta: dict[str, Any] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.y)

    def subset(self, mask: np.ndarray) -> FeatureSet:
        return FeatureSet(self.X[mask], self.y[mask], self.patient[mask], self.seizure[mask],
                          self.start_s[mask], self.meta)

    def summary(self) -> dict[str, dict[str, int]]:
        """Patients, seizures and windows per class."""
        out: dict[str, dict[str, int]] = {}
        for value, label in enumerate(LABELS):
            m = self.y == value
            out[label] = {"patients": len(set(self.patient[m])),
                          "seizures": len(set(self.seizure[m])), "windows": int(m.sum())}
        return out


def pad_windows(feats: list[np.ndarray], steps: int) -> np.ndarray:
    """Pre-pad each (T', F) window with -1 to (steps, F), as the paper (and analysis) do."""
    from semioscope.core.models.classifier import pad_features

    return np.stack([np.asarray(pad_features(f, steps), dtype=np.float32) for f in feats])


def load_dataset(manifest: Manifest, cache_dir: str | Path, *, backbone: str | None = None,
                 mapping: str = "kinect") -> FeatureSet:
    """Gather every seizure's cached features; refuse a seizure not extracted yet.

    ``backbone`` picks among several backbones' features in one cache; ``None`` accepts the only
    one present.
    """
    cache = FeatureCache(cache_dir)
    entries = cache.index["entries"]
    by_spec: dict[str, list[str]] = {}
    for key, info in entries.items():
        by_spec.setdefault(_spec_id(info["spec"]), []).append(key)
    chosen: list[str] = []
    choices: set[tuple[str, str | None]] | None = None
    for row in manifest.rows:
        keys = [k for k in by_spec.get(_spec_id(seizure_spec(cache, row, mapping)), [])
                if cache.entry_file(k).exists()
                and (backbone is None or entries[k]["backbone"] == backbone)]
        if not keys:
            raise SemioscopeError(where(manifest.path, row.line), "no cached features for "
                                  f"this seizure in {cache_dir} (run semioscope extract first)")
        here = {(entries[k]["backbone"], entries[k]["weights_sha256"]) for k in keys}
        choices = here if choices is None else choices & here
        chosen.append(row.seizure_id)
    if not choices:
        raise SemioscopeError(cache_dir, "no backbone has features for every seizure")
    if len(choices) > 1:
        raise SemioscopeError(cache_dir, "the cache holds features from several backbones "
                              f"({', '.join(sorted(b for b, _ in choices))}); pick --backbone")
    name, weights = next(iter(choices))
    cache.save_index()
    return _assemble(manifest, cache, name, weights, mapping)


def _steps(backbone: str) -> int:
    """A window's feature steps for this backbone's features (its weights' contract)."""
    from semioscope.core.models.weights import backbone_weights

    return backbone_weights(backbone).steps_per_window


def _spec_id(spec: dict[str, Any]) -> str:
    return entry_key(spec, "", None)


def _assemble(manifest: Manifest, cache: FeatureCache, name: str, weights: str | None,
              mapping: str) -> FeatureSet:
    feats: list[np.ndarray] = []
    y: list[int] = []
    patient: list[str] = []
    seizure: list[str] = []
    start: list[float] = []
    pretrained: set[bool] = set()
    mappings: list[dict[str, Any]] = []
    for row in manifest.rows:
        key = entry_key(seizure_spec(cache, row, mapping), name, weights)
        info = cache.index["entries"][key]
        data = cache.get(key)
        bounds = np.cumsum(np.concatenate([[0], data["lengths"]]))
        feats += [data["features"][a:b] for a, b in zip(bounds[:-1], bounds[1:], strict=True)]
        n = len(data["lengths"])
        y += [row.y] * n
        patient += [row.patient_id] * n
        seizure += [row.seizure_id] * n
        start += [float(s) for s in data["start_s"]]
        pretrained.add(bool(info["pretrained"]))
        mappings.append(info["mapping_effective"])
    from semioscope.core.preprocess import PREPROCESSING_VERSION

    same = all(m == mappings[0] for m in mappings)
    meta = {"backbone": name, "backbone_weights_sha256": weights,
            "backbone_pretrained": pretrained == {True},
            "preprocessing_version": PREPROCESSING_VERSION,
            "mapping": mappings[0] if same else {"name": mapping, "params": {}}}
    return FeatureSet(pad_windows(feats, _steps(name)), np.array(y, dtype=np.int64),
                      np.array(patient, dtype=str), np.array(seizure, dtype=str),
                      np.array(start, dtype=np.float64), meta)
