"""What a result records about how it was made: the video's facts, the crop, the networks.

Every score says what made it (backbone and weights hash and status, classifier and hash,
preprocessing, runtime, device, batch), so the trust rule (``core.trust``) can judge it later.
"""

from __future__ import annotations

import os

from semioscope.core.analysis.engine import Engine, EngineBackbone
from semioscope.core.analysis.request import AnalysisRequest
from semioscope.core.geometry import Box
from semioscope.core.hashing import file_sha256
from semioscope.core.preprocess import PREPROCESSING_VERSION
from semioscope.core.results import CropInfo, Provenance, VideoInfo
from semioscope.core.video import VideoProperties

__all__ = ["crop_info", "provenance", "truncated_warning", "video_info"]


def video_info(request: AnalysisRequest, props: VideoProperties, sha256: str) -> VideoInfo:
    """The video's facts; its clock always says whether it was variable-rate or truncated."""
    return VideoInfo(
        path=os.path.abspath(request.video), sha256=sha256, frames=props.frames,  # any cwd
        fps=props.fps, fps_source=props.fps_source, width=props.width, height=props.height,
        bit_depth=props.bit_depth, duration_s=props.duration_s,
        variable_rate=props.variable_rate, truncated=props.truncated,
        nominal_fps=props.nominal_fps if props.variable_rate else None,
        missing_frames=props.missing_frames if props.variable_rate else None,
        declared_s=props.declared_s if props.truncated else None)


def truncated_warning(props: VideoProperties) -> str:
    """The line every output of a truncated recording carries."""
    declared = props.declared_s or props.duration_s
    return (f"truncated recording: only {props.duration_s:.2f} s of the {declared:.2f} s its "
            f"header declares are present ({100 * props.duration_s / declared:.0f}%); only the "
            "present part was analysed")


def crop_info(request: AnalysisRequest, box: Box | None, width: int, height: int) -> CropInfo:
    """The crop analysed; the whole frame is recorded as a box all the same."""
    crop = request.crop
    if box is None or crop is None:
        return CropInfo(0, 0, width, height, source="full-frame")
    return CropInfo(box.x, box.y, box.w, box.h, source=crop.source,
                    status=crop.record_status, reasons=tuple(crop.reasons))


def provenance(request: AnalysisRequest, engine: Engine) -> Provenance:
    """The networks that made the scores, their files' hashes and how they ran."""
    from semioscope.core.models.registry import weights_status

    path, backbone, meta = request.model.classifier, engine.backbone, engine.meta
    status, note = weights_status(backbone.name, backbone.weights_sha256)
    wanted = getattr(meta, "backbone_weights_sha256", None)
    runtime = _runtime(backbone)
    choice = getattr(backbone, "precision_choice", None)
    return Provenance(
        backbone=backbone.name, backbone_pretrained=bool(backbone.pretrained),
        weights_sha256=backbone.weights_sha256, weights_status=status, weights_note=note,
        runtime=runtime["runtime"], device=runtime["device"], batch_size=engine.batch_size,
        precision=runtime.get("precision", "f32"),
        precision_check=None if choice is None or choice.check is None else dict(choice.check),
        classifier_path=None if path is None else str(path),
        classifier_sha256=None if path is None else file_sha256(path),
        classifier_trained=bool(getattr(meta, "trained", False)),
        classifier_demo=bool(getattr(meta, "demo", False)),
        classifier_backbone_sha256=wanted,
        classifier_backbone_pretrained=bool(getattr(meta, "backbone_pretrained", False)),
        backbone_override=bool(request.model.allow_backbone_mismatch
                               and wanted != backbone.weights_sha256),
        preprocessing_version=PREPROCESSING_VERSION,
        classifier_metadata=dict(meta.to_dict()),
        pack=None if engine.pack is None else dict(engine.pack.provenance()),
    )


def _runtime(backbone: EngineBackbone) -> dict[str, str]:
    """``runtime`` and ``device`` that computed the features (any backbone-like object)."""
    provenance = getattr(backbone, "provenance", None)
    if callable(provenance):
        return dict(provenance())
    return {"runtime": str(getattr(backbone, "runtime", "unknown")), "device": "unknown"}
