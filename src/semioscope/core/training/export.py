"""Train the model to ship, and write it with everything needed to trust (or refuse) it later.

The shipped model is fitted by the same procedure the CV evaluated (``config.stopping``; by
default the best-F1 epoch on a patient-grouped hold-out of 1/``holdout_folds`` of the patients).
Threshold, uncertain band and the quoted metrics come from that CV.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from semioscope import __version__
from semioscope.core.training.config import TrainConfig
from semioscope.core.training.dataset import FeatureSet
from semioscope.core.training.train import EpochProgress, ModelFactory, fit_procedure
from semioscope.errors import SemioscopeError


def read_cv_report(path: str | Path, config: TrainConfig, data: FeatureSet) -> dict[str, Any]:
    """A cv.json that validated *this* config on *this* data (else an error saying why)."""
    path = Path(path)
    if path.is_dir():
        path = path / "cv.json"
    from semioscope.core.inputs import check_regular, read_text

    if not path.exists() and not path.is_symlink():
        raise SemioscopeError(path, "no such CV report (run semioscope cv first)")
    text = read_text(check_regular(path, "CV report"), "CV report")
    try:
        report = json.loads(text)
        saved, decision = report["config"], report["decision"]
    except (RecursionError, ValueError, KeyError, TypeError) as exc:
        raise SemioscopeError(path, f"not a semioscope CV report ({exc})") from None
    if saved != config.to_dict():
        diff = sorted(k for k in set(saved) | set(config.to_dict())
                      if saved.get(k) != config.to_dict().get(k))
        raise SemioscopeError(path, f"the CV was run with another config ({', '.join(diff)} "
                              "differ); run cv again with this config")
    if report.get("data") != data.summary():
        raise SemioscopeError(path, "the CV was run on other data (patients/seizures/windows "
                              "per class differ); run cv again on this manifest")
    if not {"threshold", "band"} <= set(decision):
        raise SemioscopeError(path, "the report has no decision threshold/band")
    return report


def classifier_metadata(data: FeatureSet, config: TrainConfig, model: Any,
                        cv: dict[str, Any] | None, fit_info: dict[str, Any]) -> dict[str, Any]:
    """The model file's metadata (see ``semioscope models inspect``)."""
    model_config = getattr(model, "config", None)
    decision = (cv or {}).get("decision", {"threshold": 0.5, "band": [0.5, 0.5]})
    return {
        "backbone": data.meta["backbone"],
        "backbone_weights_sha256": data.meta["backbone_weights_sha256"],
        "backbone_pretrained": bool(data.meta["backbone_pretrained"]),
        "preprocessing_version": data.meta["preprocessing_version"],
        "mapping": data.meta["mapping"],
        "class_names": ["FLE", "TLE"],
        "threshold": float(decision["threshold"]),
        "uncertain_band": [float(v) for v in decision["band"]],
        "config": dataclasses.asdict(model_config) if dataclasses.is_dataclass(model_config)
        and not isinstance(model_config, type) else dict(config.model),
        "training": {"config": config.to_dict(), "data": data.summary(), "fit": fit_info,
                     # which seizures it learnt from: an agreement check says whether it ran on
                     # them (core/export/agreement.py) or on seizures the model never saw
                     "seizure_ids": sorted({str(s) for s in data.seizure}),
                     "decision": decision,
                     "validation": "CV report given" if cv else "no CV: threshold 0.5, "
                     "no uncertain band"},
        "metrics": {} if cv is None else {"summary": cv["summary"],
                                          "bootstrap_ci95": cv.get("bootstrap_ci95"),
                                          "folds": len(cv["folds"])},
        "trained": True,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "software_version": __version__,
    }


def train_and_save(data: FeatureSet, config: TrainConfig, out: str | Path, *,
                   cv: dict[str, Any] | None, allow_untrained: bool = False, demo: bool = False,
                   model_factory: ModelFactory | None = None,
                   progress: EpochProgress | None = None, cancel: Any = None) -> dict[str, Any]:
    """Fit on all patients and write the classifier file; return its metadata."""
    from semioscope.core.models.classifier import ClassifierMetadata, save_classifier

    if not data.meta.get("backbone_pretrained") and not allow_untrained:
        raise SemioscopeError("features", "the cached features come from an untrained "
                              "backbone; pass --allow-untrained to train a demo model anyway")
    model, info = fit_procedure(data, config, model_factory=model_factory, progress=progress,
                                cancel=cancel)
    fit_info = {**info.to_dict(), "losses": info.losses[-1:]}
    meta = {**classifier_metadata(data, config, model, cv, fit_info), "demo": bool(demo)}
    names = {f.name for f in dataclasses.fields(ClassifierMetadata)}
    kwargs = {k: v for k, v in meta.items() if k in names}
    for key in ("class_names", "uncertain_band"):
        kwargs[key] = tuple(kwargs[key])
    save_classifier(out, model, ClassifierMetadata(**kwargs))
    return meta
