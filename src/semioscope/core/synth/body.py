"""The patient (supine, seen from the ceiling) and a passing nurse, drawn from pose channels.

Body geometry is in world pixels (see :mod:`.scene`), about 1.9 px per cm at camera scale 1.
Limbs lifted towards the camera are foreshortened and brighter (closer to the IR illuminator).
The :class:`Painter` tracks the bounding box of everything it draws, so the ground-truth person
box is exact without a second pass over the pixels; it also tracks one box per named body part
(:data:`PARTS`: each arm with its hand, each leg with its foot, the head, the trunk), so a map of
evidence can be checked against the limb that moved.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import cv2
import numpy as np

from semioscope.core.synth.scene import BED_LENGTH, ONE, SHIFT, Camera, box_of

GOWN, SKIN, PANTS, HAIR = 11000.0, 12600.0, 10400.0, 7600.0
EDGE = 0.8  # surfaces seen edge-on reflect less IR back: darker rims
SCRUBS, NURSE_HAIR = 12800.0, 7000.0

HEAD_X = -BED_LENGTH / 2 + 40  # head centre on the pillow
NECK_X = HEAD_X + 24
SHOULDER_X, SHOULDER_Y = NECK_X + 10, 38.0
HIP_X, HIP_Y = NECK_X + 112, 20.0
UPPER_ARM, FOREARM, THIGH, SHIN = 56.0, 50.0, 84.0, 82.0

ToWorld = Callable[[np.ndarray], np.ndarray]

#: the body parts whose boxes the ground truth records (arms include the hand, legs the foot)
PARTS = ("head", "trunk", "l_arm", "r_arm", "l_leg", "r_leg")


class Painter:
    """Draws world shapes through the camera onto a float32 canvas, tracking their extent."""

    def __init__(self, canvas: np.ndarray, camera: Camera, size: float) -> None:
        self.canvas = canvas
        self.camera = camera
        self.size = size  # world → image length factor (camera scale x body scale)
        self.lo = np.array([np.inf, np.inf])
        self.hi = np.array([-np.inf, -np.inf])
        self.part: str | None = None      # what is being drawn now (see :data:`PARTS`)
        self._parts: dict[str, tuple[np.ndarray, np.ndarray]] = {}

    def _grow(self, pts: np.ndarray, pad: float) -> None:
        lo = pts.reshape(-1, 2).min(axis=0) - pad
        hi = pts.reshape(-1, 2).max(axis=0) + pad
        self.lo = np.minimum(self.lo, lo)
        self.hi = np.maximum(self.hi, hi)
        if self.part is not None:
            plo, phi = self._parts.get(self.part, (lo, hi))
            self._parts[self.part] = (np.minimum(plo, lo), np.maximum(phi, hi))

    def line(self, p: np.ndarray, q: np.ndarray, width: float, value: float,
             rim: bool = True) -> None:
        """A limb: a thick line, with a darker rim when ``rim``."""
        pts = self.camera.apply(np.stack([p, q]))
        thick = max(1, int(round(width * self.size)))
        a, b = (tuple(int(v) for v in np.round(pt * ONE)) for pt in pts)
        if rim:
            cv2.line(self.canvas, a, b, value * EDGE, thick + 3, cv2.LINE_8, SHIFT)  # type: ignore[arg-type]
        cv2.line(self.canvas, a, b, value, thick, cv2.LINE_8, SHIFT)  # type: ignore[arg-type]
        self._grow(pts, (thick + (3 if rim else 0)) / 2 + 1)

    def ellipse(self, c: np.ndarray, ax: float, ay: float, angle: float, value: float,
                rim: bool = False) -> None:
        """Filled ellipse; ``angle`` in radians in world coordinates; ``rim`` as for lines."""
        if rim:
            self.ellipse(c, ax + 2.0, ay + 2.0, angle, value * EDGE)
        centre = self.camera.apply(c)
        rot = math.degrees(angle) + math.degrees(math.atan2(self.camera.matrix[1, 0],
                                                            self.camera.matrix[0, 0]))
        axes = (int(round(ax * self.size * ONE)), int(round(ay * self.size * ONE)))
        ctr = (int(round(centre[0] * ONE)), int(round(centre[1] * ONE)))
        cv2.ellipse(self.canvas, ctr, axes, rot, 0, 360, value, -1, cv2.LINE_8, SHIFT)
        r = max(ax, ay) * self.size
        c_, s_ = math.cos(math.radians(rot)), math.sin(math.radians(rot))
        ex = math.hypot(ax * self.size * c_, ay * self.size * s_)
        ey = math.hypot(ax * self.size * s_, ay * self.size * c_)
        self._grow(np.array([[centre[0] - ex, centre[1] - ey], [centre[0] + ex, centre[1] + ey]]),
                   1.0 if r > 0 else 0.0)

    def box(self, pad: float = 2.0) -> tuple[int, int, int, int]:
        """(x, y, w, h) of everything drawn, widened by the blur's reach; (0,0,0,0) if none."""
        if not np.isfinite(self.lo).all():
            return (0, 0, 0, 0)
        return box_of(np.stack([self.lo - pad, self.hi + pad]))

    def part_boxes(self, pad: float = 2.0) -> dict[str, tuple[int, int, int, int]]:
        """(x, y, w, h) of each named part drawn, widened like :meth:`box`."""
        return {name: box_of(np.stack([lo - pad, hi + pad]))
                for name, (lo, hi) in self._parts.items()}


def _unit(angle: float, side: float) -> np.ndarray:
    return np.array([math.cos(angle), side * math.sin(angle)])


def _rotate(p: np.ndarray, centre: np.ndarray, angle: float) -> np.ndarray:
    c, s = math.cos(angle), math.sin(angle)
    d = p - centre
    return centre + np.array([c * d[0] - s * d[1], s * d[0] + c * d[1]])


class Patient:
    """Turns one frame's pose channels into drawn body parts."""

    def __init__(self, body_scale: float) -> None:
        self.scale = body_scale

    def _world(self, p: np.ndarray, shift: np.ndarray) -> np.ndarray:
        """Body point → world: scaled about the head (which stays on the pillow), then shifted."""
        head = np.array([HEAD_X, 0.0])
        return head + (p - head) * self.scale + shift

    def draw(self, paint: Painter, q: dict[str, float], legs_only: bool | None = None) -> None:
        """Draw legs (``legs_only=True``), upper body (``False``) or everything (``None``)."""
        shift = np.array([q["trunk_x"], q["trunk_y"]])
        pelvis = np.array([HIP_X, 0.0])
        if legs_only is not False:
            self._legs(paint, q, shift)
        if legs_only is True:
            return
        rot = q["trunk_rot"]

        def w(p: np.ndarray) -> np.ndarray:
            return self._world(_rotate(p, pelvis, rot), shift)

        breath = 1.0 + 0.03 * q["breath"]
        paint.part = "trunk"
        trunk_c = np.array([(SHOULDER_X + HIP_X) / 2 + 4, 0.0])
        paint.ellipse(w(trunk_c), 74, 39 * breath, rot, GOWN * EDGE)
        paint.line(w(np.array([SHOULDER_X + 4, -SHOULDER_Y])),
                   w(np.array([SHOULDER_X + 4, SHOULDER_Y])), 22, GOWN)
        paint.ellipse(w(trunk_c), 72, 37 * breath, rot, GOWN)
        paint.ellipse(w(trunk_c - np.array([18, 0])), 40, 22 * breath, rot, GOWN * 1.06)
        for side, s in (("l", 1.0), ("r", -1.0)):
            paint.part = f"{side}_arm"
            self._arm(paint, q, side, s, w)
        paint.part = "head"
        self._head(paint, q, w, rot)
        paint.part = None

    def _arm(self, paint: Painter, q: dict[str, float], side: str, s: float,
             w: ToWorld) -> None:
        lift = min(max(q[f"{side}_lift"], 0.0), 1.0)
        short = math.cos(lift * 1.1)
        gain = 1.0 + 0.18 * lift
        a = q[f"{side}_sh"]
        b = a - q[f"{side}_el"]
        shoulder = np.array([SHOULDER_X + 2, s * SHOULDER_Y])
        elbow = shoulder + UPPER_ARM * short * _unit(a, s)
        wrist = elbow + FOREARM * (0.55 + 0.45 * short) * _unit(b, s)
        wrist = wrist + np.array([q[f"{side}_hand_x"], s * q[f"{side}_hand_y"]])
        hand = wrist + 9 * _unit(b, s)
        paint.line(w(shoulder), w(elbow), 17 * (1 + 0.1 * lift), GOWN * gain)
        paint.line(w(elbow), w(wrist), 13 * (1 + 0.1 * lift), SKIN * gain)
        paint.ellipse(w(hand), 10, 7, math.atan2(*(w(hand) - w(wrist))[::-1]), SKIN * gain,
                      rim=True)

    def _legs(self, paint: Painter, q: dict[str, float], shift: np.ndarray) -> None:
        for side, s in (("l", 1.0), ("r", -1.0)):
            paint.part = f"{side}_leg"
            knee_up = min(max(q[f"{side}_knee"], 0.0), 1.0)
            short = math.cos(knee_up * 1.2)
            h = q[f"{side}_hip"]
            hip = np.array([HIP_X, s * HIP_Y])
            knee = hip + THIGH * short * _unit(h, s)
            ankle = knee + SHIN * short * _unit(h * 0.6, s)
            foot = ankle + 10 * _unit(h * 0.6, s)
            gain = 1.0 + 0.28 * knee_up
            paint.line(self._world(hip, shift), self._world(knee, shift), 27, PANTS * gain)
            paint.line(self._world(knee, shift), self._world(ankle, shift), 21,
                       PANTS * (1.0 + 0.12 * knee_up))
            paint.ellipse(self._world(foot, shift), 12, 8, h * 0.6, SKIN * 0.93, rim=True)
        paint.part = None

    def _head(self, paint: Painter, q: dict[str, float], w: ToWorld, rot: float) -> None:
        turn = q["head_turn"]
        neck = np.array([NECK_X + 2, 0.0])
        head = np.array([HEAD_X, 0.0])
        paint.line(w(neck + np.array([8, 0])), w(neck - np.array([6, 0])), 18, SKIN * 0.95)
        paint.ellipse(w(head), 22, 17, rot, HAIR, rim=True)
        face_c = head + np.array([4, 9 * math.sin(turn)])
        paint.ellipse(w(face_c), 16, 13 * (0.65 + 0.35 * math.cos(turn)), rot, SKIN)
        for e in (-1.0, 1.0):  # eyes: darker sockets
            eye = face_c + np.array([-3, (5.5 * e) * math.cos(turn) + 3 * math.sin(turn)])
            paint.ellipse(w(eye), 2.2, 2.8, rot, SKIN * 0.72)
        mouth = face_c + np.array([10, 3 * math.sin(turn)])
        paint.ellipse(w(mouth), 1.2 + 3.2 * q["jaw"], 4.5 * (0.6 + 0.4 * math.cos(turn)), rot,
                      SKIN * 0.7)


def draw_nurse(paint: Painter, pos: np.ndarray, heading: float, phase: float) -> None:
    """A standing nurse seen from above (closer to the camera, so bigger and brighter)."""
    c, s = math.cos(heading), math.sin(heading)
    fwd, lat = np.array([c, s]), np.array([-s, c])
    swing = 12 * math.sin(phase)
    for k in (-1.0, 1.0):  # arms swing opposite to each other
        shoulder = pos + k * 30 * lat
        paint.line(shoulder, shoulder + k * swing * fwd + k * 6 * lat, 14, SCRUBS * 0.95)
    paint.ellipse(pos, 17, 36, heading, SCRUBS, rim=True)
    paint.ellipse(pos + 3 * fwd, 15, 13, heading, NURSE_HAIR)
