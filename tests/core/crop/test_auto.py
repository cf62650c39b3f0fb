"""auto_crop on small synthetic videos with injected detectors (ground truth, removed, scrambled)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from semioscope.core.cancel import CancelToken
from semioscope.core.crop import (
    CropRecord,
    Detection,
    TruthDetector,
    auto_crop,
    sample_indices,
)
from semioscope.core.crop.boxes import union
from semioscope.core.geometry import Box
from semioscope.core.video import open_video
from semioscope.errors import CancelledError, SemioscopeError
from tests.core.crop.helpers import covers
from tests.core.crop.scenes import BED, PERSON, write_scene


class Scripted:
    """A fake detector: returns ``script(call_number, rgb)`` and remembers what it was shown."""

    name = "scripted"
    weights_sha256 = "0" * 64
    pretrained = True

    def __init__(self, script):
        self.script = script
        self.seen: list[np.ndarray] = []

    def detect(self, rgb: np.ndarray) -> list[Detection]:
        self.seen.append(rgb)
        return self.script(len(self.seen) - 1, rgb)


@pytest.fixture
def scene(tmp_path: Path) -> Path:
    path = tmp_path / "scene.mkv"
    write_scene(path, n=40, fps=10.0)
    return path


def test_sample_indices_spread_over_the_first_seconds():
    assert sample_indices(300, 30.0, 5, 3.0) == [0, 22, 44, 67, 89]
    assert sample_indices(10, 30.0, 5, 3.0) == [0, 2, 4, 7, 9]   # shorter video
    assert sample_indices(3, 30.0, 5, 3.0) == [0, 1, 2]          # fewer frames than asked
    assert sample_indices(100, 30.0, 1, 3.0) == [0]
    with pytest.raises(SemioscopeError, match="--frames"):
        sample_indices(100, 30.0, 0, 3.0)


def test_truth_detections_give_a_crop_with_the_whole_patient_and_bed(scene: Path):
    with open_video(scene) as reader:
        record = auto_crop(reader, TruthDetector(), frames=5, seconds=3.0)
    assert record.status == "ok" and record.reasons == () and record.source == "auto"
    assert [f.index for f in record.frames] == [0, 7, 14, 22, 29]
    for frame in record.frames:  # the person moves by a pixel: every frame's truth is covered
        assert covers(record.box, frame.detections[0].box)
    assert covers(record.box, PERSON) and covers(record.box, BED)
    merged = union([PERSON, BED])
    assert merged is not None and record.box.area > merged.area  # the +20% margin
    assert Box(0, 0, 128, 96) != record.box
    assert record.detector.name == "truth" and record.detector.pretrained is False
    assert record.video.width == 128 and len(record.video.sha256) == 64
    assert any("truth" in w for w in record.warnings)


def test_the_truth_replay_decodes_no_frame(scene: Path, monkeypatch: pytest.MonkeyPatch):
    """It needs frame numbers, not pixels: a real detector's frames are read, its are not."""
    with open_video(scene) as reader:
        reads: list[int] = []
        real_read = reader.read
        monkeypatch.setattr(reader, "read", lambda i: reads.append(i) or real_read(i))
        record = auto_crop(reader, TruthDetector(), frames=5, seconds=3.0)
        assert record.status == "ok" and reads == []
        auto_crop(reader, Scripted(lambda i, rgb: []), frames=5, seconds=3.0)
        assert reads == [0, 7, 14, 22, 29]


def test_detector_sees_the_mapped_frame_as_three_equal_channels(scene: Path):
    fake = Scripted(lambda i, rgb: [])
    with open_video(scene) as reader:
        auto_crop(reader, fake, frames=2, seconds=1.0)
    rgb = fake.seen[0]
    assert rgb.shape == (96, 128, 3) and rgb.dtype == np.uint8
    assert np.array_equal(rgb[..., 0], rgb[..., 2])
    assert rgb[PERSON.y + 2, PERSON.x + 5, 0] > rgb[BED.y2 - 2, BED.x + 2, 0] > rgb[2, 2, 0]


def test_removed_detections_need_review_with_reasons(scene: Path):
    only_person = Scripted(lambda i, rgb: [Detection("person", 0.9, PERSON)])
    with open_video(scene) as reader:
        record = auto_crop(reader, only_person)
        nothing = auto_crop(reader, Scripted(lambda i, rgb: []))
    assert record.status == "needs_review"
    assert "no_bed" in record.reasons and "full_frame" in record.reasons
    assert record.box == Box(0, 0, 128, 96)
    assert {"no_bed", "no_person", "full_frame"} <= set(nothing.reasons)


def test_scrambled_detections_are_unstable(scene: Path):
    rng = np.random.default_rng(3)

    def scrambled(i: int, rgb: np.ndarray) -> list[Detection]:
        x, y = int(rng.integers(0, 90)), int(rng.integers(0, 60))
        return [Detection("person", 0.9, Box(x, y, 20, 15)),
                Detection("bed", 0.8, Box(x + 5, y + 10, 30, 20))]

    with open_video(scene) as reader:
        record = auto_crop(reader, Scripted(scrambled), frames=5)
    assert record.status == "needs_review" and "unstable" in record.reasons
    assert len(record.frames) == 5 and all(f.box is not None for f in record.frames)


def test_record_round_trip(scene: Path, tmp_path: Path):
    with open_video(scene) as reader:
        record = auto_crop(reader, TruthDetector(), frames=3)
    out = tmp_path / "out" / "crop.json"
    record.save(out)
    again = CropRecord.load(out)
    assert again == record


def test_cancel_stops_before_the_next_frame(scene: Path):
    token = CancelToken()

    def cancel_after_first(i: int, rgb: np.ndarray) -> list[Detection]:
        token.cancel()
        return []

    fake = Scripted(cancel_after_first)
    with open_video(scene) as reader, pytest.raises(CancelledError):
        auto_crop(reader, fake, cancel=token)
    assert len(fake.seen) == 1


def test_truth_detector_on_a_video_without_truth(tmp_path: Path, scene: Path):
    other = tmp_path / "real.mkv"
    other.write_bytes(scene.read_bytes())
    with open_video(other) as reader, pytest.raises(SemioscopeError, match="ground-truth"):
        auto_crop(reader, TruthDetector())
