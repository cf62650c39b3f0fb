"""The torchvision COCO detectors behind the automatic crop, loaded from local files only.

* ``maskrcnn`` (default): Mask R-CNN ResNet-50 FPN v2, the paper's model family. Slow on CPU
  (seconds per frame), so only the box branch runs: the masks are never used by the crop.
* ``fasterrcnn-mobilenet``: Faster R-CNN MobileNet-v3 Large FPN, about ten times faster.
* ``truth``: not a detector; replays a synthetic video's ground truth (see :mod:`.truth`).

Models are built with ``weights=None, weights_backbone=None`` (which never downloads) and then
filled from the file :func:`~semioscope.core.models.registry.find_weights` names, loaded with
``weights_only=True``. For the MobileNet model the official builder freezes the backbone's batch
norms when weights are given; we do the same so the official file's keys match exactly.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from semioscope.core.crop.boxes import clip, from_xyxy, is_empty
from semioscope.core.crop.detection import Detection, Detector
from semioscope.core.hashing import file_sha256
from semioscope.core.models import registry
from semioscope.errors import SemioscopeError, WeightsError

if TYPE_CHECKING:
    import torch

log = logging.getLogger(__name__)

TORCH_DETECTORS = ("maskrcnn", "fasterrcnn-mobilenet")
DETECTOR_NAMES = (*TORCH_DETECTORS, "truth")
UNTRAINED_WARNING = ("untrained detector (random weights): its boxes are meaningless; "
                     "check every crop by hand, not for clinical use")
#: detections below this score are dropped (torchvision's own default box threshold)
OUTPUT_MIN_SCORE = 0.05


def coco_categories() -> list[str]:
    """COCO names by torchvision label index (index 1 = person, 65 = bed)."""
    from torchvision.models.detection import MaskRCNN_ResNet50_FPN_V2_Weights

    return list(MaskRCNN_ResNet50_FPN_V2_Weights.COCO_V1.meta["categories"])


@contextlib.contextmanager
def _torch_threads(threads: int | None) -> Iterator[None]:
    import torch

    if not threads:
        yield
        return
    before = torch.get_num_threads()
    torch.set_num_threads(threads)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def parse_outputs(boxes: np.ndarray, labels: np.ndarray, scores: np.ndarray,
                  categories: list[str], width: int, height: int,
                  min_score: float = OUTPUT_MIN_SCORE) -> list[Detection]:
    """torchvision's raw ``boxes`` (N, 4 x1y1x2y2), ``labels`` and ``scores`` as Detections,
    best first, clipped to the frame; empty boxes and scores below ``min_score`` are dropped."""
    found: list[Detection] = []
    for (x1, y1, x2, y2), label, score in zip(boxes.tolist(), labels.tolist(), scores.tolist(),
                                              strict=True):
        if score < min_score:
            continue
        box = clip(from_xyxy(x1, y1, x2, y2), width, height)
        if box is None or is_empty(box):
            continue
        index = int(label)
        name = categories[index] if 0 <= index < len(categories) else f"class_{index}"
        found.append(Detection(name, float(score), box))
    found.sort(key=lambda d: d.score, reverse=True)
    return found


class TorchvisionDetector:
    """A torchvision detection model in eval mode on the CPU (see the module docstring)."""

    def __init__(self, name: str, model: torch.nn.Module, *, weights_sha256: str | None,
                 pretrained: bool, threads: int | None = None,
                 warnings: list[str] | None = None) -> None:
        self.name = name
        self.model = model
        self.weights_sha256 = weights_sha256
        self.pretrained = pretrained
        self.threads = threads
        self.warnings = list(warnings or [])
        self.categories = coco_categories()

    def detect(self, rgb: np.ndarray) -> list[Detection]:
        import torch

        if rgb.ndim != 3 or rgb.shape[2] != 3 or rgb.dtype != np.uint8:
            raise ValueError(f"expected an (H, W, 3) uint8 frame, got {rgb.shape} {rgb.dtype}")
        height, width = rgb.shape[:2]
        tensor = torch.from_numpy(np.ascontiguousarray(rgb)).permute(2, 0, 1).float().div_(255.0)
        with torch.inference_mode(), _torch_threads(self.threads):
            out = self.model([tensor])[0]
        return parse_outputs(out["boxes"].numpy(), out["labels"].numpy(), out["scores"].numpy(),
                             self.categories, width, height)


def _freeze_batch_norms(module: torch.nn.Module) -> None:
    """Replace every BatchNorm2d below ``module`` with FrozenBatchNorm2d (same eps), as the
    official builder does for a trained MobileNet backbone (its file has no BN counters)."""
    from torch import nn
    from torchvision.ops import FrozenBatchNorm2d

    for child_name, child in module.named_children():
        if isinstance(child, nn.BatchNorm2d):
            frozen = FrozenBatchNorm2d(child.num_features, eps=child.eps)
            with contextlib.suppress(AttributeError):
                frozen.weight.copy_(child.weight.detach())
                frozen.bias.copy_(child.bias.detach())
                frozen.running_mean.copy_(child.running_mean)  # type: ignore[arg-type]
                frozen.running_var.copy_(child.running_var)  # type: ignore[arg-type]
            setattr(module, child_name, frozen)
        else:
            _freeze_batch_norms(child)


def build_model(name: str, *, seed: int = 0, min_size: int | None = None) -> torch.nn.Module:
    """The architecture in its trained layout with seeded random weights (never downloads).

    ``min_size`` overrides the model's internal resize (800 px short side); tests use it to run
    small. Saving this model's ``state_dict()`` gives a file in the official format.
    """
    import torch
    from torchvision.models import detection

    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        if name == "maskrcnn":
            model: Any = detection.maskrcnn_resnet50_fpn_v2(weights=None, weights_backbone=None)
        elif name == "fasterrcnn-mobilenet":
            model = detection.fasterrcnn_mobilenet_v3_large_fpn(weights=None, weights_backbone=None)
            _freeze_batch_norms(model.backbone.body)
        else:
            raise SemioscopeError("--detector", f"unknown detector {name!r}; choose one of "
                                  f"{', '.join(DETECTOR_NAMES)}")
    if min_size is not None:
        model.transform.min_size = (int(min_size),)
        model.transform.max_size = int(round(min_size * 4 / 3))
    return model.eval()


def load_detector(name: str = "maskrcnn", weights: str | Path | None = None, *,
                  allow_untrained: bool = False, threads: int | None = None,
                  min_size: int | None = None, seed: int = 0) -> Detector:
    """A ready detector; raises :class:`WeightsError` when no usable weights file is found.

    ``allow_untrained`` gives seeded random weights (``pretrained=False``) with a warning that
    every record made with it carries.
    """
    if name == "truth":
        from semioscope.core.crop.truth import TruthDetector

        return TruthDetector()
    if name not in TORCH_DETECTORS:
        raise SemioscopeError("--detector", f"unknown detector {name!r}; choose one of "
                              f"{', '.join(DETECTOR_NAMES)}")
    entry = registry.weight_file(name)
    path = registry.find_weights(name, weights)
    if path is None and not allow_untrained:
        raise WeightsError(entry.cached_path, f"no {name} weights: run `semioscope models fetch "
                           f"{name}` or pass --weights PATH (or --allow-untrained for a test run)")
    model = build_model(name, seed=seed, min_size=min_size)
    warnings: list[str] = []
    sha: str | None = None
    if path is None:
        warnings.append(UNTRAINED_WARNING)
    else:
        registry.load_state_dict_file(model, Path(path), entry.architecture)
        sha = file_sha256(path)
        if not sha.startswith(entry.sha256):
            warnings.append(f"{name} weights are not the official file (SHA-256 {sha[:12]}...)")
    _drop_mask_branch(model)
    return TorchvisionDetector(name, model, weights_sha256=sha, pretrained=path is not None,
                               threads=threads, warnings=warnings)


def _drop_mask_branch(model: torch.nn.Module) -> None:
    """Mask R-CNN's boxes do not depend on its masks; skipping them saves time per frame."""
    heads: Any = getattr(model, "roi_heads", None)
    if heads is not None and getattr(heads, "mask_roi_pool", None) is not None:
        heads.mask_roi_pool = None
        heads.mask_head = None
        heads.mask_predictor = None
