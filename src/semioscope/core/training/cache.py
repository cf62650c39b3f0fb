"""Feature cache: the backbone's (T', 1024) features of every window, one file per seizure.

An entry is keyed by everything that changes the features: the video's SHA-256, crop, span,
mapping, backbone name and weights hash, and the preprocessing version. A rerun skips finished
entries, a changed crop recomputes only that video, and a killed run resumes where it stopped.

Layout of ``DIR``: ``features/<key>.npz`` (features concatenated over windows, per-window length
and times) and ``index.json`` (entries and a path -> SHA-256 memo so training does not re-hash
videos). Each file is replaced atomically; the index is rewritten after every finished video.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from semioscope.core import DEFAULT_BATCH_SIZE
from semioscope.core.atomic import atomic_path, write_json
from semioscope.core.hashing import file_sha256
from semioscope.core.manifest import ManifestRow
from semioscope.core.manifest import where as line_of
from semioscope.core.training.manifest import Manifest
from semioscope.errors import SemioscopeError

INDEX = "index.json"
CACHE_VERSION = 1


def _canonical_hash(obj: Any) -> str:
    return hashlib.sha256(json.dumps(obj, sort_keys=True).encode()).hexdigest()


class FeatureCache:
    """The index and entry files of one cache folder."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)
        self.index_path = self.root / INDEX
        self.index = self._read_index()

    def _read_index(self) -> dict[str, Any]:
        from semioscope.core.inputs import read_text

        if not self.index_path.exists() and not self.index_path.is_symlink():
            return {"version": CACHE_VERSION, "videos": {}, "entries": {}}
        text = read_text(self.index_path, "feature cache index")
        try:
            data = json.loads(text)
        except (RecursionError, ValueError) as exc:
            raise SemioscopeError(self.index_path, f"not a feature cache index ({exc})") from None
        if not isinstance(data, dict) or data.get("version") != CACHE_VERSION:
            raise SemioscopeError(self.index_path, "feature cache of another version; "
                                  "use a new --cache folder")
        return data

    def video_sha256(self, path: Path) -> str:
        """SHA-256 of a video, remembered per (path, size, mtime) across runs."""
        stat = path.stat()
        key = str(path.resolve())
        memo = self.index["videos"].get(key)
        if memo and memo["size"] == stat.st_size and memo["mtime_ns"] == stat.st_mtime_ns:
            return str(memo["sha256"])
        digest = file_sha256(path)
        self.index["videos"][key] = {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns,
                                     "sha256": digest}
        return digest

    def entry_file(self, key: str) -> Path:
        return self.root / "features" / f"{key}.npz"

    def has(self, key: str) -> bool:
        return key in self.index["entries"] and self.entry_file(key).exists()

    def save_index(self) -> None:
        write_json(self.index_path, self.index)

    def record(self, key: str, info: dict[str, Any], n_windows: int) -> None:
        """Enter a finished entry file in the index and save it (the driver's job only)."""
        self.index["entries"][key] = {**info, "n_windows": n_windows,
                                      "created": datetime.now(UTC).isoformat(timespec="seconds")}
        self.save_index()

    def put(self, key: str, info: dict[str, Any], windows: list[dict[str, Any]],
            feats: list[np.ndarray]) -> None:
        """Write one seizure's features atomically, then record it in the index."""
        write_arrays(self.entry_file(key), entry_arrays(windows, feats))
        self.record(key, info, len(windows))

    def get(self, key: str) -> dict[str, np.ndarray]:
        """One seizure's arrays; a damaged or foreign entry file is refused naming it."""
        import io

        from semioscope.core.inputs import read_bytes

        path = self.entry_file(key)
        raw = read_bytes(path, "feature cache entry")
        try:
            with np.load(io.BytesIO(raw), allow_pickle=False) as data:
                return {name: data[name] for name in data.files}
        except Exception as exc:   # zip, zlib, header or pickle errors: all "damaged"
            raise SemioscopeError(path, f"damaged feature cache entry ({type(exc).__name__}); "
                                  "delete it and run `semioscope extract` again") from None


WINDOW_FIELDS = ("index", "start_frame", "end_frame", "start_s", "end_s", "n_frames")


def entry_arrays(windows: list[dict[str, Any]], feats: list[np.ndarray]) -> dict[str, np.ndarray]:
    """The arrays of one entry file: features concatenated over windows, per-window fields."""
    return {
        "features": np.concatenate(feats).astype(np.float32),
        "lengths": np.array([f.shape[0] for f in feats], dtype=np.int32),
        **{name: np.array([w[name] for w in windows]) for name in WINDOW_FIELDS},
    }


def write_arrays(path: Path, arrays: dict[str, Any]) -> None:
    """One ``.npz`` file, atomically (a reader never sees a partial file)."""
    with atomic_path(path, suffix=".npz") as tmp, open(tmp, "wb") as fh:
        np.savez(fh, **arrays)


def seizure_spec(cache: FeatureCache, row: ManifestRow, mapping: str) -> dict[str, Any]:
    """What, besides the backbone, decides a seizure's features."""
    from semioscope.core.preprocess import PREPROCESSING_VERSION

    return {"video_sha256": cache.video_sha256(row.video),
            "crop": None if row.crop is None else row.crop.to_dict(),
            "onset_s": row.onset_s, "offset_s": row.offset_s, "mapping": mapping,
            "preprocessing_version": PREPROCESSING_VERSION}


def entry_key(spec: dict[str, Any], backbone: str, weights_sha256: str | None,
              precision: str = "f32") -> str:
    """The entry's name; a lower precision's features never share an fp32 entry (fp32 keys
    are those of caches made before precisions existed)."""
    key: dict[str, Any] = {"spec": spec, "backbone": backbone, "weights": weights_sha256}
    if precision != "f32":
        key["precision"] = precision
    return _canonical_hash(key)


@dataclass
class ExtractSummary:
    computed: int
    skipped: int
    windows: int
    backbone: str
    pretrained: bool


@dataclass(frozen=True)
class Pending:
    """A seizure whose features are not cached yet: its entry key and window count."""

    row: ManifestRow
    key: str
    spec: dict[str, Any]
    n_windows: int


#: ``progress(done_windows, total_windows)`` over the videos still to compute
ExtractProgress = Callable[[int, int], None]


def plan_extraction(manifest: Manifest, cache: FeatureCache, *, backbone: str,
                    weights_sha256: str | None, mapping: str,
                    precision: str = "f32") -> tuple[list[Pending], int]:
    """``(seizures to compute, number already cached)``; checks every crop and span first."""
    from semioscope.core.video import open_video
    from semioscope.core.windows import plan_windows

    todo: list[Pending] = []
    skipped = 0
    for row in manifest.rows:
        spec = seizure_spec(cache, row, mapping)
        key = entry_key(spec, backbone, weights_sha256, precision)
        if cache.has(key):
            skipped += 1
            continue
        with open_video(row.video) as reader:
            props = reader.properties
            where = line_of(manifest.path, row.line)
            if row.crop is not None:
                row.crop.validate(props.width, props.height, subject=where)
            try:
                plan = plan_windows(props, row.onset_s, row.offset_s, times=reader.frame_times())
            except SemioscopeError as exc:
                raise SemioscopeError(where, exc.message) from None
        todo.append(Pending(row, key, spec, len(plan.windows)))
    cache.save_index()  # keep the hash memo even if nothing is computed
    return todo, skipped


def extract_features(
    manifest: Manifest, cache_dir: str | Path, *, backbone: Any, mapping: str = "kinect",
    batch_size: int = DEFAULT_BATCH_SIZE, progress: ExtractProgress | None = None,
    cancel: Any = None,
) -> ExtractSummary:
    """Compute and cache the features of every seizure in ``manifest`` not cached yet."""
    cache = FeatureCache(cache_dir)
    todo, skipped = plan_extraction(manifest, cache, backbone=backbone.name,
                                    weights_sha256=backbone.weights_sha256, mapping=mapping,
                                    precision=getattr(backbone, "precision", "f32"))
    total = sum(p.n_windows for p in todo)
    done = 0
    for item in todo:
        def report(k: int, _n: int, base: int = done) -> None:
            if progress is not None:
                progress(base + k, total)
        windows, feats, effective = compute_windows(item.row, backbone, mapping, batch_size,
                                                    cancel=cancel, progress=report)
        cache.put(item.key, entry_info(cache, item, backbone, effective), windows, feats)
        done += item.n_windows
    return ExtractSummary(len(todo), skipped, total, backbone.name, bool(backbone.pretrained))


def compute_windows(
    row: ManifestRow, backbone: Any, mapping: str, batch_size: int, *, cancel: Any = None,
    progress: Callable[[int, int], None] | None = None, first: int = 0,
    count: int | None = None,
) -> tuple[list[dict[str, Any]], list[np.ndarray], dict[str, Any]]:
    """``(window dicts, features per window, effective mapping)`` of windows ``first`` to
    ``first + count`` of one seizure (all by default): what the local loop and each cluster task
    compute, so both give the same arrays."""
    from dataclasses import replace

    from semioscope.core.features import iter_window_features
    from semioscope.core.video import open_video
    from semioscope.core.video.mapping import mapping_for
    from semioscope.core.windows import plan_windows

    windows: list[dict[str, Any]] = []
    feats: list[np.ndarray] = []
    with open_video(row.video) as reader:
        effective = mapping_for(reader, mapping)
        plan = plan_windows(reader.properties, row.onset_s, row.offset_s,
                            times=reader.frame_times())
        stop = len(plan.windows) if count is None else first + count
        plan = replace(plan, windows=plan.windows[first:stop])
        for window, f in iter_window_features(
                reader, backbone=backbone, crop=row.crop, mapping=effective, plan=plan,
                batch_size=batch_size, progress=progress, cancel=cancel):
            windows.append(window.to_dict())
            feats.append(np.asarray(f, dtype=np.float32))
    return windows, feats, effective.to_dict()


def entry_info(cache: FeatureCache, item: Pending, backbone: Any,
               mapping_effective: dict[str, Any]) -> dict[str, Any]:
    """The index record of one entry (without its window count and creation time)."""
    return {"seizure_id": item.row.seizure_id, "spec": item.spec, "backbone": backbone.name,
            "weights_sha256": backbone.weights_sha256, "pretrained": bool(backbone.pretrained),
            "precision": getattr(backbone, "precision", "f32"),
            "mapping_effective": mapping_effective,
            "file": os.path.relpath(cache.entry_file(item.key), cache.root)}
