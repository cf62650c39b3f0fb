"""``export_pack``: a trained classifier and its backbone (and a detector) as a model pack.

Everything is written into a temporary folder beside the target and renamed into place at the
end, so an interrupted export leaves no half pack (and an existing pack is never overwritten).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from semioscope.core.atomic import write_json
from semioscope.core.hashing import file_sha256
from semioscope.core.preprocess import PREPROCESSING_VERSION
from semioscope.core.runtime.ov import import_openvino
from semioscope.core.runtime.pack import MANIFEST, PACK_FORMAT
from semioscope.errors import SemioscopeError, WeightsError

__all__ = ["PackRequest", "export_pack"]

#: progress(step text)
StepSink = Callable[[str], None]


@dataclass
class PackRequest:
    """What to put in a pack: the classifier decides the backbone it needs."""

    classifier: Path
    out: Path
    weights: Path | None = None         # backbone weights (default: the fetched file)
    allow_untrained: bool = False       # a random backbone (tests, demos): flagged everywhere
    detector: str | None = None         # "maskrcnn" | "fasterrcnn-mobilenet" | None
    detector_weights: Path | None = None
    detector_min_size: int | None = None
    threads: int | None = None
    precision: str | None = None        # "bf16" | "int8": also checked (and int8 quantised)
    check_manifest: Path | None = None  # the team's seizures the agreement gate runs


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _converter() -> dict[str, str]:
    import torch

    ov = import_openvino()
    return {"openvino": str(ov.__version__).split("-")[0], "torch": str(torch.__version__)}


def export_pack(request: PackRequest, progress: StepSink | None = None) -> dict[str, Any]:
    """Convert, write and verify the pack; returns its manifest.
    Long because it is one transaction: convert, write into a temporary folder, verify, rename."""
    from semioscope import __version__
    from semioscope.core.export.classifier import export_classifier
    from semioscope.core.models.backbone import load_backbone
    from semioscope.core.models.backbone_match import check_backbone_match
    from semioscope.core.models.classifier import load_classifier
    from semioscope.core.models.registry import official_source

    say = progress or (lambda _text: None)
    out = Path(request.out)
    if out.exists():
        raise SemioscopeError(out, "already exists: give a new folder for the pack")
    check_rows = _check_rows(request)   # refusals (not native, no manifest) before converting
    model, meta = load_classifier(request.classifier)
    if meta.preprocessing_version != PREPROCESSING_VERSION:
        raise WeightsError(request.classifier, f"trained with preprocessing "
                           f"{meta.preprocessing_version!r}, this version uses "
                           f"{PREPROCESSING_VERSION!r} (retrain it)")
    backbone = load_backbone(meta.backbone, request.weights,
                             allow_untrained=request.allow_untrained, threads=request.threads)
    check_backbone_match(Path(request.classifier), meta, backbone, False)  # a pack: no override
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        say(f"converting the {backbone.name} backbone (about a minute; once per machine)")
        backbone_entry = _backbone_ir(backbone, tmp)
        backbone_entry["weights_source"] = official_source(backbone.name,
                                                           backbone.weights_sha256)
        checks = {}
        if request.precision is not None:
            checks[request.precision] = _precision_check(request, check_rows, tmp,
                                                         backbone_entry, model, meta, say)
        say("converting the classifier")
        export_classifier(model, tmp / "classifier.xml")
        semio = _pack_classifier(request.classifier, tmp / "classifier.semio", model, meta,
                                 checks)
        from semioscope.core.runtime.pack_trust import precision_records, semio_metadata

        semio_meta = semio_metadata(semio)   # what checked_facts will compare the manifest with
        checks = precision_records(semio_meta)
        detector_entry = None
        if request.detector is not None:
            from semioscope.core.export.detector import export_detector

            say(f"converting the {request.detector} crop detector")
            detector_entry = export_detector(
                request.detector, tmp, weights=request.detector_weights,
                allow_untrained=request.allow_untrained, min_size=request.detector_min_size,
                threads=request.threads)
        manifest = {
            "format": PACK_FORMAT,
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
            "software_version": __version__, "converter": _converter(),
            "preprocessing_version": PREPROCESSING_VERSION,
            "backbone": backbone_entry,
            "classifier": {"ir": "classifier.xml", "source": "classifier.semio",
                           "sha256": file_sha256(semio), "steps": model.config.steps,
                           "metadata": semio_meta,
                           "trained_file_sha256": file_sha256(request.classifier)},
            "detector": detector_entry,
            **({"precision_checks": checks} if checks else {}),
            "files": {p.name: file_sha256(p) for p in sorted(tmp.iterdir()) if p.is_file()},
        }
        write_json(tmp / MANIFEST, manifest)
        tmp.chmod(0o777 & ~_umask())  # mkdtemp makes 0700: a pack is shared with colleagues
        tmp.rename(out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return manifest


def _pack_classifier(source: Path, target: Path, model: Any, meta: Any,
                     checks: dict[str, Any]) -> Path:
    """The pack's ``classifier.semio``: the trained file itself, or, with new agreement records,
    the same weights with the records in its ``training.precision_checks`` (beside any that
    ``train --precision-check`` wrote), so the manifest's hash of it covers them."""
    if not checks:
        shutil.copyfile(source, target)
        return target
    import dataclasses

    from semioscope.core.models.classifier import save_classifier

    training = dict(meta.training)
    training["precision_checks"] = {**dict(training.get("precision_checks") or {}), **checks}
    save_classifier(target, model, dataclasses.replace(meta, training=training))
    return target


def _backbone_ir(backbone: Any, folder: Path) -> dict[str, Any]:
    """The backbone's fp32 IR copied into the pack from this machine's runtime cache,
    converting it there first if needed: the same IR, and a later ``analyze`` on this machine
    (weights instead of the pack) never converts again."""
    from semioscope.core.export.ir_cache import cached_ir

    xml, entry = cached_ir(backbone)
    for source in (xml, xml.with_suffix(".bin")):
        shutil.copyfile(source, folder / source.name)
    return dict(entry)


def _check_rows(request: PackRequest) -> list[Any]:
    """The seizures of ``--check-manifest`` (None without ``--precision``); refuses a precision
    this CPU does not run natively, before anything is converted."""
    if request.precision is None:
        return []
    from semioscope.core.manifest import read_manifest
    from semioscope.core.runtime.cpu_features import detect_cpu
    from semioscope.core.runtime.precision import LOWER

    if request.precision not in LOWER:
        raise SemioscopeError("--precision", f"a pack is always fp32; --precision adds "
                              f"{' or '.join(LOWER)}, got {request.precision!r}")
    cpu = detect_cpu()
    if not cpu.native(request.precision):
        raise SemioscopeError("--precision", f"{request.precision} is not native on this CPU "
                              f"({cpu.model}: {cpu.evidence(request.precision)}): its agreement "
                              "must be measured where it runs natively")
    if request.check_manifest is None:
        raise SemioscopeError("--check-manifest", f"--precision {request.precision} needs the "
                              "team's seizures to check it on (a manifest.csv, e.g. the "
                              "training manifest)")
    rows = read_manifest(request.check_manifest)
    if not rows:
        raise SemioscopeError(request.check_manifest, "no seizures to check the precision on")
    return rows


def lower_backbone(folder: Path, entry: dict[str, Any], precision: str,
                   threads: int | None) -> Any:
    """The pack's backbone in ``precision``, as ``analyze --pack`` will compile it."""
    from semioscope.core.runtime.backbone import OpenVINOBackbone

    ir = entry["int8_ir"] if precision == "int8" else entry["ir"]
    return OpenVINOBackbone(folder / ir, name=entry["name"], pretrained=bool(entry["pretrained"]),
                            weights_sha256=entry.get("weights_sha256"), threads=threads,
                            extend_to=entry.get("extend_to"),
                            channels=int(entry.get("channels", 3)), precision=precision)


def _precision_check(request: PackRequest, rows: list[Any], folder: Path,
                     entry: dict[str, Any], model: Any, meta: Any,
                     say: StepSink) -> dict[str, Any]:
    """Quantise (int8), then measure fp32 against the precision on the team's windows and
    return the record; the gate refuses the export when they disagree."""
    from semioscope.core.export.agreement import gate, measure, split_rows
    from semioscope.core.runtime.cpu_features import detect_cpu

    precision, threads = str(request.precision), request.threads
    mapping = str(meta.mapping.get("name", "kinect")) if isinstance(meta.mapping, dict) \
        else "kinect"
    f32 = lower_backbone(folder, entry, "f32", threads)
    extra: dict[str, Any] = {"check_manifest": {"path": str(request.check_manifest),
                                                "sha256": file_sha256(Path(str(request.check_manifest)))}}
    check = rows
    if precision == "int8":
        from semioscope.core.export.quantize import calibration_clips, quantize_ir

        calibration, check = split_rows(rows)
        say(f"calibrating int8 on {len(calibration)} seizure(s) not in the check")
        clips = calibration_clips(calibration, f32, mapping=mapping)
        entry["int8_ir"] = f"{entry['name']}.int8.xml"
        quantize_ir(folder / entry["ir"], folder / entry["int8_ir"], clips)
        extra["calibration"] = {"method": "NNCF post-training quantisation, MIXED preset",
                                "clips": len(clips),
                                "seizures": [r.seizure_id for r in calibration]}
    say(f"checking {precision} against f32 on {len(check)} seizure(s)")
    agreement = measure(check, f32=f32, low=lower_backbone(folder, entry, precision, threads),
                        precision=precision, model=model, meta=meta, mapping=mapping)
    agreement.extra.update(extra)
    gate(agreement, str(request.check_manifest))
    say(f"{precision} agrees with f32: max |dP(TLE)| {agreement.max_abs_dp:.4f}, p99 "
        f"{agreement.p99_abs_dp:.4f}, {len(check) - len(agreement.flipped)}/{len(check)} "
        "seizure verdicts equal")
    return agreement.record(cpu=detect_cpu().record(),
                            backbone_weights_sha256=entry.get("weights_sha256"),
                            runtime=f"openvino {_converter()['openvino']}")
