"""The clinician runtime's half of ``--self-test``: OpenVINO's CPU plugin and a model pack.

A clinician install has no torch and (before the research team sends one) no model pack, so the
self-test builds a tiny pack itself, with OpenVINO's own graph API: a "backbone" that averages
each frame and pools 8 frames per step into 1024 features, and a "classifier" that turns their
mean into a probability. Saved as IR, listed in a manifest with its hashes and analysed by the
real ``analyze(pack=...)``, it exercises what a real pack needs (IR reader, CPU plugin, hash
check, decode, preprocessing, results) in a second, without any weights.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from semioscope.core.runtime import has_torch

__all__ = ["has_torch", "make_selftest_pack"]


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


def make_selftest_pack(folder: Path) -> Path:
    """Write the tiny pack into ``folder`` (created) and return it."""
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
    meta = {"backbone": "i3d", "backbone_weights_sha256": None, "backbone_pretrained": False,
            "preprocessing_version": PREPROCESSING_VERSION, "mapping": {},
            "class_names": ["FLE", "TLE"], "threshold": 0.5, "uncertain_band": [0.4, 0.6],
            "trained": False, "training": {"note": "self-test stand-in, not a model"}}
    manifest = {
        "format": PACK_FORMAT, "created": None, "software_version": __version__,
        "converter": {"openvino": str(ov.__version__).split("-")[0], "torch": None},
        "preprocessing_version": PREPROCESSING_VERSION,
        "backbone": {"name": "i3d", "ir": "i3d.xml", "pretrained": False,
                     "weights_sha256": None, "extend_to": None, "channels": 1},
        "classifier": {"ir": "classifier.xml", "source": None, "sha256": "self-test",
                       "steps": 7, "metadata": meta},
        "detector": None,
        "files": {p.name: file_sha256(p) for p in sorted(folder.iterdir()) if p.is_file()},
    }
    write_json(folder / MANIFEST, manifest)
    return folder
