"""A picture of a crop decision: one examined frame, every detection, the final box, the status.

Drawn with OpenCV (no Qt), so the CLI, batch runs and reports can all make it.
"""

from __future__ import annotations

import os

import cv2
import numpy as np

from semioscope.core.atomic import write_bytes
from semioscope.core.crop.detection import BED, PERSON
from semioscope.core.crop.record import CropRecord
from semioscope.errors import SemioscopeError

_COLOURS = {PERSON: (80, 220, 80), BED: (255, 160, 40)}     # RGB
_OTHER = (150, 150, 150)
_CROP_OK, _CROP_REVIEW = (255, 230, 0), (255, 60, 60)
_SCALE = 2  # IR frames are small (512x424): draw at twice the size so labels are legible


def render_preview(rgb: np.ndarray, record: CropRecord, frame: int = 0,
                   min_score: float = 0.2) -> np.ndarray:
    """An RGB image of ``record.frames[frame]`` over ``rgb`` (that frame, mapped to 8 bits)."""
    img = cv2.resize(rgb, None, fx=_SCALE, fy=_SCALE, interpolation=cv2.INTER_NEAREST)
    result = record.frames[frame] if record.frames else None
    chosen = {result.person, result.bed} if result else set()
    for i, det in enumerate(result.detections if result else ()):
        if det.score < min_score and i not in chosen:
            continue
        colour = _COLOURS.get(det.label, _OTHER)
        _rect(img, det.box.as_tuple(), colour, 2 if i in chosen else 1)
        _label(img, f"{det.label} {det.score:.2f}", (det.box.x * _SCALE + 2,
               det.box.y * _SCALE + 2), colour)
    crop_colour = _CROP_OK if record.ok else _CROP_REVIEW
    _rect(img, record.box.as_tuple(), crop_colour, 3)
    status = record.status + (": " + ", ".join(record.reasons) if record.reasons else "")
    where = f"frame {result.index}" if result else ""
    lines = (f"crop x,y,w,h = {record.box} ({record.source}, {where})", status)
    for row, text in enumerate(lines):
        _label(img, text, (4, img.shape[0] - 4 - _LINE_H * (len(lines) - row)), crop_colour)
    return img


_FONT, _FONT_SCALE = cv2.FONT_HERSHEY_DUPLEX, 0.5
_LINE_H = 20  # pixels per line of label text, background included


def _label(img: np.ndarray, text: str, top_left: tuple[int, int],
           colour: tuple[int, int, int]) -> None:
    """``text`` in ``colour`` on a dark box, so it reads over any part of the IR frame."""
    (w, h), base = cv2.getTextSize(text, _FONT, _FONT_SCALE, 1)
    x, y = top_left
    x = max(0, min(x, img.shape[1] - w - 6))
    y = max(0, min(y, img.shape[0] - _LINE_H))
    cv2.rectangle(img, (x, y), (x + w + 6, y + _LINE_H - 2), (20, 20, 20), cv2.FILLED)
    cv2.putText(img, text, (x + 3, y + 4 + h), _FONT, _FONT_SCALE, colour, 1, cv2.LINE_AA)


def _rect(img: np.ndarray, box: tuple[int, int, int, int], colour: tuple[int, int, int],
          thickness: int) -> None:
    x, y, w, h = (v * _SCALE for v in box)
    cv2.rectangle(img, (x, y), (x + w - 1, y + h - 1), colour, thickness)


def save_preview(path: str | os.PathLike[str], image_rgb: np.ndarray) -> None:
    """Write the picture (PNG, or any format OpenCV knows by the suffix) atomically."""
    suffix = os.path.splitext(str(path))[1].lower() or ".png"
    try:
        ok, data = cv2.imencode(suffix, cv2.cvtColor(image_rgb, cv2.COLOR_RGB2BGR))
    except cv2.error:
        ok = False
    if not ok:
        raise SemioscopeError(path, f"cannot write a {suffix} image (try .png)")
    write_bytes(path, data.tobytes())
