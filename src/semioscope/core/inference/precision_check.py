"""``train --precision-check bf16``: the agreement gate for a classifier file, not a pack.

The trained classifier's own windows (the training manifest, or another one) run through the
backbone on OpenVINO in f32 and in bf16, compiled from the same cached IR that ``analyze``
compiles (:mod:`.runtime`), then through the classifier (:mod:`semioscope.core.export.agreement`
measures). The record goes into the classifier file's ``training.precision_checks``, where
``analyze --precision auto`` finds it; a failed record is kept too, so an explicit bf16 is then
refused. int8 needs a quantised network, which only a pack carries (``models export``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from semioscope.core.manifest import ManifestRow
from semioscope.errors import SemioscopeError

__all__ = ["CHECKABLE", "check_classifier_precision", "refuse_early"]

#: the precisions a classifier file can carry a check for (int8: packs only)
CHECKABLE = ("bf16",)


def refuse_early(precision: str) -> None:
    """What needs no training to refuse: a precision this CPU would emulate, no OpenVINO."""
    from semioscope.core.inference.runtime import openvino_installed
    from semioscope.core.runtime.cpu_features import detect_cpu

    if precision not in CHECKABLE:
        raise SemioscopeError("--precision-check", f"a classifier file carries a check for "
                              f"{', '.join(CHECKABLE)} only (int8: `semioscope models export "
                              "--precision int8`)")
    if not openvino_installed():
        raise SemioscopeError("--precision-check", "the check runs on OpenVINO, which is not "
                              "installed: pip install 'semioscope[openvino]'")
    cpu = detect_cpu()
    if not cpu.native(precision):
        raise SemioscopeError("--precision-check", f"{precision} is not native on this CPU "
                              f"({cpu.model}: {cpu.evidence(precision)}): its agreement must be "
                              "measured where it runs natively")


def check_classifier_precision(classifier: Path, rows: Sequence[ManifestRow], *,
                               precision: str, backbone: str, allow_untrained: bool,
                               mapping: str, threads: int | None = None,
                               say: Callable[[str], None] = lambda text: None
                               ) -> dict[str, Any]:
    """Measure ``precision`` against f32 on ``rows`` and write the record into ``classifier``
    (atomically); returns the record (``passed`` says whether the gate let it through)."""
    from semioscope import __version__
    from semioscope.core.export.agreement import measure
    from semioscope.core.inference.runtime import with_runtime
    from semioscope.core.models.backbone import load_backbone
    from semioscope.core.models.classifier import load_classifier, save_classifier
    from semioscope.core.runtime.cpu_features import detect_cpu
    from semioscope.core.runtime.ov import import_openvino

    refuse_early(precision)
    model, meta = load_classifier(classifier)
    loaded = load_backbone(backbone, None, allow_untrained=allow_untrained, threads=threads,
                           device="cpu")
    if loaded.weights_sha256 != meta.backbone_weights_sha256:
        raise SemioscopeError("--precision-check", f"the classifier learnt from features of "
                              f"other {backbone} weights than the ones on this machine: the "
                              "check needs the same backbone")
    f32 = with_runtime(loaded, "openvino", threads=threads, strict=True, precision="f32")
    low = with_runtime(loaded, "openvino", threads=threads, strict=True, precision=precision)
    say(f"checking {precision} against f32 on {len(rows)} seizure(s)")
    agreement = measure(rows, f32=f32, low=low, precision=precision, model=model, meta=meta,
                        mapping=mapping)
    record = agreement.record(cpu=detect_cpu().record(),
                              backbone_weights_sha256=loaded.weights_sha256,
                              runtime=f"openvino {import_openvino().__version__}")
    record["software_version"] = __version__
    training = dict(meta.training)
    training["precision_checks"] = {**dict(training.get("precision_checks") or {}),
                                    precision: record}
    save_classifier(classifier, model, dataclasses.replace(meta, training=training))
    return record
