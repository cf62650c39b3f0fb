"""The real torchvision detectors with random weights saved in the official format (no download).

Runs at a small internal input size and two threads; Mask R-CNN v2 is still the slowest test here.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from semioscope.core.crop.detection import Detection
from semioscope.core.crop.detectors import (
    UNTRAINED_WARNING,
    build_model,
    coco_categories,
    load_detector,
    parse_outputs,
)
from semioscope.core.hashing import file_sha256
from semioscope.errors import WeightsError

torch.set_num_threads(2)


@pytest.fixture(scope="module")
def mobilenet_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("w") / "mobilenet.pth"
    torch.save(build_model("fasterrcnn-mobilenet", seed=1).state_dict(), path)
    return path


def frame() -> np.ndarray:
    rng = np.random.default_rng(0)
    img = rng.integers(0, 60, (96, 128), dtype=np.uint8)
    img[30:70, 20:110] = 160
    img[20:50, 40:80] = 230
    return np.repeat(img[..., None], 3, axis=2)


def raw_and_parsed(detector, rgb: np.ndarray):
    """Raw model outputs with every box kept, and what the parser makes of them."""
    detector.model.roi_heads.score_thresh = 0.0   # random weights score ~1/91: keep them all
    tensor = torch.from_numpy(rgb).permute(2, 0, 1).float() / 255
    with torch.inference_mode():
        out = detector.model([tensor])[0]
    parsed = parse_outputs(out["boxes"].numpy(), out["labels"].numpy(), out["scores"].numpy(),
                           detector.categories, 128, 96, min_score=0.0)
    return out, parsed


def check_parsed(out, parsed: list[Detection]) -> None:
    assert len(out["boxes"]) > 0 and 0 < len(parsed) <= len(out["boxes"])
    names = set(coco_categories())
    for det in parsed:
        assert det.label in names
        assert 0 <= det.box.x and det.box.x2 <= 128 and 0 <= det.box.y and det.box.y2 <= 96
        assert det.box.w > 0 and det.box.h > 0
    assert [d.score for d in parsed] == sorted((d.score for d in parsed), reverse=True)
    best = int(out["scores"].argmax())
    assert parsed[0].label == coco_categories()[int(out["labels"][best])]
    assert parsed[0].score == pytest.approx(float(out["scores"][best]))


def test_mobilenet_loads_an_official_format_file_and_detects(mobilenet_file: Path):
    detector = load_detector("fasterrcnn-mobilenet", mobilenet_file, threads=2, min_size=128)
    assert detector.pretrained is True and detector.weights_sha256 == file_sha256(mobilenet_file)
    frozen = [m for m in detector.model.backbone.body.modules()
              if type(m).__name__ == "FrozenBatchNorm2d"]
    assert frozen and not any(isinstance(m, torch.nn.BatchNorm2d)
                              for m in detector.model.backbone.body.modules())
    assert detector.warnings and "not the official file" in detector.warnings[0]
    assert all(isinstance(d, Detection) for d in detector.detect(frame()))
    check_parsed(*raw_and_parsed(detector, frame()))


def test_maskrcnn_v2_runs_with_random_weights_on_one_small_frame():
    detector = load_detector("maskrcnn", allow_untrained=True, threads=2, min_size=128)
    assert detector.pretrained is False and detector.weights_sha256 is None
    assert UNTRAINED_WARNING in detector.warnings
    assert detector.model.roi_heads.has_mask() is False  # only the box branch runs
    check_parsed(*raw_and_parsed(detector, frame()))


def test_parse_outputs_maps_coco_indices_and_clips():
    boxes = np.array([[-5.0, 2.2, 40.5, 30.0], [10, 10, 10, 50], [0, 0, 500, 500], [1, 1, 9, 9]])
    labels = np.array([65, 1, 1, 999])
    scores = np.array([0.7, 0.9, 0.8, 0.01])
    found = parse_outputs(boxes, labels, scores, coco_categories(), 128, 96)
    assert [(d.label, d.score) for d in found] == [("person", 0.8), ("bed", 0.7)]
    assert found[0].box.as_tuple() == (0, 0, 128, 96)
    assert found[1].box.as_tuple() == (0, 2, 41, 28)


def test_no_weights_tells_the_user_how_to_get_them():
    with pytest.raises(WeightsError, match="semioscope models fetch maskrcnn.*--weights"):
        load_detector("maskrcnn")


def test_weights_of_another_architecture_are_refused(mobilenet_file: Path):
    with pytest.raises(WeightsError, match="keys missing.*unexpected keys") as info:
        load_detector("maskrcnn", mobilenet_file)
    assert info.value.subject == str(mobilenet_file)
    assert "backbone.body" in str(info.value)


def test_corrupt_and_missing_weights_files(tmp_path: Path, mobilenet_file: Path):
    bad = tmp_path / "corrupt.pth"
    bad.write_bytes(mobilenet_file.read_bytes()[:5000])
    with pytest.raises(WeightsError, match="not a readable PyTorch weights file") as info:
        load_detector("fasterrcnn-mobilenet", bad)
    assert info.value.subject == str(bad)
    with pytest.raises(WeightsError, match="weights file not found"):
        load_detector("fasterrcnn-mobilenet", tmp_path / "nope.pth")
    listing = tmp_path / "list.pth"
    torch.save([1, 2, 3], listing)
    with pytest.raises(WeightsError, match="does not hold a state dict"):
        load_detector("fasterrcnn-mobilenet", listing)


def test_same_layers_with_other_shapes_are_refused(tmp_path: Path):
    from torchvision.models import detection

    two_classes = detection.fasterrcnn_mobilenet_v3_large_fpn(
        weights=None, weights_backbone=None, num_classes=2)
    path = tmp_path / "two.pth"
    full = build_model("fasterrcnn-mobilenet").state_dict()
    state = {k: v for k, v in two_classes.state_dict().items() if k in full}
    torch.save({**full, **{k: v for k, v in state.items() if "box_predictor" in k}}, path)
    with pytest.raises(WeightsError, match="shape mismatch.*box_predictor"):
        load_detector("fasterrcnn-mobilenet", path)
