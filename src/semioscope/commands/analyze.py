"""`semioscope analyze`: score every 2-s window of one video, write the results JSON (and a CSV).

Outputs are written only when the whole analysis has finished, each atomically, so Ctrl-C or an
error never leaves a partial file behind.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from semioscope.commands.backbone_options import add_backbone_arguments

if TYPE_CHECKING:
    from semioscope.core.analysis import AnalysisRequest, Progress
    from semioscope.core.crop.editing import Crop
    from semioscope.core.results import Results

HELP = "score FLE vs TLE per 2-s window of one video and write a results JSON"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("video", type=Path, help="video file, image folder or .npy array")
    parser.add_argument("--classifier", type=Path, metavar="FILE",
                        help="trained classifier (semioscope train)")
    parser.add_argument("--pack", type=Path, metavar="DIR",
                        help="model pack from `semioscope models export` (OpenVINO, no torch "
                        "needed): replaces --classifier and --weights; used only when every "
                        "file's SHA-256 matches its manifest")
    add_backbone_arguments(parser)
    crop = parser.add_mutually_exclusive_group()
    crop.add_argument("--crop", metavar="X,Y,W,H", help="crop box in source pixels")
    crop.add_argument("--crop-file", type=Path, metavar="FILE",
                      help="crop record from `semioscope crop` (refused when made for another "
                      "video)")
    parser.add_argument("--crop-file-for-other-video", action="store_true",
                        help="use a crop record made for another video anyway (the results "
                        "record it)")
    parser.add_argument("--onset", type=float, metavar="S", help="clinical onset, seconds")
    parser.add_argument("--offset", type=float, metavar="S", help="clinical offset, seconds")
    parser.add_argument("--fps", type=float, metavar="F", help="override the video's frame rate")
    parser.add_argument("--allow-truncated", action="store_true",
                        help="analyse only the present part of a recording cut short (refused "
                        "otherwise); the results say so")
    parser.add_argument("--allow-untrained", action="store_true",
                        help="run with random weights when none are available (demo only)")
    parser.add_argument("--accept-backbone-mismatch", action="store_true",
                        help="run a classifier on other backbone weights than the ones it was "
                        "trained on (refused otherwise); the results say so")
    parser.add_argument("--out", type=Path, required=True, metavar="FILE",
                        help="results JSON to write")
    parser.add_argument("--csv", type=Path, metavar="FILE", help="also write the windows as CSV")
    parser.add_argument("--saliency", action="store_true",
                        help="also compute where each window's score looked (Grad-CAM over the "
                        "backbone's last 3D map), stored beside --out as <stem>.saliency.npz")


def build_request(args: argparse.Namespace) -> AnalysisRequest:
    """The engine request for the command line (the review window fills the same one)."""
    from semioscope.core.analysis import AnalysisRequest, ModelChoice, RuntimeOptions, Span

    return AnalysisRequest(
        video=args.video, crop=_crop(args), span=Span(args.onset, args.offset),
        model=ModelChoice(backbone=args.backbone, weights=args.weights,
                          classifier=args.classifier, pack=getattr(args, "pack", None),
                          allow_untrained=args.allow_untrained,
                          allow_backbone_mismatch=args.accept_backbone_mismatch, seed=args.seed),
        options=RuntimeOptions(device=args.device, runtime=args.runtime, threads=args.threads,
                               batch_size=args.batch_size, precision=args.precision),
        mapping=args.mapping, fps=args.fps, allow_truncated=args.allow_truncated,
        saliency=bool(getattr(args, "saliency", False)))


def _crop(args: argparse.Namespace) -> Crop | None:
    """``--crop X,Y,W,H`` (given), ``--crop-file`` (a crop record, named in its errors), or
    None (the whole frame)."""
    from dataclasses import replace

    from semioscope.core.crop.editing import given_crop
    from semioscope.core.geometry import Box

    if args.crop:
        return given_crop(Box.parse(args.crop))
    if args.crop_file:
        from semioscope.core.crop.record import check_record_video, read_crop_file

        crop = replace(read_crop_file(args.crop_file), subject=str(args.crop_file))
        other = check_record_video(args.crop_file, args.video,
                                   allow_other=getattr(args, "crop_file_for_other_video", False))
        return replace(crop, reasons=(*crop.reasons, other)) if other else crop
    return None


def windows_csv(results: Results) -> str:
    """One row per window, for spreadsheets."""
    import csv
    import io

    cols = ["index", "start_s", "end_s", "start_frame", "end_frame", "n_frames", "p_tle", "label"]
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=cols, lineterminator="\n")
    writer.writeheader()
    for window in results.windows:
        writer.writerow({k: getattr(window, k) for k in cols})
    return buf.getvalue()


class _Bar:
    """tqdm on stderr, only when stderr is a terminal."""

    def __init__(self) -> None:
        self.bar: Any = None
        self.enabled = sys.stderr.isatty()

    def __call__(self, p: Progress) -> None:
        if p.stage == "converting":   # a minute's pause, once per machine: say why
            print("semioscope: converting the backbone to OpenVINO once for this machine "
                  "(about a minute; later runs reuse it)", file=sys.stderr, flush=True)
            return
        if not self.enabled or p.stage != "features":
            return
        if self.bar is None:
            from tqdm import tqdm

            self.bar = tqdm(total=p.total, unit="window", desc="analysing", file=sys.stderr)
        self.bar.update(p.done - self.bar.n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def run(args: argparse.Namespace) -> int:
    from semioscope.core.analysis import analyze_explained
    from semioscope.core.atomic import write_text
    from semioscope.core.cancel import CancelToken
    from semioscope.core.outputs import check_outputs
    from semioscope.core.results import save_results

    sidecar_target = None
    if args.saliency:
        from semioscope.core.explain import sidecar_path

        sidecar_target = sidecar_path(args.out)
    check_outputs({"--out": args.out, "--csv": args.csv, "saliency file": sidecar_target},
                  reads=[("classifier", args.classifier), ("crop record", args.crop_file),
                         ("weights file", args.weights), ("model pack", args.pack)],
                  videos=[args.video])
    request = build_request(args)
    bar = _Bar()
    try:
        results, saliency = analyze_explained(request, progress=bar, cancel=CancelToken())
    finally:
        bar.close()
    sidecar = None
    if saliency is not None:
        from semioscope.core.explain import attach_saliency

        results, sidecar = attach_saliency(results, saliency, args.out)
    save_results(args.out, results)
    if args.csv:
        write_text(args.csv, windows_csv(results))
    _tell(args, results, sidecar)
    return 0


def _tell(args: argparse.Namespace, results: Results, sidecar: Path | None) -> None:
    """The verdict and where it went on stdout; the trust rule's warnings on stderr."""
    from semioscope.core.results import rule_text
    from semioscope.core.trust import assess

    s = results.summary
    print(f"verdict: {s.label} (mean P(TLE) {s.p_tle_mean:.3f}, confidence "
          f"{s.confidence:.2f}); {s.n_windows} windows: {s.n_fle} FLE, "
          f"{s.n_tle} TLE, {s.n_uncertain} uncertain")
    print(f"decision rule: {rule_text(s.threshold, s.uncertain_band)}")
    print(f"results written to {args.out}" + (f" and {args.csv}" if args.csv else ""))
    check = results.model.precision_check
    if results.model.precision not in (None, "f32") and check is not None:
        from semioscope.core.runtime.precision import check_set_text

        print(f"precision: {results.model.precision}, its agreement check against f32 ran on "
              f"{check_set_text(check)}")
    if sidecar is not None and results.saliency is not None:
        marked = len(results.saliency.outside_subject)
        padded = len(results.saliency.on_padding)
        print(f"saliency (Grad-CAM per window) written to {sidecar}"
              + (f"; {marked} window(s) look mostly outside the patient/bed box" if marked
                 else "")
              + (f", {padded} of them mostly at the black padding around the crop" if padded
                 else ""))
    trust = assess(results)
    if trust.headline:
        print(f"WARNING: {trust.headline}", file=sys.stderr)
    for reason in trust.reasons:
        print(f"WARNING: {reason.text.upper()}", file=sys.stderr)
    for warning in results.warnings:
        print(f"WARNING: {warning}", file=sys.stderr)
