"""``semioscope models export`` and ``models verify-pack``: the model pack for clinicians.

``export`` (research install: torch + openvino) converts a trained classifier, the backbone it
was trained on and optionally a detector to OpenVINO IR in one folder with a manifest of
hashes. ``verify-pack`` (either install) checks every hash and prints the manifest's SHA-256,
the number a hospital compares with the one its research team sent.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any


def add_parsers(sub: Any) -> None:
    export = sub.add_parser("export", help="convert a trained classifier (+ its backbone, a "
                            "detector) to an OpenVINO model pack for the clinician runtime")
    export.add_argument("classifier", type=Path, help="trained classifier (.semio)")
    export.add_argument("--out", type=Path, required=True, metavar="DIR",
                        help="the pack folder to create (must not exist)")
    export.add_argument("--weights", type=Path, metavar="PATH",
                        help="backbone weights file (default: fetched)")
    export.add_argument("--detector", choices=("maskrcnn", "fasterrcnn-mobilenet"),
                        help="also convert this crop detector")
    export.add_argument("--detector-weights", type=Path, metavar="PATH",
                        help="detector weights file (default: fetched)")
    export.add_argument("--detector-min-size", type=int, metavar="PX",
                        help="short side the detector scales frames to (default: the model's "
                             "800; smaller is faster and finds less)")
    export.add_argument("--threads", type=int, metavar="N", help="CPU threads for torch")
    export.add_argument("--precision", choices=("bf16", "int8"),
                        help="also allow this lower precision: measured against fp32 on the "
                        "seizures of --check-manifest (int8: quantised with NNCF, calibrated on "
                        "some of them that are then not checked) and refused when any seizure "
                        "verdict flips or a window's P(TLE) moves by more than 0.02; the record "
                        "goes in the pack's hash-checked classifier.semio and "
                        "`analyze --precision auto` may then use it")
    export.add_argument("--check-manifest", type=Path, metavar="CSV",
                        help="the team's seizures (manifest.csv, e.g. the training manifest) "
                        "the --precision check runs on")
    export.add_argument("--allow-untrained", action="store_true",
                        help="random backbone/detector weights when none are present (tests)")
    check = sub.add_parser("verify-pack", help="check every file of a model pack against its "
                           "manifest and print the manifest's SHA-256")
    check.add_argument("pack", type=Path, help="pack folder (or its manifest.json)")
    check.add_argument("--expect", metavar="SHA256",
                       help="the manifest SHA-256 the research team sent: refused if it differs")


def run_export(args: argparse.Namespace) -> int:
    from semioscope.core.export.pack import PackRequest, export_pack
    from semioscope.core.outputs import check_outputs
    from semioscope.core.runtime.pack import ModelPack

    check_outputs({"--out": args.out},
                  reads=[("classifier", args.classifier), ("weights file", args.weights),
                         ("detector weights", args.detector_weights)], folders={"--out"})

    request = PackRequest(classifier=args.classifier, out=args.out, weights=args.weights,
                          allow_untrained=args.allow_untrained, detector=args.detector,
                          detector_weights=args.detector_weights,
                          detector_min_size=args.detector_min_size, threads=args.threads,
                          precision=args.precision, check_manifest=args.check_manifest)
    if args.detector_min_size is not None and args.detector_min_size < 32:
        from semioscope.errors import SemioscopeError

        raise SemioscopeError("--detector-min-size", f"need at least 32 px, got "
                              f"{args.detector_min_size}")
    if args.detector is None and (args.detector_weights or args.detector_min_size):
        from semioscope.errors import SemioscopeError

        raise SemioscopeError("--detector", "--detector-weights and --detector-min-size need "
                              "--detector NAME")
    manifest = export_pack(request, progress=lambda text: print(f"  {text}", flush=True))
    pack = ModelPack.open(args.out)
    size = sum(p.stat().st_size for p in args.out.iterdir() if p.is_file())
    print(f"model pack written to {args.out} ({len(manifest['files'])} files, "
          f"{size / 2**20:.1f} MiB), converter OpenVINO {manifest['converter']['openvino']}")
    for line in _check_lines(pack.precision_checks):
        print(line)
    print(f"manifest sha256 {pack.manifest_sha256} (send this number with the pack)")
    return 0


def run_verify(args: argparse.Namespace) -> int:
    from semioscope.core.runtime.pack import ModelPack
    from semioscope.errors import WeightsError

    pack = ModelPack.open(args.pack)
    m = pack.manifest
    meta = pack.facts
    expect = (args.expect or "").strip().lower()
    if expect and expect != pack.manifest_sha256:
        raise WeightsError(pack.folder, f"manifest sha256 {pack.manifest_sha256} is not the "
                           f"expected {expect}: not the pack the research team sent")
    print(f"{pack.folder}: OK, every file matches its SHA-256 and is listed "
          f"({len(m['files'])} files)")
    print(f"  manifest sha256 {pack.manifest_sha256}"
          + (" (as expected)" if expect else " (compare it with the one the research team "
             "sent, or pass --expect)"))
    print(f"  created {m['created']} by semioscope {m['software_version']}, "
          f"OpenVINO {m['converter'].get('openvino')}")
    print(f"  backbone {pack.backbone_name} "
          f"({'pretrained' if meta.get('backbone_pretrained') else 'RANDOM weights'}), "
          f"classifier {'trained' if meta.get('trained') else 'UNTRAINED'}"
          f"{', DEMO model' if meta.get('demo') else ''} "
          f"(sha256 {pack.classifier_sha256[:12]}...), detector "
          f"{_detector_text(m['detector']) if pack.has_detector() else 'none'}")
    from semioscope.core.models.registry import official_source

    source = official_source(pack.backbone_name, meta.get("backbone_weights_sha256"))
    if source:   # from the hash-checked classifier's record, not the editable manifest field
        print(f"  backbone weights: {source}")
    for line in _check_lines(pack.precision_checks):
        print(f"  {line}")
    return 0


def _check_lines(checks: dict[str, Any]) -> list[str]:
    """Each agreement record (from the hash-checked classifier.semio) and what it ran on."""
    from semioscope.core.runtime.precision import check_set_text, judge_record

    lines = []
    for name, check in checks.items():
        cpu = check.get("cpu") or {}
        passed, why = judge_record(check)
        lines.append(f"{name}: agreement check {'passed' if passed else f'FAILED ({why})'} "
                     f"on {cpu.get('model')} ({cpu.get('instruction_set')}): max |dP(TLE)| "
                     f"{check.get('max_abs_dp')}, p99 {check.get('p99_abs_dp')}, "
                     f"{check.get('seizure_verdicts_agree')}/{check.get('seizures')} seizure "
                     "verdicts equal")
        lines.append(f"  {name} was checked on {check_set_text(check)}")
    return lines


def _detector_text(entry: dict[str, Any]) -> str:
    state = "pretrained" if entry.get("pretrained") else "RANDOM weights"
    return f"{entry['name']} ({state}, frames scaled to {entry.get('min_size')} px)"
