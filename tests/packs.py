"""Building a small model pack for tests: an untrained classifier + untrained I3D + a detector.

Exported once per session through the real ``models export`` command. The detector is Faster R-CNN
MobileNet with lively random weights (:mod:`tests.lively_detector`) calibrated on the first frame
of a synthetic seizure video written beside the pack (:func:`crop_video`), so both runtimes find
persons and beds there; it scales frames to 128 px to stay fast.
"""

from __future__ import annotations

from pathlib import Path

import pytest

DETECTOR = "fasterrcnn-mobilenet"
DETECTOR_MIN_SIZE = 128


def crop_video(pack: Path) -> Path:
    """The synthetic video the pack's detector was calibrated on."""
    return pack.parent / "crop.mkv"


def detector_weights(pack: Path) -> Path:
    """The detector weights file the pack was exported from (official format)."""
    return pack.parent / "detector.pth"


def _lively_detector_file(folder: Path) -> Path:
    from semioscope.core.crop import mapped_rgb
    from semioscope.core.synth.render import render_seizure
    from semioscope.core.video import mapping_for, open_video
    from tests.lively_detector import save_lively_weights

    video = folder / "crop.mkv"
    render_seizure(video, "TLE", seconds=1.5, seed=3)
    with open_video(video) as reader:
        frame = mapped_rgb(reader.read(0), mapping_for(reader, "kinect"))
    return save_lively_weights(DETECTOR, folder / "detector.pth", frame=frame,
                               person_bias=5.0, bed_bias=5.0)


def export_test_pack(folder: Path) -> tuple[Path, Path]:
    """(pack folder, the .semio it was made from), via the real ``models export`` command."""
    from semioscope.cli import main
    from semioscope.core.models.classifier import random_classifier, save_classifier

    semio = folder / "model.semio"
    save_classifier(semio, *random_classifier(3))
    weights = _lively_detector_file(folder)
    pack = folder / "pack"
    with pytest.MonkeyPatch.context() as mp:  # no real user weights may sneak in
        mp.setenv("SEMIOSCOPE_CACHE_DIR", str(folder / "cache"))
        mp.setenv("SEMIOSCOPE_DATA_DIR", str(folder / "data"))
        assert main(["models", "export", str(semio), "--out", str(pack), "--allow-untrained",
                     "--threads", "2", "--detector", DETECTOR, "--detector-weights",
                     str(weights), "--detector-min-size", str(DETECTOR_MIN_SIZE)]) == 0
    return pack, semio
