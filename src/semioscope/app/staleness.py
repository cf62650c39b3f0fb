"""The inputs the review window would analyse now, to tell whether shown results are stale.

Built from the open video (hash, crop, span, mapping) and the settings (backbone, weights,
classifier, or the model pack that replaces them); :func:`semioscope.core.trust.assess`
compares them with the ones a result records. No classifier set, or no weights found, is
``NO_FILE`` (a change from results made with one); a file that cannot be hashed counts as
unknown (not compared) rather than as a change.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

from semioscope.app.settings import AppSettings
from semioscope.app.state import VideoSession
from semioscope.core.results import NO_FILE, Inputs, MappingInfo

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


def _pack_model(folder: Path) -> tuple[str | None, str | None, str | None]:
    """(backbone, weights hash, classifier hash) a model pack's manifest names, read without
    verifying the pack (Analyse does that): the hashes its results record."""
    from semioscope.core.runtime.pack import MANIFEST

    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        backbone, classifier = manifest["backbone"], manifest["classifier"]
        source = classifier.get("source")
        return (str(backbone["name"]), backbone.get("weights_sha256") or NO_FILE,
                NO_FILE if source is None else manifest["files"].get(source))
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        log.debug("cannot read the pack manifest in %s: %s", folder.name, exc)
        return None, None, None


def _model(settings: AppSettings) -> tuple[str | None, str | None, str | None]:
    """(backbone, weights hash, classifier hash) an Analyse now would use."""
    from semioscope.core.models.registry import find_weights
    from semioscope.core.runtime.pack import is_pack

    if settings.classifier_path and is_pack(settings.classifier_path):
        path = Path(settings.classifier_path)
        return _pack_model(path.parent if path.is_file() else path)
    weights = find_weights(settings.backbone, settings.backbone_weights or None)
    classifier = settings.classifier_path
    return (settings.backbone, NO_FILE if weights is None else _sha(weights),
            _sha(Path(classifier)) if classifier else NO_FILE)


def current_inputs(session: VideoSession, settings: AppSettings) -> Inputs:
    """What an Analyse now would be made from (same sources as ``MainWindow.build_request``)."""
    from semioscope.core.preprocess import PREPROCESSING_VERSION

    crop = session.crop
    backbone, weights, classifier = _model(settings)
    return Inputs(
        video_sha256=session.sha256,
        crop=None if crop is None else crop.box,
        span=session.span,
        mapping=MappingInfo(session.mapping.name, dict(session.mapping.params)),
        backbone=backbone, weights_sha256=weights, classifier_sha256=classifier,
        preprocessing_version=PREPROCESSING_VERSION,
    )
