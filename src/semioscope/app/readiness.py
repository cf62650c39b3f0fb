"""Whether Analyse can run with the settings, and what its results would be marked, said before
any analysis (the review window's banner).

The marks come from the trust rule itself (:func:`semioscope.core.trust.model_reasons`) on the
provenance the settings would give, so the banner before an analysis and the one after it say
the same thing. Only what is known without running is judged (the backbone's weights, whether a
classifier is chosen); what a classifier file says about its own training is judged after the
run, as before.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from semioscope.app.settings import AppSettings
from semioscope.core.trust import Reason, model_reasons


@dataclass(frozen=True)
class Readiness:
    """``blocker``: why Analyse cannot run ("" when it can); ``marks``: what its results would
    carry; ``setting``: the Settings field that changes it (``SettingsDialog`` focuses it)."""

    blocker: str = ""
    marks: tuple[Reason, ...] = ()
    setting: str = ""

    @property
    def text(self) -> str:
        if self.blocker:
            return f"Cannot analyse: {self.blocker}"
        if self.marks:
            return ("Analyse runs, but its results will be marked not for clinical use: "
                    + "; ".join(r.text for r in self.marks))
        return ""


@dataclass
class _Hashes:
    """A weights file's hash, kept while its size and time stay the same (one hash a file)."""

    seen: dict[tuple[str, int, int], str]

    def of(self, path: Path) -> str | None:
        from semioscope.core.hashing import file_sha256

        try:
            stat = path.stat()
            key = (str(path), stat.st_size, stat.st_mtime_ns)
            if key not in self.seen:
                self.seen[key] = file_sha256(path)
            return self.seen[key]
        except OSError:
            return None


_HASHES = _Hashes({})


def readiness(settings: AppSettings) -> Readiness:
    """What the review window says before Analyse, for these settings."""
    from semioscope.core.models.registry import find_weights, weights_status
    from semioscope.core.results import Provenance
    from semioscope.core.runtime.pack import is_pack

    if settings.classifier_path and is_pack(settings.classifier_path):
        return Readiness()    # a pack brings its networks; its results say what they are
    name = settings.backbone
    weights = find_weights(name, settings.backbone_weights or None)
    if weights is not None and not weights.is_file():
        return Readiness(f"the backbone weights file {weights} does not exist. Choose another "
                         "in Settings.", setting="backbone_weights")
    if weights is None and not settings.allow_untrained:
        return Readiness(f"no {name} backbone weights (run `semioscope models fetch {name}`). "
                         "Choose a weights file in Settings, or allow untrained models "
                         "there for a demonstration (not for clinical use).",
                         setting="backbone_weights")
    if not settings.classifier_path and not settings.allow_untrained:
        return Readiness("no classifier chosen. Choose a trained classifier or model pack in "
                         "Settings, or allow untrained models there for a demonstration.",
                         setting="classifier")
    sha = None if weights is None else _HASHES.of(weights)
    status, note = weights_status(name, sha)
    trained = bool(settings.classifier_path)
    provenance = Provenance(
        backbone=name, backbone_pretrained=sha is not None, preprocessing_version="",
        weights_sha256=sha, weights_status=status, weights_note=note,
        # a chosen classifier's own training is read when it runs: not judged here
        classifier_trained=trained, classifier_backbone_sha256=sha,
        classifier_backbone_pretrained=trained)
    marks = tuple(model_reasons(provenance))
    return Readiness(marks=marks, setting="allow_untrained" if marks else "")
