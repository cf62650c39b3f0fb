"""(backbone, weights hash, classifier hash) a request's model choice would record.

No classifier, or no weights found, is ``NO_FILE`` (a change from results made with one); a
file that cannot be hashed counts as unknown (None: not compared) rather than as a change. A
model pack's hashes are read from its manifest without verifying the pack (analysing does that).
"""

from __future__ import annotations

import logging
from pathlib import Path

from semioscope.core.analysis.request import ModelChoice
from semioscope.core.results import NO_FILE

log = logging.getLogger(__name__)

#: (backbone name, weights SHA-256, classifier SHA-256); None: unknown
ModelHashes = tuple[str | None, str | None, str | None]


def model_inputs(model: ModelChoice) -> ModelHashes:
    """What a result made with ``model`` records of its networks (``Results.inputs``)."""
    from semioscope.core.models.registry import find_weights

    if model.pack is not None:
        return _pack_model(model.pack)
    weights = find_weights(model.backbone, model.weights)
    classifier = model.classifier
    return (model.backbone, NO_FILE if weights is None else _sha(weights),
            NO_FILE if classifier is None else _sha(classifier))


def _sha(path: Path) -> str | None:
    from semioscope.core.hashing import file_sha256

    if not path.is_file():
        return None
    try:
        return file_sha256(path)
    except OSError as exc:
        log.debug("cannot hash %s: %s", path.name, exc)
        return None


def _pack_model(path: Path) -> ModelHashes:
    """The hashes a model pack's manifest names: the ones its results record."""
    import json

    from semioscope.core.runtime.pack import MANIFEST

    folder = path.parent if path.is_file() else path
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        backbone, classifier = manifest["backbone"], manifest["classifier"]
        source = classifier.get("source")
        return (str(backbone["name"]), backbone.get("weights_sha256") or NO_FILE,
                NO_FILE if source is None else manifest["files"].get(source))
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        log.debug("cannot read the pack manifest in %s: %s", folder.name, exc)
        return None, None, None
