"""The inputs the review window would analyse now, to tell whether shown results are stale.

Built from the open video (hash, crop, span, mapping) and the settings (backbone, weights,
classifier); :func:`semioscope.core.trust.assess` compares them with the ones a result records.
A file that cannot be hashed counts as unknown (not compared) rather than as a change.
"""

from __future__ import annotations

import logging
from pathlib import Path

from semioscope.app.settings import AppSettings
from semioscope.app.state import VideoSession
from semioscope.core.results import Inputs, MappingInfo

log = logging.getLogger(__name__)


def _sha(path: Path | None) -> str | None:
    from semioscope.core.hashing import file_sha256

    if path is None or not path.is_file():
        return None
    try:
        return file_sha256(path)
    except OSError as exc:
        log.debug("cannot hash %s: %s", path.name, exc)
        return None


def current_inputs(session: VideoSession, settings: AppSettings) -> Inputs:
    """What an Analyse now would be made from (same sources as ``MainWindow.build_request``)."""
    from semioscope.core.models.registry import find_weights
    from semioscope.core.preprocess import PREPROCESSING_VERSION

    crop = session.crop
    weights = find_weights(settings.backbone, settings.backbone_weights or None)
    return Inputs(
        video_sha256=session.sha256,
        crop=None if crop is None else crop.box,
        span=session.span,
        mapping=MappingInfo(session.mapping.name, dict(session.mapping.params)),
        backbone=settings.backbone,
        weights_sha256=_sha(weights),
        classifier_sha256=_sha(Path(settings.classifier_path)) if settings.classifier_path
        else None,
        preprocessing_version=PREPROCESSING_VERSION,
    )
