"""The clinician runtime's half of ``--self-test``: OpenVINO's CPU plugin and a model pack.

A clinician install has no torch and (before the research team sends one) no model pack, so the
self-test builds a tiny pack itself, with OpenVINO's own graph API: a "backbone" that averages
each frame and pools 8 frames per step into 1024 features, and a "classifier" that turns their
mean into a probability. Saved as IR, listed in a manifest with its hashes and analysed by the
real ``analyze(pack=...)``, it exercises what a real pack needs (IR reader, CPU plugin, hash
check, decode, preprocessing, results) in a second, without any weights.

Its "detector" uses the operations of a converted torchvision detector that a plain network
lacks (Interpolate, ROIAlign, NonMaxSuppression, TopK): four fixed boxes, each scored by the mean
brightness under it, the weaker of two overlapping ones suppressed, so the crop's run-time path
(:class:`~semioscope.core.runtime.detector.OpenVINODetector`) has a known answer to check.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from semioscope.core.runtime import has_torch

__all__ = ["SELFTEST_BOXES", "check_openvino_detector", "has_torch", "make_selftest_pack"]

#: the self-test detector's candidate boxes (x1, y1, x2, y2) on its 64 x 64 grid; 0 and 1
#: overlap (IoU 0.78), so non-maximum suppression keeps only the brighter of them
SELFTEST_BOXES = np.array([[0, 0, 32, 32], [2, 2, 34, 34], [32, 32, 64, 64], [0, 32, 32, 64]],
                          dtype=np.float32)


def _backbone(ov: Any) -> Any:
    ops = ov.opset13
    x = ops.parameter(ov.PartialShape([-1, 1, -1, 224, 224]), ov.Type.f32, name="clips")
    pooled = ops.avg_pool(x, [8, 224, 224], [0, 0, 0], [0, 0, 0], [8, 224, 224],
                          True)                                   # (N, 1, T // 8, 1, 1)
    steps = ops.squeeze(pooled, ops.constant(np.array([3, 4], dtype=np.int64)))  # (N, 1, T')
    steps = ops.transpose(steps, ops.constant(np.array([0, 2, 1], dtype=np.int64)))
    scale = ops.constant(np.linspace(0.5, 1.5, 1024, dtype=np.float32).reshape(1, 1024))
    return ov.Model([ops.result(ops.matmul(steps, scale, False, False))], [x], "selftest_i3d")


def _classifier(ov: Any) -> Any:
    ops = ov.opset13
    x = ops.parameter(ov.PartialShape([-1, 7, 1024]), ov.Type.f32, name="features")
    mean = ops.reduce_mean(x, ops.constant(np.array([1, 2], dtype=np.int64)), False)
    return ov.Model([ops.result(ops.sigmoid(mean))], [x], "selftest_classifier")


def _detector(ov: Any) -> Any:
    ops = ov.opset13

    def const(value: Any, dtype: Any = np.int64) -> Any:
        return ops.constant(np.array(value, dtype=dtype))

    rgb = ops.parameter(ov.PartialShape([-1, -1, 3]), ov.Type.u8, name="frame")
    x = ops.transpose(ops.unsqueeze(ops.convert(rgb, "f32"), const(0)), const([0, 3, 1, 2]))
    x = ops.interpolate(x, const([64, 64]), "linear", "sizes", axes=const([2, 3]))
    n = len(SELFTEST_BOXES)
    rois = ops.constant(SELFTEST_BOXES)
    pooled = ops.roi_align(x, rois, const(np.zeros(n), np.int32), 2, 2, 2, 1.0, "avg",
                           "asymmetric")                                  # (n, 3, 2, 2)
    scores = ops.divide(ops.reduce_mean(pooled, const([1, 2, 3]), False),
                        const(255.0, np.float32))                          # (n,)
    selected = ops.non_max_suppression(ops.unsqueeze(rois, const(0)),
                                       ops.reshape(scores, const([1, 1, n]), False),
                                       const(n), const(0.5, np.float32), const(0.0, np.float32),
                                       const(0.0, np.float32), "corner", True, "i64")
    keep = ops.gather(selected.output(0), const(2), const(1))             # box indices
    count = ops.squeeze(ops.shape_of(keep, "i64"), const([0]))
    best = ops.topk(ops.gather(scores, keep, const(0)), count, 0, "max", "value",
                    "i64")                                                 # sorted by score
    keep = ops.gather(keep, best.output(1), const(0))
    hw = ops.convert(ops.gather(ops.shape_of(rgb, "i64"), const([1, 0, 1, 0]), const(0)), "f32")
    boxes = ops.multiply(ops.gather(rois, keep, const(0)),
                         ops.divide(hw, const(64.0, np.float32)))          # to frame pixels
    labels = ops.broadcast(const(1), ops.shape_of(keep, "i64"))            # all "person"
    outputs = [ops.result(boxes), ops.result(labels), ops.result(best.output(0))]
    return ov.Model(outputs, [rgb], "selftest_detector")


def make_selftest_pack(folder: Path) -> Path:
    """Write the tiny pack into ``folder`` (created) and return it."""
    from datetime import UTC, datetime

    from semioscope import __version__
    from semioscope.core.atomic import write_json
    from semioscope.core.hashing import file_sha256
    from semioscope.core.preprocess import PREPROCESSING_VERSION
    from semioscope.core.runtime.ov import import_openvino
    from semioscope.core.runtime.pack import MANIFEST, PACK_FORMAT

    ov = import_openvino()
    folder.mkdir(parents=True, exist_ok=True)
    ov.save_model(_backbone(ov), str(folder / "i3d.xml"), compress_to_fp16=False)
    ov.save_model(_classifier(ov), str(folder / "classifier.xml"), compress_to_fp16=False)
    ov.save_model(_detector(ov), str(folder / "detector.xml"), compress_to_fp16=False)
    meta = {"backbone": "i3d", "backbone_weights_sha256": None, "backbone_pretrained": False,
            "preprocessing_version": PREPROCESSING_VERSION, "mapping": {},
            "class_names": ["FLE", "TLE"], "threshold": 0.5, "uncertain_band": [0.4, 0.6],
            "trained": False, "training": {"note": "self-test stand-in, not a model"}}
    # the trust facts are read from a hash-checked classifier file, as for every pack
    import json

    from safetensors.numpy import save_file

    semio = folder / "classifier.semio"
    save_file({"selftest": np.zeros(1, np.float32)}, str(semio),
              metadata={"semioscope": json.dumps(meta)})
    manifest = {
        "format": PACK_FORMAT, "created": datetime.now(UTC).isoformat(timespec="seconds"), "software_version": __version__,
        "converter": {"openvino": str(ov.__version__).split("-")[0], "torch": None},
        "preprocessing_version": PREPROCESSING_VERSION,
        "backbone": {"name": "i3d", "ir": "i3d.xml", "pretrained": False,
                     "weights_sha256": None, "extend_to": None, "channels": 1},
        "classifier": {"ir": "classifier.xml", "source": semio.name, "sha256": file_sha256(semio),
                       "steps": 7, "metadata": meta},
        "detector": {"name": "self-test", "ir": "detector.xml", "pretrained": False,
                     "weights_sha256": None, "warnings": [], "min_size": 64, "max_size": 64,
                     "categories": ["__background__", "person"]},
        "files": {p.name: file_sha256(p) for p in sorted(folder.iterdir()) if p.is_file()},
    }
    write_json(folder / MANIFEST, manifest)
    return folder


def check_openvino_detector(pack: Path | None, threads: int) -> str:
    """The self-test pack's detector on a frame with a known answer (bright lower right)."""
    from semioscope.core.runtime.pack import ModelPack
    from semioscope.selftest.check import CheckFailed

    if pack is None:
        raise CheckFailed("no model pack (the engine check failed)")
    detector = ModelPack.open(pack).detector(threads=threads)
    rgb = np.full((424, 512, 3), 20, np.uint8)
    rgb[212:, 256:] = 250
    found = detector.detect(rgb)
    boxes = [d.box.as_tuple() for d in found]
    if len(found) != 3 or boxes[0] != (256, 212, 256, 212) or found[0].label != "person":
        raise CheckFailed(f"the detector found {boxes}, expected 3 boxes, the first "
                          "(256, 212, 256, 212)")
    from semioscope.core.runtime.ov import import_openvino

    version = str(import_openvino().__version__).split("-")[0]
    return f"openvino {version} (resize, ROIAlign, NMS on the CPU plugin)"
