"""`semioscope extract`: cache the backbone features of every seizure in a training manifest.

A rerun skips seizures already cached (same video bytes, crop, span, mapping, backbone weights
and preprocessing); a run killed half-way resumes with the next unfinished video. With
``--engine ray`` the videos are Ray tasks (core/cluster/extract.py) writing the same cache.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from semioscope.commands.backbone_options import add_backbone_arguments
from semioscope.commands.engine import add_engine_arguments, check_engine_arguments
from semioscope.commands.extract_ray import CHUNK_WINDOWS, RETRIES

HELP = "compute and cache backbone features for every seizure of a training manifest"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("manifest", type=Path, help="CSV: video,patient_id,seizure_id,label,"
                        "[onset_s,offset_s,crop|crop_file]")
    parser.add_argument("--cache", type=Path, required=True, metavar="DIR",
                        help="feature cache folder (created if needed)")
    add_backbone_arguments(parser, runtime_note="--engine ray workers use torch")
    parser.add_argument("--allow-untrained", action="store_true",
                        help="use random backbone weights when none are available (demo only)")
    ray = add_engine_arguments(parser, what="one task per video")
    ray.add_argument("--chunk-windows", type=int, metavar="N",
                     help=f"with --engine ray: split longer videos into tasks of N windows "
                          f"(default {CHUNK_WINDOWS}); --device auto uses the cluster's GPUs "
                          "when it has them (one task per GPU)")
    ray.add_argument("--retries", type=int, metavar="N",
                     help=f"with --engine ray: resubmit a failed task up to N times "
                          f"(default {RETRIES})")


def run(args: argparse.Namespace) -> int:
    """Check, load, extract, report; long because the local and the Ray paths share the checks
    and the summary."""
    from tqdm import tqdm

    from semioscope import UNTRAINED_WARNING
    from semioscope.core.outputs import check_outputs
    from semioscope.core.training.cache import extract_features
    from semioscope.core.training.manifest import load_manifest
    from semioscope.errors import SemioscopeError

    if args.batch_size is not None and args.batch_size < 1:
        raise SemioscopeError("--batch-size", f"must be at least 1, got {args.batch_size}")
    check_engine_arguments(args, ("chunk_windows", "retries"))
    manifest = load_manifest(args.manifest)
    check_outputs({"--cache": args.cache},
                  reads=[("manifest", args.manifest), ("weights file", args.weights)],
                  videos=[row.video for row in manifest.rows], folders={"--cache"})
    # torch only now: a refused manifest or output is told at once, not after seconds of import
    # (tens of seconds on a loaded machine: the hostile-input table's "extract FIFO in manifest")
    from semioscope.core.models.backbone import load_backbone
    from semioscope.core.models.device import auto_batch_size
    for warning in manifest.warnings:
        print(f"semioscope: warning: {args.manifest}: {warning}", file=sys.stderr)
    # with --engine ray the driver's copy only names the weights (keys); workers pick devices
    backbone = load_backbone(args.backbone, args.weights, allow_untrained=args.allow_untrained,
                             threads=args.threads, seed=args.seed,
                             device="cpu" if args.engine == "ray" else args.device)
    batch_size = args.batch_size or auto_batch_size(backbone.device, backbone.name)
    if not backbone.pretrained:
        print(f"semioscope: warning: {UNTRAINED_WARNING}", file=sys.stderr)
    if args.engine != "ray":
        from semioscope.core.inference.runtime import choose_runtime, with_runtime

        def notice(text: str) -> None:
            print(f"semioscope: {text}", file=sys.stderr, flush=True)

        from semioscope.core.runtime.cpu_features import detect_cpu
        from semioscope.core.runtime.precision import choose_precision

        runtime = choose_runtime(args.runtime, backbone.device.kind)
        precision = choose_precision(args.precision, runtime=runtime,
                                     device_kind=backbone.device.kind,
                                     cpu=detect_cpu(openvino=runtime == "openvino"),
                                     cuda_bf16=_cuda_bf16(backbone, args.precision)).precision
        backbone = with_runtime(backbone, runtime, threads=args.threads, notice=notice,
                                strict=args.runtime == "openvino", precision=precision)
    elif args.precision not in ("auto", "f32"):
        raise SemioscopeError("--precision", "--engine ray computes in f32 only")
    bar = tqdm(total=0, unit="window", desc="extracting", file=sys.stderr,
               disable=not sys.stderr.isatty())

    def progress(done: int, total: int) -> None:
        bar.total = total
        bar.n = done
        bar.refresh()

    before = _entries(args.cache)
    try:
        if args.engine == "ray":
            from semioscope.commands.extract_ray import run_ray

            return run_ray(args, manifest, backbone, progress, bar)
        summary = extract_features(manifest, args.cache, backbone=backbone,
                                   mapping=args.mapping, batch_size=batch_size,
                                   progress=progress)
    except KeyboardInterrupt:   # finished videos are in the cache: say how many, not "nothing"
        bar.close()
        done = _entries(args.cache) - before
        print(f"semioscope: interrupted; {done} feature file(s) completed in this run are kept "
              f"in {args.cache} (a rerun skips them); the video in progress was not written",
              file=sys.stderr)
        return 130
    finally:
        bar.close()
    print(f"{summary.computed} seizure(s) extracted ({summary.windows} windows), "
          f"{summary.skipped} already cached; backbone {summary.backbone} "
          f"(pretrained: {summary.pretrained}) on {backbone.device.describe()} with "
          f"{backbone.provenance()['runtime']} "
          f"{backbone.provenance().get('precision', 'f32')}, batch "
          f"{batch_size}; cache {args.cache}")
    return 0


def _entries(cache: Path) -> int:
    """Complete feature files the cache's index lists (0 for a new or unreadable cache)."""
    from semioscope.core.training.cache import FeatureCache
    from semioscope.errors import SemioscopeError

    try:
        return len(FeatureCache(cache).index.get("entries", {}))
    except (SemioscopeError, OSError):
        return 0


def _cuda_bf16(backbone: object, precision: str) -> bool:
    """Whether the backbone's GPU has bf16 (asked only when bf16 is asked for on a GPU)."""
    device = getattr(backbone, "device", None)
    if precision != "bf16" or getattr(device, "kind", "cpu") != "cuda":
        return False
    import torch

    return bool(torch.cuda.is_bf16_supported())
