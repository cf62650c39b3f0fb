"""Render a synthetic IR seizure: frames, ground-truth boxes, and the files ``semioscope synth`` writes.

Per frame: copy the static background, draw the patient (and a nurse), blur slightly (optics),
apply vignetting and sensor noise, round to uint16. Everything random comes from the seed, so a
seed gives bit-identical frames.
"""

from __future__ import annotations

import math
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from semioscope.core import atomic
from semioscope.core.cancel import CancelToken
from semioscope.core.geometry import Box
from semioscope.core.synth.body import Painter, Patient, draw_nurse
from semioscope.core.synth.motion import (
    CHANNELS,
    LABELS,
    SYNTH_VERSION,
    check_setting,
    plan_seizure,
)
from semioscope.core.synth.scene import BED_WIDTH, FPS, HEIGHT, WIDTH, Scene, SceneOptions
from semioscope.errors import SemioscopeError

MIN_SECONDS, MAX_SECONDS = 1.0, 600.0
FORMATS = ("mkv", "png")
NURSE_WALK_S = 5.0
#: the hard setting's nurse tends the patient: stands at the bed's edge, leans over it and
#: works with both arms (about 1 Hz) the whole video, drifting along the bed
NURSE_BEDSIDE_GAP = 18.0
#: sensor noise std = floor + gain x signal (16-bit units); about 1 kinect 8-bit level in the dark
NOISE_FLOOR, NOISE_GAIN = 12.0, 0.006


@dataclass(frozen=True)
class Frame:
    """One rendered frame and what is where in it (boxes in pixels; nurse None when absent)."""

    index: int
    image: np.ndarray
    person: Box
    bed: Box
    nurse: Box | None = None
    #: one box per body part (:data:`~semioscope.core.synth.body.PARTS`), covered legs included
    parts: dict[str, Box] = field(default_factory=dict)


@dataclass
class GroundTruth:
    """The ``<stem>.truth.json`` contract (see docs/DEVELOPING.md)."""

    label: str
    seed: int
    fps: float
    frames: int
    seconds: float
    onset_s: float
    offset_s: float
    options: dict[str, Any]
    width: int = WIDTH
    height: int = HEIGHT
    boxes: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"label": self.label, "seed": self.seed, "fps": self.fps, "frames": self.frames,
                "seconds": self.seconds, "width": self.width, "height": self.height,
                "onset_s": self.onset_s, "offset_s": self.offset_s, "options": self.options,
                "synth_version": SYNTH_VERSION, "boxes": self.boxes}


def check_request(label: str, seconds: float | None, fmt: str = "mkv") -> str:
    """Refuse a bad label, length or format; returns the label upper-cased."""
    norm = str(label).upper()
    if norm not in LABELS:
        raise SemioscopeError("--label", f"unknown label {label!r}; choose FLE or TLE")
    if seconds is not None and not (math.isfinite(seconds) and
                                    MIN_SECONDS <= seconds <= MAX_SECONDS):
        raise SemioscopeError("--seconds", f"{seconds:g} s is out of range; give "
                              f"{MIN_SECONDS:g} to {MAX_SECONDS:g} seconds")
    if fmt not in FORMATS:
        raise SemioscopeError("--format", f"unknown format {fmt!r}; choose mkv or png")
    return norm


class Seizure:
    """A planned synthetic seizure: timing, poses and scene; :meth:`frames` renders it."""

    def __init__(self, label: str, *, seconds: float | None, seed: int,
                 options: SceneOptions | None = None, fps: float = FPS,
                 limb: str | None = None, setting: str = "v2") -> None:
        self.label = check_request(label, seconds)
        self.setting = check_setting(setting)
        self.limb = limb   # only this limb moves (saliency checks), see motion.one_limb_program
        self.seed = int(seed)
        self.fps = float(fps)
        self.options = options or SceneOptions()
        motion_seq, self._noise_seq, nurse_seq = np.random.SeedSequence(self.seed).spawn(3)
        pose, self.seconds, self.onset_s, self.offset_s, self.side = plan_seizure(
            self.label, motion_seq, self.fps, seconds, self.options.side, limb, self.setting)
        self.n_frames = len(pose[CHANNELS[0]])
        self._pose = np.stack([pose[c] for c in CHANNELS], axis=1)
        nurse_rng = np.random.default_rng(nurse_seq)
        self.nurse_start = float(nurse_rng.uniform(0.0, max(0.0, self.seconds - NURSE_WALK_S)))
        self.nurse_side = float(nurse_rng.choice((-1.0, 1.0)))
        if self.setting == "hard":   # drawn after the walk's draws: v1/v2 nurses unchanged
            self.nurse_x = float(nurse_rng.uniform(-120.0, 120.0))
            self.nurse_rate = float(nurse_rng.uniform(0.6, 1.4))
            self.nurse_drift = float(nurse_rng.uniform(-12.0, 12.0))
        self.scene = Scene(self.options)

    def truth(self) -> GroundTruth:
        options = {**self.options.to_dict(), "side": self.side}
        if self.limb is not None:
            options["only_moving"] = self.limb
        if self.setting != "v2":
            options["setting"] = self.setting
        return GroundTruth(self.label, self.seed, self.fps, self.n_frames, self.seconds,
                           self.onset_s, self.offset_s, options)

    def _nurse(self, paint: Painter, t: float) -> bool:
        if self.options.nurse and self.setting == "hard":
            x = self.nurse_x + self.nurse_drift * t + 10.0 * math.sin(0.7 * t)
            y = self.nurse_side * (BED_WIDTH / 2 + NURSE_BEDSIDE_GAP)
            heading = -self.nurse_side * math.pi / 2   # facing the bed
            draw_nurse(paint, np.array([x, y]), heading, t * 2 * math.pi * self.nurse_rate)
            return True
        u = (t - self.nurse_start) / NURSE_WALK_S
        if not self.options.nurse or not 0.0 <= u <= 1.0:
            return False
        x = (u - 0.5) * (WIDTH / self.options.scale + 140)
        y = self.nurse_side * (BED_WIDTH / 2 + 62)
        draw_nurse(paint, np.array([x, y]), 0.0, t * 2 * math.pi * 0.9)
        return True

    def frames(self, cancel: CancelToken | None = None) -> Iterator[Frame]:
        """Render every frame in order, with its ground-truth boxes."""
        scene, camera = self.scene, self.scene.camera
        patient = Patient(self.options.body_scale)
        size = camera.scale * self.options.body_scale
        noise_rng = np.random.default_rng(self._noise_seq)
        bank = noise_rng.standard_normal(HEIGHT * WIDTH * 3, dtype=np.float32)
        bed = Box(*scene.bed_box)
        for i in range(self.n_frames):
            if cancel is not None:
                cancel.raise_if_cancelled()
            q = dict(zip(CHANNELS, self._pose[i].tolist(), strict=True))
            canvas = scene.background.copy()
            paint = Painter(canvas, camera, size)
            if scene.blanket_mask is not None and scene.blanket_tex is not None:
                patient.draw(paint, q, legs_only=True)
                bulge = cv2.GaussianBlur(canvas - scene.background, (0, 0), 5.0)
                m = scene.blanket_mask
                canvas = (canvas * (1 - m) + (scene.blanket_tex + 0.8 * bulge) * m)
                paint.canvas = canvas.astype(np.float32, copy=False)
                patient.draw(paint, q, legs_only=False)
            else:
                patient.draw(paint, q)
            person = Box(*paint.box())
            parts = {name: Box(*b) for name, b in paint.part_boxes().items()}
            nurse_paint = Painter(paint.canvas, camera, camera.scale * 1.25)
            nurse = Box(*nurse_paint.box()) if self._nurse(nurse_paint, i / self.fps) else None
            noise = bank[int(noise_rng.integers(0, bank.size - HEIGHT * WIDTH)):][:HEIGHT * WIDTH]
            yield Frame(i, self._finish(paint.canvas, noise.reshape(HEIGHT, WIDTH)), person,
                        bed, nurse, parts)

    def _finish(self, canvas: np.ndarray, noise: np.ndarray) -> np.ndarray:
        """Optics blur, vignetting, shot-like sensor noise, 16-bit rounding.

        ``noise`` is a window into a seeded bank of normal noise at a random offset: drawing
        fresh normals for every frame would cost more than all the drawing.
        """
        img: np.ndarray = cv2.GaussianBlur(canvas, (5, 5), 0.9).astype(np.float32, copy=False)
        img *= self.scene.vignette
        img += noise * (NOISE_FLOOR + NOISE_GAIN * img)
        img += 0.5
        np.clip(img, 0, 65535, out=img)
        return img.astype(np.uint16)


def iter_frames(label: str, *, seconds: float | None = None, seed: int = 0,
                options: SceneOptions | None = None) -> Iterator[np.ndarray]:
    """Frames only, uint16 (424, 512), without writing anything (tests, the GUI, pictures)."""
    for frame in Seizure(label, seconds=seconds, seed=seed, options=options).frames():
        yield frame.image


def part_box_during(truth: dict[str, Any], part: str, start_s: float, end_s: float) -> Box:
    """The union of one body part's per-frame truth boxes in ``[start_s, end_s)`` (a truth
    JSON as :func:`render_seizure` writes it): where that part was during a window."""
    boxes = [b["parts"][part] for b in truth["boxes"] if start_s <= b["time_s"] < end_s]
    if not boxes:
        raise ValueError(f"no truth boxes between {start_s:g} and {end_s:g} s")
    x0, y0 = min(b["x"] for b in boxes), min(b["y"] for b in boxes)
    x1 = max(b["x"] + b["w"] for b in boxes)
    y1 = max(b["y"] + b["h"] for b in boxes)
    return Box(x0, y0, x1 - x0, y1 - y0)


def truth_path(out: Path) -> Path:
    """``<OUT stem>.truth.json`` beside the video (or beside the PNG folder)."""
    return out.with_name(f"{out.stem}.truth.json")


def _prepare_folder(out: Path) -> None:
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise SemioscopeError(out.parent, f"cannot create the output folder ({exc.strerror})") from None
    if not os.access(out.parent, os.W_OK):
        raise SemioscopeError(out.parent, "the output folder is not writable")
    if out.is_dir() and any(out.iterdir()) and not any(out.glob("frame*.png")):
        raise SemioscopeError(out, "is a folder with other files in it; choose another name")


def render_seizure(out: str | os.PathLike[str], label: str, *, seconds: float | None = None,
                   seed: int = 0, fmt: str = "mkv", options: SceneOptions | None = None,
                   cancel: CancelToken | None = None,
                   progress: Callable[[int, int], None] | None = None,
                   limb: str | None = None, setting: str = "v2") -> GroundTruth:
    """Write a synthetic seizure video (FFV1 ``.mkv`` or a PNG folder) and its truth JSON.

    ``limb``: not a seizure but a calm patient moving only that limb (saliency checks).
    ``setting``: the data setting (core/synth/motion.py ``SETTINGS``).
    """
    out = Path(out)
    check_request(label, seconds, fmt)
    _prepare_folder(out)
    seizure = Seizure(label, seconds=seconds, seed=seed, options=options, limb=limb,
                      setting=setting)
    truth = seizure.truth()

    def images() -> Iterator[np.ndarray]:
        for f in seizure.frames(cancel):
            entry: dict[str, Any] = {"frame": f.index, "time_s": round(f.index / seizure.fps, 4),
                                     "person": f.person.to_dict(), "bed": f.bed.to_dict()}
            if f.nurse is not None:
                entry["nurse"] = f.nurse.to_dict()
            entry["parts"] = {name: box.to_dict() for name, box in f.parts.items()}
            truth.boxes.append(entry)
            if progress is not None:
                progress(f.index + 1, seizure.n_frames)
            yield f.image

    try:
        if fmt == "mkv":
            from semioscope.core.video.writer import write_ffv1

            with atomic.atomic_path(out, suffix=".mkv") as tmp:
                write_ffv1(tmp, images(), fps=seizure.fps)
        else:
            _write_png_folder(out, images())
        atomic.write_json(truth_path(out), truth.to_dict())
    except OSError as exc:
        raise SemioscopeError(out, f"cannot write ({exc})") from None
    return truth


def _write_png_folder(out: Path, frames: Iterator[np.ndarray]) -> None:
    """PNG frames into a temporary folder beside ``out``, then renamed into place."""
    from semioscope.core.video.writer import write_png_sequence

    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        write_png_sequence(tmp, frames)
        if out.exists():
            old = out.with_name(f".{out.name}.old")
            shutil.rmtree(old, ignore_errors=True)
            os.replace(out, old)
            os.replace(tmp, out)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
