"""What each backbone's weights are and the contract they were trained under (no torch here).

In the manner of torchvision's weights enums (``S3D_Weights.KINETICS400_V1`` with its ``url``,
``transforms`` and ``meta``): a :class:`BackboneWeights` names the file, the input it expects
(size, value range, per-channel normalisation) and what comes out (feature size, steps per 2-s
window, shortest clip). The backbone, the classifier's input shape and the padding of a window's
features all read these numbers from here instead of restating 1024, 7 and 10.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from semioscope.core.models.registry import WEIGHT_FILES, WeightFile
from semioscope.core.windows import MIN_WINDOW_FRAMES


@dataclass(frozen=True)
class BackboneWeights:
    """A backbone's weights file and its contract.

    ``mean``/``std`` normalise RGB frames in [0, 1] the way the weights were trained; the engine
    hands every backbone clips in [-1, 1] (``input_range``), which is I3D's own normalisation
    (mean = std = 0.5), so only a backbone with other values converts (S3D does, in
    ``S3DFeatures.normalise``, from these values).
    """

    file: WeightFile
    feature_dim: int
    steps_per_window: int        # feature steps of one :data:`~semioscope.core.windows.WINDOW_FRAMES` clip
    min_frames: int              # the shortest clip ``Backbone.features`` accepts (a window's)
    mean: tuple[float, float, float] = (0.5, 0.5, 0.5)
    std: tuple[float, float, float] = (0.5, 0.5, 0.5)
    input_size: tuple[int, int] = (224, 224)
    input_range: tuple[float, float] = (-1.0, 1.0)
    num_classes: int = 400       # Kinetics-400 logits (not used: features are taken before)

    @property
    def name(self) -> str:
        return self.file.name

    @property
    def meta(self) -> dict[str, Any]:
        """The contract as plain JSON-able values (torchvision's ``meta``)."""
        out = asdict(self)
        out["file"] = {"name": self.file.name, "filename": self.file.filename,
                       "sha256": self.file.sha256, "license": self.file.license}
        return out


class I3DWeights(BackboneWeights):
    """The paper's I3D: DeepMind's ImageNet + Kinetics-400 RGB weights (pytorch-i3d port)."""


class S3DWeights(BackboneWeights):
    """torchvision's Kinetics-400 S3D (its own mean and std over [0, 1] frames)."""


I3D_WEIGHTS = I3DWeights(file=WEIGHT_FILES["i3d"], feature_dim=1024, steps_per_window=7,
                         min_frames=MIN_WINDOW_FRAMES)
S3D_WEIGHTS = S3DWeights(file=WEIGHT_FILES["s3d"], feature_dim=1024, steps_per_window=6,
                         min_frames=MIN_WINDOW_FRAMES, mean=(0.43216, 0.394666, 0.37645),
                         std=(0.22803, 0.22145, 0.216989))

class DescribedByWeights:
    """What a backbone (torch or OpenVINO) reports of itself, read from its ``weights``."""

    weights: BackboneWeights

    @property
    def feature_dim(self) -> int:
        return self.weights.feature_dim

    @property
    def max_steps(self) -> int:
        """Feature steps of one full 2-s window (what the classifier's input is padded to)."""
        return self.weights.steps_per_window

    @property
    def min_frames(self) -> int:
        return self.weights.min_frames


#: every backbone builder's weights description, by backbone name
BACKBONE_WEIGHTS: dict[str, BackboneWeights] = {"i3d": I3D_WEIGHTS, "s3d": S3D_WEIGHTS}


def backbone_weights(name: str) -> BackboneWeights:
    try:
        return BACKBONE_WEIGHTS[name]
    except KeyError:
        raise KeyError(f"no weights description for backbone {name!r}; known: "
                       f"{', '.join(BACKBONE_WEIGHTS)}") from None
