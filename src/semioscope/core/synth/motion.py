"""Motion programs: a seizure as time series of pose channels, one value per frame.

A :class:`Pose` is a dict of named channels (arrays of length ``frames``) that
:mod:`semioscope.core.synth.body` turns into joint positions. Programs are vectorised over time,
so a 2-minute seizure costs a few milliseconds to plan. Every program starts from the same calm
rest (breathing, tiny drifts); the ictal part is added under an envelope that rises at onset.

* FLE-like (hypermotor): large, fast (about 1-3 Hz), bilateral limb and trunk movements in bursts
  that wax and wane but never lull (the vigour stays at 60 % or more of its peak), with the whole
  trunk rocking by 10-20 cm: violent proximal movement is what defines a hypermotor seizure, and
  an *untrained* backbone only carries motion that large (``SYNTH_VERSION`` 2, see below).
* TLE-like: behavioural arrest, then oral and hand automatisms (small, 0.5-2 Hz), a slow head turn
  and a dystonic posture of the arm opposite the head turn, building up over tens of seconds.

Amplitudes, frequencies and timings are drawn from ranges with a seeded generator, so two seizures
of one class differ, but FLE motion energy stays well above TLE's.

Version 2 of the FLE program (bursts never below 60 %, vigour 1.0-1.3 instead of 0.7-1.0, trunk
shifts about 1.7x larger) was made for the learnability benchmark (bench/RESULTS.md): with
version 1 the pixel motion energy of the cropped input separated the classes at window AUC 0.99,
but the features of the untrained I3D carried it only at linear-probe seizure AUC 0.80.

Settings (:data:`SETTINGS`, ``semioscope synth --setting``): ``v2`` (the default, above), ``v1``
(version 1's FLE program, for comparison) and ``hard``, made once a pretrained backbone made v2
trivial (#25): FLE smaller than v1 (vigour 0.35-0.8, trunk rocking about half of v1's) with a
wider range of frequencies and limbs that may stay still, TLE with larger, sometimes bilateral
automatisms and restless legs, so that the classes' motion energies overlap; and a nurse at the
bedside (render.py) in about half the videos of either class.
"""


from __future__ import annotations

import math

import numpy as np

#: pose channel names; angles in radians, shifts in body pixels, the rest in [0, 1]
CHANNELS = (
    "trunk_x", "trunk_y", "trunk_rot", "breath", "head_turn", "jaw",
    "l_sh", "l_el", "l_lift", "l_hand_x", "l_hand_y",
    "r_sh", "r_el", "r_lift", "r_hand_x", "r_hand_y",
    "l_hip", "l_knee", "r_hip", "r_knee",
)

#: typical ictal lengths in seconds (lead-in not included), after the seed paper's class means
ICTAL_RANGE_S = {"FLE": (10.0, 40.0), "TLE": (40.0, 120.0)}
LEAD_IN_RANGE_S = (2.0, 5.0)
LABELS = ("FLE", "TLE")
#: bump when a program changes what it draws (recorded in the ground truth; the demo rebuilds)
SYNTH_VERSION = 2

Pose = dict[str, np.ndarray]

#: the data settings (module docstring); "v2" is what every default draws
SETTINGS = ("v2", "v1", "hard")
#: per setting, the FLE program's (burst level, burst swing, burst floor), vigour range and the
#: trunk's (x, y, rotation) amplitude ranges
_FLE = {
    "v2": ((0.8, 0.25, 0.6), (1.0, 1.3), ((14, 32), (20, 45), (0.18, 0.4))),
    "v1": ((0.65, 0.35, 0.3), (0.7, 1.0), ((8, 20), (12, 30), (0.12, 0.3))),
    "hard": ((0.65, 0.35, 0.3), (0.35, 0.8), ((4, 10), (6, 15), (0.06, 0.15))),
}


def check_setting(setting: str) -> str:
    if setting not in SETTINGS:
        raise ValueError(f"unknown synthetic setting {setting!r}; choose {', '.join(SETTINGS)}")
    return setting


def rest_pose(frames: int) -> Pose:
    """Lying still on the back: arms along the trunk, legs slightly apart."""
    pose = {name: np.zeros(frames, dtype=np.float64) for name in CHANNELS}
    pose["l_sh"][:] = pose["r_sh"][:] = 0.18
    pose["l_el"][:] = pose["r_el"][:] = 0.15
    pose["l_hip"][:] = pose["r_hip"][:] = 0.06
    return pose


def envelope(t: np.ndarray, onset: float, offset: float, rise: float, fall: float) -> np.ndarray:
    """0 before onset, a smooth ramp to 1 over ``rise`` s, back to 0 over ``fall`` s at offset."""
    up = np.clip((t - onset) / max(rise, 1e-3), 0.0, 1.0)
    down = np.clip((offset - t) / max(fall, 1e-3), 0.0, 1.0)
    e = np.minimum(up, down)
    return e * e * (3.0 - 2.0 * e)  # smoothstep


def band_noise(rng: np.random.Generator, t: np.ndarray, lo: float, hi: float,
               parts: int = 5) -> np.ndarray:
    """Irregular movement: a sum of sinusoids with random frequencies in ``[lo, hi]`` Hz, ~[-1, 1]."""
    freqs = rng.uniform(lo, hi, parts)
    phases = rng.uniform(0.0, 2.0 * math.pi, parts)
    weights = rng.uniform(0.5, 1.0, parts)
    out = (weights[:, None] * np.sin(2.0 * math.pi * freqs[:, None] * t[None, :]
                                     + phases[:, None])).sum(axis=0)
    return out / weights.sum() * 1.6


def _calm(rng: np.random.Generator, t: np.ndarray, pose: Pose) -> None:
    """Breathing and barely visible drifts, present the whole time."""
    rate = rng.uniform(0.2, 0.35)
    pose["breath"] += 0.5 + 0.5 * np.sin(2.0 * math.pi * rate * t + rng.uniform(0, 6.3))
    pose["head_turn"] += 0.03 * band_noise(rng, t, 0.02, 0.1, 3)
    for side in ("l", "r"):
        pose[f"{side}_sh"] += 0.02 * band_noise(rng, t, 0.02, 0.15, 3)
        pose[f"{side}_hand_x"] += 0.8 * band_noise(rng, t, 0.05, 0.2, 3)


def fle_program(rng: np.random.Generator, t: np.ndarray, onset: float, offset: float,
                side: int, setting: str = "v2") -> Pose:
    """Hypermotor: thrashing arms, kicking/bicycling legs, rocking trunk, in bursts."""
    (level, swing, floor), vigour_range, (tx, ty, tr) = _FLE[check_setting(setting)]
    pose = rest_pose(len(t))
    _calm(rng, t, pose)
    env = envelope(t, onset, offset, rise=rng.uniform(0.3, 1.2), fall=rng.uniform(0.5, 2.0))
    # bursts: the vigour waxes and wanes every few seconds but never stops for long
    bursts = level + swing * band_noise(rng, t, 0.08, 0.3, 3)
    env = env * np.clip(bursts, floor, 1.0)
    vigour = rng.uniform(*vigour_range)
    lo, hi = rng.uniform(0.8, 1.3), rng.uniform(1.8, 3.0)
    e = env * vigour
    asym = 1.0 + 0.25 * side  # one side a little stronger
    pose["trunk_x"] += e * rng.uniform(*tx) * band_noise(rng, t, lo, hi)
    pose["trunk_y"] += e * rng.uniform(*ty) * band_noise(rng, t, lo, hi)
    pose["trunk_rot"] += e * rng.uniform(*tr) * band_noise(rng, t, lo * 0.7, hi * 0.7)
    pose["head_turn"] += e * rng.uniform(0.4, 0.9) * band_noise(rng, t, lo, hi)
    if setting == "hard":   # within-class variety, drawn after v1's draws (same stream order)
        _vary_fle(rng, t, pose, e)
        return pose
    for s, gain in (("l", asym), ("r", 2.0 - asym)):
        pose[f"{s}_sh"] += e * gain * (rng.uniform(0.5, 0.9)
                                       + rng.uniform(0.6, 1.1) * band_noise(rng, t, lo, hi))
        pose[f"{s}_el"] += e * gain * rng.uniform(0.6, 1.2) * (1 + band_noise(rng, t, lo, hi))
        pose[f"{s}_lift"] += e * np.clip(0.5 + 0.6 * band_noise(rng, t, lo, hi), 0, 1)
    for s, gain in (("l", asym), ("r", 2.0 - asym)):
        kick = band_noise(rng, t, lo, hi)
        pose[f"{s}_knee"] += e * np.clip(0.45 + 0.6 * kick, 0, 1) * min(gain, 1.0)
        pose[f"{s}_hip"] += e * gain * rng.uniform(0.15, 0.35) * (1 + band_noise(rng, t, lo, hi))
    return pose


def _vary_fle(rng: np.random.Generator, t: np.ndarray, pose: Pose, e: np.ndarray) -> None:
    """The hard setting's limbs: each arm and leg active with its own gain (0.2-1.0), the legs
    still altogether in a third of the seizures, frequencies from 0.5 to 3.5 Hz."""
    legs = rng.random() >= 1 / 3
    for s in ("l", "r"):
        lo, hi = rng.uniform(0.5, 1.5), rng.uniform(1.5, 3.5)
        g = rng.uniform(0.2, 1.0)
        pose[f"{s}_sh"] += e * g * (rng.uniform(0.3, 0.8)
                                    + rng.uniform(0.4, 1.0) * band_noise(rng, t, lo, hi))
        pose[f"{s}_el"] += e * g * rng.uniform(0.4, 1.0) * (1 + band_noise(rng, t, lo, hi))
        pose[f"{s}_lift"] += e * g * np.clip(0.4 + 0.5 * band_noise(rng, t, lo, hi), 0, 1)
        g = rng.uniform(0.2, 1.0) if legs else 0.0
        pose[f"{s}_knee"] += e * g * np.clip(0.35 + 0.5 * band_noise(rng, t, lo, hi), 0, 1)
        pose[f"{s}_hip"] += e * g * rng.uniform(0.1, 0.3) * (1 + band_noise(rng, t, lo, hi))


def _vary_tle(rng: np.random.Generator, t: np.ndarray, pose: Pose, env: np.ndarray,
              side: int) -> None:
    """The hard setting's TLE: larger hand automatisms (4-12 body px), on both hands in 40 % of
    seizures, restless legs in half, trunk shifts up to 6 px: TLE that moves."""
    hand = "l" if side > 0 else "r"
    hands = (hand, "r" if hand == "l" else "l") if rng.random() < 0.4 else (hand,)
    for h in hands:
        amp = rng.uniform(4.0, 12.0)
        lo, hi = rng.uniform(0.4, 1.0), rng.uniform(1.2, 2.5)
        pose[f"{h}_hand_x"] += env * amp * band_noise(rng, t, lo, hi)
        pose[f"{h}_hand_y"] += env * amp * band_noise(rng, t, lo, hi)
        pose[f"{h}_el"] += env * rng.uniform(0.1, 0.4) * band_noise(rng, t, lo, hi)
    if rng.random() < 0.5:
        for s in ("l", "r"):
            pose[f"{s}_knee"] += env * rng.uniform(0.1, 0.35) * np.clip(
                0.5 + 0.5 * band_noise(rng, t, 0.3, 1.5), 0, 1)
    pose["trunk_y"] += env * rng.uniform(2.0, 6.0) * band_noise(rng, t, 0.1, 0.6)


def tle_program(rng: np.random.Generator, t: np.ndarray, onset: float, offset: float,
                side: int, setting: str = "v2") -> Pose:
    """Arrest, oral and hand automatisms, slow head turn, dystonic posture of one arm."""
    pose = rest_pose(len(t))
    _calm(rng, t, pose)
    length = offset - onset
    arrest = rng.uniform(0.05, 0.15) * length
    env = envelope(t, onset + arrest, offset, rise=rng.uniform(3.0, 8.0),
                   fall=rng.uniform(2.0, 5.0))
    # oral automatisms: chewing / lip smacking
    chew = rng.uniform(0.8, 2.0)
    pose["jaw"] += env * rng.uniform(0.5, 1.0) * (0.5 + 0.5 * np.sin(2 * math.pi * chew * t))
    # slow head turn towards `side` (version), reached over 5-20 s, then held
    turn_start = onset + rng.uniform(0.2, 0.5) * length
    turn = envelope(t, turn_start, offset + 1e3, rise=rng.uniform(5.0, 20.0), fall=1.0)
    pose["head_turn"] += side * rng.uniform(0.5, 0.9) * turn
    pose["head_turn"] += env * 0.05 * band_noise(rng, t, 0.2, 0.6)
    # hand automatisms (fumbling, picking) on the head-turn side, small and slow-ish
    hand = "l" if side > 0 else "r"
    other = "r" if side > 0 else "l"
    amp = rng.uniform(3.0, 7.0)
    pose[f"{hand}_hand_x"] += env * amp * band_noise(rng, t, 0.5, 1.8)
    pose[f"{hand}_hand_y"] += env * amp * band_noise(rng, t, 0.5, 1.8)
    pose[f"{hand}_el"] += env * rng.uniform(0.4, 0.9) * (1 + 0.15 * band_noise(rng, t, 0.3, 1))
    pose[f"{hand}_sh"] += env * 0.06 * band_noise(rng, t, 0.2, 0.8)
    # dystonic posture of the other arm: slowly flexed and lifted, then held with a tremor
    dys_start = onset + rng.uniform(0.3, 0.6) * length
    dys = envelope(t, dys_start, offset + 1e3, rise=rng.uniform(3.0, 8.0), fall=1.0)
    pose[f"{other}_el"] += dys * rng.uniform(1.0, 1.6)
    pose[f"{other}_sh"] += dys * rng.uniform(0.2, 0.5)
    pose[f"{other}_lift"] += dys * rng.uniform(0.2, 0.45)
    pose[f"{other}_el"] += dys * 0.03 * np.sin(2 * math.pi * rng.uniform(3, 5) * t)
    # occasional small trunk shifts
    pose["trunk_y"] += env * rng.uniform(1.0, 3.0) * band_noise(rng, t, 0.05, 0.3)
    if check_setting(setting) == "hard":
        _vary_tle(rng, t, pose, env, side)
    return pose


#: the pose channels that move each limb (the names of :data:`~.body.PARTS`)
LIMB_CHANNELS = {
    "l_arm": ("l_sh", "l_el", "l_lift"), "r_arm": ("r_sh", "r_el", "r_lift"),
    "l_leg": ("l_hip", "l_knee"), "r_leg": ("r_hip", "r_knee"),
}


def one_limb_program(rng: np.random.Generator, t: np.ndarray, onset: float, offset: float,
                     limb: str) -> Pose:
    """A calm patient who moves only ``limb``, as vigorously as in a hypermotor seizure.

    Not a seizure class: the window the saliency sanity check needs, where the ground truth
    says which single box holds all the movement.
    """
    if limb not in LIMB_CHANNELS:
        raise ValueError(f"unknown limb {limb!r}; choose one of {', '.join(LIMB_CHANNELS)}")
    pose = rest_pose(len(t))
    _calm(rng, t, pose)
    fle = fle_program(rng, t, onset, offset, 1)
    for channel in LIMB_CHANNELS[limb]:
        pose[channel] = fle[channel]
    return pose


def plan_seizure(label: str, seed: int | np.random.SeedSequence, fps: float,
                 seconds: float | None, side: int = 0, limb: str | None = None,
                 setting: str = "v2") -> tuple[Pose, float, float, float, int]:
    """Draw timing and pose channels; returns ``(pose, seconds, onset_s, offset_s, side)``.

    ``seconds`` is the total length (lead-in included); ``None`` draws the ictal length from the
    class's typical range. ``side`` (+1/-1) fixes the dominant side; 0 draws it. ``limb``
    replaces the class's program by :func:`one_limb_program` (the timing stays the class's).
    ``setting``: one of :data:`SETTINGS`.
    """
    check_setting(setting)
    rng = np.random.default_rng(seed)
    lead = float(rng.uniform(*LEAD_IN_RANGE_S))
    ictal = float(rng.uniform(*ICTAL_RANGE_S[label]))
    drawn = int(rng.choice((-1, 1)))
    side = drawn if side == 0 else (1 if side > 0 else -1)
    if seconds is None:
        seconds = round(lead + ictal, 1)
    else:
        lead = min(lead, 0.25 * seconds)
    frames = max(1, int(round(seconds * fps)))
    t = np.arange(frames) / fps
    onset = round(lead, 3)
    offset = frames / fps
    if limb is not None:
        pose = one_limb_program(rng, t, onset, offset, limb)
    else:
        pose = (fle_program if label == "FLE" else tle_program)(rng, t, onset, offset, side,
                                                                 setting)
    return pose, frames / fps, onset, offset, side
