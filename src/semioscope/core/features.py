"""Streaming feature extraction: decode -> preprocess -> batch -> backbone, one window at a time.

Used by ``analyze`` and by training's feature extraction alike, so both see identical inputs.
Memory does not grow with the video's length: a decoder thread keeps at most ``prefetch``
preprocessed windows in a small queue while the backbone works on the current batch. Decoding
(0.6-0.8 core-s per video second of noisy 16-bit FFV1, almost all in FFmpeg, which releases the
interpreter lock) thus overlaps with inference instead of adding to it; ``analyze`` starts it
before the networks load (:func:`start_preprocessing`).
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from semioscope.core import DEFAULT_BATCH_SIZE
from semioscope.core.cancel import CancelToken
from semioscope.core.geometry import Box
from semioscope.core.preprocess import INPUT_SIZE, preprocess_gray, to_rgb
from semioscope.core.video.base import VideoReader
from semioscope.core.video.mapping import IntensityMapping
from semioscope.core.windows import WINDOW_FRAMES, Window, WindowPlan, plan_windows
from semioscope.errors import CancelledError, VideoError

#: ``progress(done_windows, total_windows)``
ProgressCallback = Callable[[int, int], None]


class FeatureBackbone(Protocol):
    """What this module needs of :class:`semioscope.core.models.backbone.Backbone`."""

    @property
    def name(self) -> str: ...

    def features(self, clips: Any) -> Any: ...


@dataclass
class _Failure:
    """An exception raised in the decoder thread, re-raised in the caller's thread."""

    error: BaseException


_END = object()


def iter_preprocessed(
    reader: VideoReader, plan: WindowPlan, *, crop: Box | None, mapping: IntensityMapping,
    cancel: CancelToken | None = None,
) -> Iterator[tuple[Window, np.ndarray]]:
    """``(window, (T, 224, 224) float32 gray)`` for each window, decoding the span once, in order.

    Only the frames of the current window (plus one chunk) are held in memory. Decoding starts
    at the first planned window, so a plan cut to some of its windows (a cluster task's chunk)
    reads only their frames.
    """
    first = plan.windows[0].start_frame if plan.windows else plan.start_frame
    chunks = reader.iter_chunks(first, plan.end_frame, chunk=WINDOW_FRAMES)
    buf_start = first                      # source index of buf[0]
    buf: np.ndarray | None = None
    for window in plan.windows:
        if cancel is not None:
            cancel.raise_if_cancelled()
        wanted = plan.source_indices(window)
        while buf is None or buf_start + len(buf) <= wanted[-1]:
            chunk = next(chunks, None)
            if chunk is None:
                have = buf_start + (0 if buf is None else len(buf))
                raise VideoError(reader.properties.path, f"the video ended at frame {have}, "
                                 f"before frame {int(wanted[-1])} of the span")
            buf = chunk if buf is None else np.concatenate([buf, chunk])
        gray = preprocess_gray(buf[wanted - buf_start], crop=crop, mapping=mapping)
        drop = int(wanted[-1]) - buf_start   # the next window may reuse the last frame
        buf, buf_start = buf[drop:], buf_start + drop
        yield window, gray


def _producer(
    items: Iterator[tuple[Window, np.ndarray]], out: queue.Queue[Any], stop: threading.Event,
    hold_after: int | None = None, release: threading.Event | None = None,
) -> None:
    def put(item: object) -> bool:
        while not stop.is_set():
            try:
                out.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    try:
        for n, item in enumerate(items, 1):
            if not put(item):
                return
            if n == hold_after and release is not None:
                while not release.wait(0.1):   # the first batch has both cores to itself
                    if stop.is_set():
                        return
        put(_END)
    except BaseException as exc:  # noqa: BLE001 - handed to the consumer thread
        put(_Failure(exc))


class Prefetcher:
    """``items`` run in a daemon thread, at most ``prefetch`` ahead, from the moment it is made.

    ``analyze`` makes one before it loads the networks, so the first windows are decoded while
    torch is imported and OpenVINO compiles (seconds in which one core would otherwise idle).
    Iterate it once; :meth:`close` (or leaving its ``with`` block) stops the thread and waits
    for it, so the reader it decodes from may be closed afterwards.

    ``hold_after`` (the review window's first batch): after that many windows the thread waits
    for :meth:`release`, which :func:`iter_window_features` calls once the first batch is
    computed. Decoding ahead beside the first batch took cores from it: on the shared 2-core
    machine (load 7-10) the window's first bar came after 20.1 s (15.0-22.7) that way and
    10.3 s (6.7-10.9) held, the whole analysis 36.3 s against 38.3 s (3 alternating pairs,
    bench/RESULTS.md, #15).
    """

    def __init__(self, items: Iterator[tuple[Window, np.ndarray]], prefetch: int = 2,
                 hold_after: int | None = None) -> None:
        self._queue: queue.Queue[Any] = queue.Queue(maxsize=max(1, prefetch))
        self._stop = threading.Event()
        self._release = threading.Event()
        self._done = False
        self._thread = threading.Thread(
            target=_producer, args=(items, self._queue, self._stop, hold_after, self._release),
            name="semioscope-decode", daemon=True)
        self._thread.start()

    def release(self) -> None:
        """Let a thread held after its first windows decode on (a no-op otherwise)."""
        self._release.set()

    def __iter__(self) -> Prefetcher:
        return self

    def __next__(self) -> tuple[Window, np.ndarray]:
        if self._done:
            raise StopIteration
        item = self._queue.get()
        if item is _END:
            self._done = True
            raise StopIteration
        if isinstance(item, _Failure):
            self._done = True
            raise item.error
        return item  # type: ignore[no-any-return]

    def close(self) -> None:
        """Stop the producer and wait until it has left the reader."""
        self._done = True
        self._stop.set()
        while self._thread.is_alive():  # unblock a producer waiting on a full queue
            try:
                self._queue.get_nowait()
            except queue.Empty:
                self._thread.join(timeout=0.05)

    def __enter__(self) -> Prefetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def start_preprocessing(
    reader: VideoReader, plan: WindowPlan, *, crop: Box | None, mapping: IntensityMapping,
    cancel: CancelToken | None = None, prefetch: int = 2, hold_after: int | None = None,
) -> Prefetcher:
    """:func:`iter_preprocessed` started now in its own thread (see :class:`Prefetcher`)."""
    return Prefetcher(iter_preprocessed(reader, plan, crop=crop, mapping=mapping,
                                        cancel=cancel), prefetch, hold_after)


def _prefetched(
    items: Iterator[tuple[Window, np.ndarray]], prefetch: int
) -> Iterator[tuple[Window, np.ndarray]]:
    """``items`` as they are (``prefetch`` 0), or through a :class:`Prefetcher`."""
    if prefetch <= 0:
        yield from items
        return
    with Prefetcher(items, prefetch) as prefetched:
        yield from prefetched


def _run_batch(
    backbone: FeatureBackbone, batch: list[tuple[Window, np.ndarray]]
) -> list[tuple[Window, np.ndarray]]:
    """Stack the gray windows into one ``(N, 1, T, 224, 224)`` buffer (``(N, 3, ...)`` RGB for a
    backbone that needs three channels) and run it.

    A backbone whose ``runtime`` is not "torch" (OpenVINO) takes the numpy buffer as it is, so the
    clinician runtime never imports torch here.
    """
    frames = batch[0][1].shape[0]
    channels = 1 if getattr(backbone, "accepts_gray", False) else 3
    clips = np.empty((len(batch), channels, frames, INPUT_SIZE, INPUT_SIZE), dtype=np.float32)
    for slot, (_, gray) in enumerate(batch):
        if channels == 1:
            clips[slot, 0] = gray
        else:
            to_rgb(gray, out=clips[slot])
    if getattr(backbone, "runtime", "torch") != "torch":
        feats = backbone.features(clips)
    else:
        import torch

        with torch.inference_mode():
            feats = backbone.features(torch.from_numpy(clips))
        if isinstance(feats, torch.Tensor):
            feats = feats.detach().cpu().float().numpy()
    feats = np.asarray(feats, dtype=np.float32)
    return [(window, feats[slot]) for slot, (window, _) in enumerate(batch)]


def iter_window_features(
    reader: VideoReader, *, backbone: FeatureBackbone, crop: Box | None,
    mapping: IntensityMapping, onset_s: float | None = None, offset_s: float | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE, progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None, plan: WindowPlan | None = None, prefetch: int = 2,
    first_batch: int | None = None, preprocessed: Prefetcher | None = None,
) -> Generator[tuple[Window, np.ndarray], None, None]:
    """``(window, features (T', 1024))`` for every 2-s window of the span, in order.

    Windows of equal length are batched together (``batch_size`` at most); the short leftover
    window runs alone. ``first_batch`` (e.g. 1) makes the first batch smaller, so the first
    result comes after one window's work instead of a whole batch's (the review window's
    first bar). ``plan`` (from :func:`~semioscope.core.windows.plan_windows`) may be given
    to reuse an already validated span; otherwise ``onset_s``/``offset_s`` define it. Raises
    :class:`~semioscope.errors.CancelledError` between batches once ``cancel`` is set.
    ``preprocessed`` (from :func:`start_preprocessing` with the same ``plan``) supplies windows
    already being decoded; its owner closes it. It is released (:meth:`Prefetcher.release`)
    after every batch, so one held after the first batch decodes on once that is computed.
    Long because its contract (batching, the first batch, the plan) is written out here.
    """
    if batch_size < 1 or (first_batch is not None and first_batch < 1):
        raise ValueError(f"batch sizes must be at least 1, got {batch_size}, {first_batch}")
    if plan is None:
        plan = plan_windows(reader.properties, onset_s, offset_s, times=reader.frame_times())
    total = len(plan.windows)
    done = 0
    batch: list[tuple[Window, np.ndarray]] = []
    items: Iterator[tuple[Window, np.ndarray]] = preprocessed if preprocessed is not None \
        else _prefetched(iter_preprocessed(reader, plan, crop=crop, mapping=mapping,
                                           cancel=cancel), prefetch)

    def computed(batch: list[tuple[Window, np.ndarray]]) -> list[tuple[Window, np.ndarray]]:
        """The batch's features, counted in the progress before any is handed on (so a front
        end never shows more scored windows than the progress counts)."""
        nonlocal done
        out = _flush(backbone, batch, cancel, items)
        done += len(batch)
        _report(progress, done, total)
        return out

    try:
        for item in items:
            if cancel is not None:
                cancel.raise_if_cancelled()
            if batch and batch[0][1].shape[0] != item[1].shape[0]:
                yield from computed(batch)
                batch = []
            batch.append(item)
            if len(batch) == (batch_size if done or first_batch is None else first_batch):
                yield from computed(batch)
                batch = []
        if batch:
            yield from computed(batch)
    finally:
        close = getattr(items, "close", None)
        if close is not None and preprocessed is None:
            close()


def _flush(
    backbone: FeatureBackbone, batch: list[tuple[Window, np.ndarray]],
    cancel: CancelToken | None, items: Any = None,
) -> list[tuple[Window, np.ndarray]]:
    if cancel is not None and cancel.cancelled:
        raise CancelledError("cancelled")
    done = _run_batch(backbone, batch)
    release = getattr(items, "release", None)
    if release is not None:   # a decoder held for the first batch goes on now
        release()
    return done


def _report(progress: ProgressCallback | None, done: int, total: int) -> None:
    if progress is not None:
        progress(done, total)
