"""Feature extraction as Ray tasks: one task per video, long videos in chunks of whole windows.

Each task calls :func:`~semioscope.core.training.cache.compute_windows`, the function the local
loop calls, and writes its arrays atomically into the same feature cache folder (shared storage
on a multi-node cluster): a whole video straight to its entry file, a chunk to
``parts/<key>-<first>-<count>.npz``. Only this driver touches ``index.json``: it records a video
once all its chunks are in (merging the parts), so concurrent workers cannot corrupt the index.
A failed task (an exception, or its worker process killed) is resubmitted up to ``retries``
times; a video that still fails is returned by name while the others complete. Part files of an
unfinished video stay and are reused by the next run.
"""

from __future__ import annotations

import contextlib
import logging
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from semioscope.core.training.cache import (
    ExtractProgress,
    ExtractSummary,
    FeatureCache,
    Pending,
    compute_windows,
    entry_arrays,
    entry_info,
    plan_extraction,
    write_arrays,
)
from semioscope.core.training.manifest import Manifest, ManifestRow
from semioscope.errors import SemioscopeError

log = logging.getLogger(__name__)

#: the name Ray gives the task (and its worker's process title, ``ray::extract_chunk``)
TASK_NAME = "extract_chunk"
PARTS = "parts"


@dataclass(frozen=True)
class BackboneSpec:
    """How a worker builds the driver's backbone; ``weights_sha256`` is what keys were made with."""

    name: str
    weights: str | None
    allow_untrained: bool
    seed: int
    threads: int
    device: str                    # "cpu" or "gpu" (the GPU Ray gave the task)
    weights_sha256: str | None


@dataclass(frozen=True)
class Chunk:
    """Windows ``first .. first + count`` of one video, written to ``target``."""

    row: ManifestRow
    key: str
    first: int
    count: int
    target: str
    mapping: str
    batch_size: int
    attempt: int = 1


@dataclass
class ClusterExtractSummary(ExtractSummary):
    """The local extraction's summary, plus the Ray run's retries and the videos given up."""

    retried: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)   # (video, last error)


#: ``on_retry(video, attempt, reason)`` before a failed task is resubmitted
RetryCallback = Callable[[str, int, str], None]

_WORKER_BACKBONE: dict[BackboneSpec, Any] = {}


def worker_backbone(spec: BackboneSpec) -> Any:
    """The backbone of ``spec``, built once per worker process and checked against the driver's."""
    if spec not in _WORKER_BACKBONE:
        from semioscope.core.models.backbone import load_backbone

        _WORKER_BACKBONE.clear()
        backbone = load_backbone(spec.name, spec.weights, allow_untrained=spec.allow_untrained,
                                 threads=spec.threads, seed=spec.seed,
                                 device="cuda" if spec.device == "gpu" else "cpu")
        if backbone.weights_sha256 != spec.weights_sha256:
            import socket

            raise SemioscopeError(f"worker on {socket.gethostname()}",
                                  f"{spec.name} weights differ from the driver's "
                                  f"({backbone.weights_sha256} != {spec.weights_sha256}); give "
                                  "--weights on shared storage or fetch the same file everywhere")
        _WORKER_BACKBONE[spec] = backbone
    return _WORKER_BACKBONE[spec]


def run_chunk(chunk: Chunk, spec: BackboneSpec) -> dict[str, Any]:
    """The task: compute one chunk's windows and write them atomically to ``chunk.target``."""
    backbone = worker_backbone(spec)
    windows, feats, effective = compute_windows(chunk.row, backbone, chunk.mapping,
                                                chunk.batch_size, first=chunk.first,
                                                count=chunk.count)
    if len(windows) != chunk.count:
        raise SemioscopeError(chunk.row.video, f"expected {chunk.count} windows from window "
                              f"{chunk.first}, computed {len(windows)}")
    write_arrays(Path(chunk.target), entry_arrays(windows, feats))
    return {"mapping_effective": effective, "n_windows": len(windows)}


def part_file(cache: FeatureCache, key: str, first: int, count: int) -> Path:
    return cache.root / PARTS / f"{key}-{first:05d}-{count:05d}.npz"


def chunks_of(cache: FeatureCache, item: Pending, mapping: str, batch_size: int,
              chunk_windows: int) -> list[Chunk]:
    """The video's chunks: whole windows, a multiple of ``batch_size`` each so that every
    backbone batch holds the same windows as on the local path (identical arrays)."""
    size = max(batch_size, chunk_windows // batch_size * batch_size)
    if item.n_windows <= size:
        return [Chunk(item.row, item.key, 0, item.n_windows, str(cache.entry_file(item.key)),
                      mapping, batch_size)]
    return [Chunk(item.row, item.key, first, min(size, item.n_windows - first),
                  str(part_file(cache, item.key, first, min(size, item.n_windows - first))),
                  mapping, batch_size)
            for first in range(0, item.n_windows, size)]


def _merge(cache: FeatureCache, chunks: list[Chunk]) -> None:
    """Concatenate a video's part files into its entry file (atomically), then remove them."""
    parts = []
    for chunk in chunks:
        with np.load(chunk.target) as data:
            parts.append({name: data[name] for name in data.files})
    merged = {name: np.concatenate([p[name] for p in parts]) for name in parts[0]}
    write_arrays(cache.entry_file(chunks[0].key), merged)
    for chunk in chunks:
        Path(chunk.target).unlink(missing_ok=True)
    with contextlib.suppress(OSError):   # only once no other video has parts left
        (cache.root / PARTS).rmdir()


def _reason(exc: BaseException) -> str:
    cause = getattr(exc, "cause", None)
    if isinstance(cause, BaseException):
        exc = cause
    if isinstance(exc, SemioscopeError):
        return exc.message
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}".strip()


def extract_features_ray(
    manifest: Manifest, cache_dir: str | Path, *, backbone: Any, spec: BackboneSpec,
    mapping: str = "kinect", batch_size: int = 2, workers: int = 1, chunk_windows: int = 32,
    retries: int = 2, progress: ExtractProgress | None = None,
    on_retry: RetryCallback | None = None,
) -> ClusterExtractSummary:
    """Compute and cache, on the Ray cluster of this process, every seizure not cached yet.

    ``backbone`` (the driver's copy) gives the entry keys; workers build their own from
    ``spec``. At most ``workers`` tasks run at once, each asking Ray for ``spec.threads`` CPUs
    (and one GPU when ``spec.device`` is ``"gpu"``).
    Long because submitting, retrying and collecting the Ray tasks share one set of books
    (pending tasks, attempts, the summary).
    """
    import ray

    if chunk_windows < 1 or retries < 0 or workers < 1:
        raise SemioscopeError("--engine ray", "--chunk-windows and --workers must be at least "
                              "1 and --retries at least 0")
    cache = FeatureCache(cache_dir)
    todo, skipped = plan_extraction(manifest, cache, backbone=backbone.name,
                                    weights_sha256=backbone.weights_sha256, mapping=mapping)
    total = sum(item.n_windows for item in todo)
    summary = ClusterExtractSummary(len(todo), skipped, total, backbone.name,
                                    bool(backbone.pretrained))
    task = ray.remote(run_chunk).options(
        name=TASK_NAME, num_cpus=spec.threads, num_gpus=1 if spec.device == "gpu" else 0,
        max_retries=0)
    items = {item.key: item for item in todo}
    plans = {item.key: chunks_of(cache, item, mapping, batch_size, chunk_windows)
             for item in todo}
    queue, waiting, done = _pending(plans)
    effective: dict[str, dict[str, Any]] = {}
    if progress is not None:
        progress(done, total)
    spec_ref = ray.put(spec)
    running: dict[Any, Chunk] = {}
    failed: dict[str, str] = {}

    def finish(key: str) -> None:
        item, chunks = items[key], plans[key]
        if len(chunks) > 1:
            _merge(cache, chunks)
        mapping_effective = effective.get(key) or _mapping_of(item.row, mapping)
        cache.record(key, entry_info(cache, item, backbone, mapping_effective), item.n_windows)

    for key in [k for k, n in waiting.items() if n == 0]:   # every part already there
        finish(key)
    try:
        while queue or running:
            while queue and len(running) < workers:
                chunk = queue.popleft()
                running[task.remote(chunk, spec_ref)] = chunk
            ready, _ = ray.wait(list(running), num_returns=1)
            chunk = running.pop(ready[0])
            try:
                out = ray.get(ready[0])
            except Exception as exc:  # noqa: BLE001 - any remote failure: retry, then report
                queue = _after_failure(chunk, _reason(exc), queue, failed, summary, retries,
                                       on_retry)
                continue
            if chunk.key in failed:
                continue
            effective[chunk.key] = out["mapping_effective"]
            done += chunk.count
            if progress is not None:
                progress(done, total)
            waiting[chunk.key] -= 1
            if waiting[chunk.key] == 0:
                finish(chunk.key)
    except BaseException:
        for ref in running:
            ray.cancel(ref, force=True)
        raise
    summary.failed = [(str(items[key].row.video), reason) for key, reason in failed.items()]
    summary.computed = len(todo) - len(failed)
    return summary


def _pending(plans: dict[str, list[Chunk]]) -> tuple[deque[Chunk], dict[str, int], int]:
    """The chunks to run, the parts each video still waits for, and the windows already done
    (parts of a split video that an earlier, interrupted run left behind are kept)."""
    waiting = {key: len(chunks) for key, chunks in plans.items()}
    queue: deque[Chunk] = deque()
    done = 0
    for key, chunks in plans.items():
        for chunk in chunks:
            if len(chunks) > 1 and Path(chunk.target).exists():   # left by an earlier run
                waiting[key] -= 1
                done += chunk.count
            else:
                queue.append(chunk)
    return queue, waiting, done


def _after_failure(chunk: Chunk, reason: str, queue: deque[Chunk], failed: dict[str, str],
                   summary: ClusterExtractSummary, retries: int,
                   on_retry: RetryCallback | None) -> deque[Chunk]:
    """A failed task: run it again first (bounded by ``retries``), or give its video up, with
    every other part of it, and say why; returns the queue to go on with."""
    if chunk.attempt <= retries:
        summary.retried += 1
        log.debug("retrying %s (%s)", chunk.row.video.name, reason)
        if on_retry is not None:
            on_retry(str(chunk.row.video), chunk.attempt, reason)
        queue.appendleft(replace(chunk, attempt=chunk.attempt + 1))
        return queue
    tries = f"{chunk.attempt} attempt{'s' if chunk.attempt > 1 else ''}"
    failed[chunk.key] = f"failed ({tries}), last: {reason}"
    return deque(c for c in queue if c.key != chunk.key)


def _mapping_of(row: ManifestRow, mapping: str) -> dict[str, Any]:
    """The effective mapping of a video whose parts all came from an earlier run."""
    from semioscope.core.video import open_video
    from semioscope.core.video.mapping import mapping_for

    with open_video(row.video) as reader:
        return mapping_for(reader, mapping).to_dict()
