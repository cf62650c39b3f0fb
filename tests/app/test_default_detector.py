"""The review window's own detector path, once: no injected factory, Mask R-CNN from a file.

The file is a random-weights state dict in the official torchvision format (the real weights
cannot be downloaded here); what is checked is the path a clinician's window takes: settings ->
``default_detector_factory`` -> ``load_detector("maskrcnn", file)`` (strict key check) ->
``auto_crop`` in the crop thread -> the box on screen. Kept to one frame, and the network's
internal resize made smaller (160 px short side instead of 800): Mask R-CNN v2's box head alone
costs ~100 GFLOP a frame (1000 proposals), five frames would take minutes on two shared cores.
"""

from __future__ import annotations

from pathlib import Path

import torch

from semioscope.app.main_window import MainWindow
from semioscope.app.settings import AppSettings
from semioscope.core.crop.detectors import build_model
from semioscope.core.hashing import file_sha256
from tests.app.conftest import wait_until, write_video


def test_the_window_crops_with_mask_rcnn_from_the_settings_file(qtbot, tmp_path: Path, dialogs,
                                                                  monkeypatch) -> None:
    from semioscope.core.crop import detectors

    real_build = detectors.build_model
    monkeypatch.setattr(detectors, "build_model", lambda name, *, seed=0, min_size=None:
                        real_build(name, seed=seed, min_size=min_size or 160))
    weights = tmp_path / "maskrcnn_random.pth"
    torch.save(build_model("maskrcnn", seed=3).state_dict(), weights)
    video = write_video(tmp_path / "one_frame.mkv", 1 / 30)
    window = MainWindow(settings=AppSettings(detector_weights=str(weights), threads=2),
                        warm_torch=False)
    qtbot.addWidget(window)
    window.show()
    assert window.open_video(video)
    wait_until(qtbot, lambda: window.session is not None and window.session.crop is not None,
               timeout=90)
    crop = window.session.crop
    assert dialogs.errors == []
    detector = crop.record.get("detector") or {}
    assert detector.get("name") == "maskrcnn"
    assert detector.get("weights_sha256") == file_sha256(weights)
    assert crop.box is not None and window.view.roi_box() == crop.box
    window.close()
