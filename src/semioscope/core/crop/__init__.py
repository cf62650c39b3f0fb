"""Automatic crop: the paper's person+bed rule over several frames, with reasons for review.

    detector = load_detector("maskrcnn")            # WeightsError if not fetched
    with open_video(path) as reader:
        record = auto_crop(reader, detector)        # CropRecord: box, status, reasons, evidence
    record.save("crop.json")                        # atomic; CropRecord.load() reads it back
    crop = sidecar.from_record(record.to_dict())    # the one crop model a person edits
    fixed = editing.with_box(crop, Box(10, 20, 300, 250))   # core/crop/editing.py

Importing this package does not import torch; :func:`load_detector` does.
"""

from __future__ import annotations

from semioscope.core.crop.auto import auto_crop, mapped_rgb, sample_indices
from semioscope.core.crop.batch import BatchRow, BatchSummary, batch_crop
from semioscope.core.crop.detection import BED, PERSON, Detection, Detector
from semioscope.core.crop.detectors import DETECTOR_NAMES, load_detector
from semioscope.core.crop.record import CropRecord, CropVideo, DetectorInfo, FrameResult
from semioscope.core.crop.rule import REASONS, RuleSettings, combine, paper_rule
from semioscope.core.crop.truth import TruthDetector

__all__ = [
    "BED", "DETECTOR_NAMES", "PERSON", "REASONS", "BatchRow", "BatchSummary", "CropRecord",
    "Detection", "Detector", "DetectorInfo", "FrameResult", "RuleSettings", "TruthDetector",
    "CropVideo", "auto_crop", "batch_crop", "combine", "load_detector", "paper_rule",
    "sample_indices", "mapped_rgb",
]
