"""`semioscope extract --engine ray`: the driver side (the work is in core/cluster/extract.py).

Not a subcommand: `extract` imports this module only for ``--engine ray``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any

from semioscope.core.training.manifest import Manifest

#: windows per backbone call on a GPU worker when --batch-size is not given (the driver cannot
#: see the workers' GPU memory; I3D needs about 4 GB at 8)
GPU_BATCH = 8
#: windows per task for a long video, and resubmissions of a failed task (--chunk-windows,
#: --retries; `extract --help` shows them)
CHUNK_WINDOWS = 32
RETRIES = 2


def run_ray(args: argparse.Namespace, manifest: Manifest, backbone: Any,
            progress: Callable[[int, int], None], bar: Any) -> int:
    """Extract on the Ray cluster; failed videos are named, one line each, and exit with 2."""
    from semioscope.core import DEFAULT_BATCH_SIZE
    from semioscope.core.cluster.extract import BackboneSpec, extract_features_ray
    from semioscope.core.cluster.session import choose_device, plan_workers, ray_session

    with ray_session(args.address, debug=bool(getattr(args, "debug", False))) as info:
        device = choose_device(args.device, info)
        batch_size = args.batch_size or (DEFAULT_BATCH_SIZE if device == "cpu" else GPU_BATCH)
        workers, threads = plan_workers(info, device, args.workers, args.threads)
        where = "local Ray instance" if info.started_local and not args.address else \
            f"Ray cluster {info.address}"
        print(f"semioscope: {where} ({info.cpus} CPUs, {info.gpus} GPUs, ready in "
              f"{info.start_s:.1f} s): {workers} worker(s) on {device}, {threads} thread(s) "
              f"each, batch {batch_size}", file=sys.stderr)
        spec = BackboneSpec(
            name=backbone.name, weights=None if args.weights is None else str(args.weights),
            allow_untrained=args.allow_untrained, seed=args.seed, threads=threads, device=device,
            weights_sha256=backbone.weights_sha256)

        def on_retry(video: str, attempt: int, reason: str) -> None:
            bar.write(f"semioscope: warning: {video}: attempt {attempt} failed ({reason}); "
                      "retrying", file=sys.stderr)

        summary = extract_features_ray(
            manifest, args.cache, backbone=backbone, spec=spec, mapping=args.mapping,
            batch_size=batch_size, workers=workers,
            chunk_windows=args.chunk_windows or CHUNK_WINDOWS,
            retries=RETRIES if args.retries is None else args.retries,
            progress=progress, on_retry=on_retry)
    bar.close()
    print(f"{summary.computed} seizure(s) extracted ({summary.windows} windows), "
          f"{summary.skipped} already cached; backbone {summary.backbone} "
          f"(pretrained: {summary.pretrained}); cache {args.cache}; engine ray "
          f"({summary.retried} task(s) retried)")
    for video, reason in summary.failed:
        print(f"semioscope: error: {video}: {reason}", file=sys.stderr)
    return 2 if summary.failed else 0
