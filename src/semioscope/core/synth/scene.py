"""The static room seen by a ceiling Kinect v2: floor, bed, pillow, furniture, vignetting.

World coordinates are pixels at camera scale 1 with the origin at the frame centre; the bed's
long axis is the world x axis (head end at negative x). A :class:`SceneOptions` places the camera
(scale, offset, rotation) and says what else is in view (a blanket, a nurse). Everything static is
drawn once per scene; frames only add the people, blur, vignetting and sensor noise.

Intensities are 16-bit values like a Kinect v2 IR stream: a dark room (a few thousand), bright
sheets and skin up to about 15,000, so the scene averages about 5,000.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any

import cv2
import numpy as np

WIDTH, HEIGHT, FPS = 512, 424, 30.0

#: 16-bit intensities before vignetting (the vignette darkens the edges by up to ~45%)
FLOOR = 3300.0
BED_FRAME = 6200.0
SHEET = 8600.0
PILLOW = 10200.0
BLANKET = 9400.0
FURNITURE = 5200.0

#: bed size in world pixels (about 2.0 x 0.9 m)
BED_LENGTH, BED_WIDTH = 380.0, 170.0

SHIFT = 4  # cv2 fixed-point bits: sub-pixel drawing, so slow motion is smooth
ONE = 1 << SHIFT


@dataclass(frozen=True)
class SceneOptions:
    """What the camera sees; stable per patient in a dataset."""

    scale: float = 1.0          # camera distance: >1 closer (bigger), <1 farther
    offset_x: float = 0.0       # scene shift in image pixels
    offset_y: float = 0.0
    rotation_deg: float = 0.0   # bed axis angle in the image; 180 = head on the right
    body_scale: float = 1.0     # patient size relative to the bed
    blanket: bool = False       # a blanket over the legs
    nurse: bool = False         # a nurse walks through the frame once
    furniture_seed: int = 0     # where the bedside table and chair stand
    side: int = 0               # the seizure's dominant side, +1 or -1; 0: drawn per seizure

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def random(cls, rng: np.random.Generator) -> SceneOptions:
        """A plausible camera and patient, as in different EMU rooms."""
        rotation = float(rng.choice((0.0, 180.0)) + rng.uniform(-22.0, 22.0))
        return cls(scale=round(float(rng.uniform(0.8, 1.08)), 3),
                   offset_x=round(float(rng.uniform(-30, 30)), 1),
                   offset_y=round(float(rng.uniform(-20, 20)), 1),
                   rotation_deg=round(rotation, 1),
                   body_scale=round(float(rng.uniform(0.88, 1.05)), 3),
                   blanket=bool(rng.random() < 0.4),
                   furniture_seed=int(rng.integers(0, 2**31 - 1)),
                   side=int(rng.choice((-1, 1))))


@dataclass
class Camera:
    """World → image affine transform (2x3)."""

    matrix: np.ndarray = field(repr=False)
    scale: float

    @classmethod
    def from_options(cls, o: SceneOptions) -> Camera:
        a = math.radians(o.rotation_deg)
        c, s = math.cos(a) * o.scale, math.sin(a) * o.scale
        m = np.array([[c, -s, WIDTH / 2 + o.offset_x], [s, c, HEIGHT / 2 + o.offset_y]])
        return cls(m, o.scale)

    def apply(self, pts: np.ndarray) -> np.ndarray:
        """(..., 2) world points → (..., 2) image points (float)."""
        return pts @ self.matrix[:, :2].T + self.matrix[:, 2]

    def fixed(self, pts: np.ndarray) -> np.ndarray:
        """Image points as cv2 fixed-point int32 (see :data:`SHIFT`)."""
        return np.round(self.apply(pts) * ONE).astype(np.int32)


def rect(cx: float, cy: float, w: float, h: float) -> np.ndarray:
    """Corners of an axis-aligned world rectangle."""
    return np.array([[cx - w / 2, cy - h / 2], [cx + w / 2, cy - h / 2],
                     [cx + w / 2, cy + h / 2], [cx - w / 2, cy + h / 2]])


def smooth_texture(rng: np.random.Generator, sigma: float, amplitude: float) -> np.ndarray:
    """Low-frequency relative texture (wrinkles, floor tiles), mean 0."""
    noise = rng.standard_normal((HEIGHT, WIDTH)).astype(np.float32)
    tex = np.asarray(cv2.GaussianBlur(noise, (0, 0), sigma), dtype=np.float32)
    return tex * np.float32(amplitude / max(float(tex.std()), 1e-6))


def vignette() -> np.ndarray:
    """Multiplicative fall-off of the IR illuminator and lens towards the corners."""
    yy, xx = np.mgrid[0:HEIGHT, 0:WIDTH].astype(np.float32)
    r2 = ((xx - WIDTH / 2) / (WIDTH / 2)) ** 2 + ((yy - HEIGHT / 2) / (HEIGHT / 2)) ** 2
    return (1.05 - 0.28 * r2).astype(np.float32)


def box_of(points: np.ndarray) -> tuple[int, int, int, int]:
    """Tight (x, y, w, h) of image points, clipped to the frame."""
    x0 = max(0, math.floor(float(points[..., 0].min())))
    y0 = max(0, math.floor(float(points[..., 1].min())))
    x1 = min(WIDTH, math.ceil(float(points[..., 0].max())) + 1)
    y1 = min(HEIGHT, math.ceil(float(points[..., 1].max())) + 1)
    return x0, y0, max(0, x1 - x0), max(0, y1 - y0)


class Scene:
    """The static background of one camera view, plus what the people are drawn against."""

    def __init__(self, options: SceneOptions) -> None:
        self.options = options
        self.camera = Camera.from_options(options)
        rng = np.random.default_rng(options.furniture_seed)
        self.vignette = vignette()
        self.background = self._draw_background(rng)
        bed = rect(0, 0, BED_LENGTH + 16, BED_WIDTH + 16)
        self.bed_box = box_of(self.camera.apply(bed))
        self.blanket_mask: np.ndarray | None = None
        self.blanket_tex: np.ndarray | None = None
        if options.blanket:
            self._make_blanket(rng)

    def _poly(self, canvas: np.ndarray, world: np.ndarray, value: float) -> None:
        cv2.fillPoly(canvas, [self.camera.fixed(world)], value, cv2.LINE_8, SHIFT)

    def _draw_background(self, rng: np.random.Generator) -> np.ndarray:
        bg = np.full((HEIGHT, WIDTH), FLOOR, np.float32)
        bg *= 1.0 + smooth_texture(rng, 18.0, 0.06)
        # furniture beside the bed: a bedside table and a chair, somewhere in the room
        for _ in range(2):
            side = rng.choice((-1.0, 1.0))
            cx = rng.uniform(-BED_LENGTH / 2, BED_LENGTH / 3)
            cy = side * (BED_WIDTH / 2 + rng.uniform(55, 110))
            self._poly(bg, rect(cx, cy, rng.uniform(50, 80), rng.uniform(45, 70)),
                       FURNITURE * rng.uniform(0.8, 1.3))
        # bed: frame (a little wider), mattress with sheet wrinkles, pillow at the head end
        self._poly(bg, rect(0, 0, BED_LENGTH + 16, BED_WIDTH + 16), BED_FRAME)
        sheet = np.zeros_like(bg)
        self._poly(sheet, rect(0, 0, BED_LENGTH, BED_WIDTH), 1.0)
        wrinkles = 1.0 + smooth_texture(rng, 6.0, 0.035) + smooth_texture(rng, 2.0, 0.015)
        bg = np.where(sheet > 0, SHEET * wrinkles, bg).astype(np.float32)
        pillow = np.zeros_like(bg)
        cv2.ellipse(pillow, self._ellipse(-BED_LENGTH / 2 + 38, 0, 30, 62, 0), 1.0, -1)
        bg = np.where(pillow > 0, PILLOW * wrinkles, bg).astype(np.float32)
        return cv2.GaussianBlur(bg, (5, 5), 1.0)

    def _ellipse(self, cx: float, cy: float, ax: float, ay: float,
                 angle_deg: float) -> tuple[tuple[float, float], tuple[float, float], float]:
        """cv2 RotatedRect of a world ellipse (semi-axes ``ax``, ``ay``)."""
        centre = self.camera.apply(np.array([cx, cy]))
        s = self.camera.scale
        return ((float(centre[0]), float(centre[1])), (2 * ax * s, 2 * ay * s),
                angle_deg + self.options.rotation_deg)

    def _make_blanket(self, rng: np.random.Generator) -> None:
        mask = np.zeros((HEIGHT, WIDTH), np.float32)
        top = -BED_LENGTH / 2 + rng.uniform(170, 200) * self.options.body_scale
        bottom = BED_LENGTH / 2 + 4
        self._poly(mask, np.array([[top, -BED_WIDTH / 2 - 6], [bottom, -BED_WIDTH / 2 - 6],
                                   [bottom, BED_WIDTH / 2 + 6], [top, BED_WIDTH / 2 + 6]]), 1.0)
        self.blanket_mask = cv2.GaussianBlur(mask, (5, 5), 1.2)
        folds = 1.0 + smooth_texture(rng, 7.0, 0.05) + smooth_texture(rng, 3.0, 0.02)
        tex = (BLANKET * folds).astype(np.float32)
        edge = np.array([[top + 5, -BED_WIDTH / 2 - 6], [top + 5, BED_WIDTH / 2 + 6]])
        pts = self.camera.fixed(edge)
        cv2.line(tex, tuple(pts[0]), tuple(pts[1]), BLANKET * 1.12,  # the folded-over top
                 max(2, int(12 * self.options.scale)), cv2.LINE_8, SHIFT)
        self.blanket_tex = cv2.GaussianBlur(tex, (0, 0), 1.5)
