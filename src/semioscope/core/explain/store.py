"""Saliency of a whole analysis: small maps plus their placement, in a sidecar ``.npz``.

The results JSON (``semioscope analyze --saliency --out r.json``) gets one optional section,
``saliency``, naming the sidecar ``r.saliency.npz`` (beside it, with its SHA-256) and giving per
window the class explained, the unnormalised peak and the share of evidence on the patient/bed
box. The sidecar holds one uint8 map per window (0..255 = 0..1 of that window's maximum) over
the crop box: about 500 bytes a window instead of full frames.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from semioscope.core.atomic import write_bytes
from semioscope.core.explain.placement import PlacedMap
from semioscope.core.geometry import Box
from semioscope.core.hashing import file_sha256
from semioscope.core.results import Results, Saliency, SaliencyWindow, window_number
from semioscope.errors import SemioscopeError

FORMAT = "semioscope-saliency/1"
METHOD = "Grad-CAM"
#: how the channels are weighted and what the activations are taken relative to (gradcam.py)
WEIGHTS_RULE = ("spatial mean of the gradient per time slice of the map, summed over time; "
                "activations relative to the classifier's reference input (its standardisation "
                "mean when it standardises its inputs, else zero)")
TARGET_RULE = ("each window's predicted class: P(TLE) for a TLE window, 1 - P(TLE) for an FLE "
               "window (threshold of the classifier)")
#: a window whose share of evidence on the patient/bed box is below this is marked
ON_SUBJECT_MIN = 0.5


@dataclass
class SaliencySet:
    """Every window's placed map, and what it explains."""

    box: Box                                  # source-frame box every map covers (the crop)
    layer: str
    backbone: str
    subject: Box | None = None                # patient ∪ bed (no margin), when known
    indices: list[int] = field(default_factory=list)
    maps: list[np.ndarray] = field(default_factory=list)
    targets: list[str] = field(default_factory=list)
    peaks: list[float] = field(default_factory=list)
    in_crop: list[float] = field(default_factory=list)   # mass on the crop, not the padding

    def add(self, index: int, placed: PlacedMap, target: str, peak: float) -> None:
        if placed.box != self.box:
            raise ValueError(f"map placed on {placed.box}, the set covers {self.box}")
        self.indices.append(int(index))
        self.maps.append(placed.values.astype(np.float32))
        self.targets.append(target)
        self.peaks.append(float(peak))
        self.in_crop.append(float(placed.in_crop))

    def placed(self, index: int) -> PlacedMap | None:
        """The map of window ``index`` (None when it has none)."""
        try:
            at = self.indices.index(int(index))
        except ValueError:
            return None
        share = self.in_crop[at] if at < len(self.in_crop) else 1.0
        return PlacedMap(self.maps[at], self.box, share)

    def on_subject(self, index: int) -> float | None:
        placed = self.placed(index)
        if placed is None or self.subject is None:
            return None
        inside = placed.fraction_inside(self.subject)
        # evidence on the padding around the crop is evidence off the patient too
        return placed.in_crop * (0.0 if inside is None else inside)

    def on_padding(self, index: int) -> float | None:
        """Share of the window's positive evidence that fell on the black padding around the
        crop (cut away before the stored map was normalised); None when it has no map."""
        placed = self.placed(index)
        return None if placed is None else 1.0 - placed.in_crop

    def note(self, index: int) -> str:
        """One line on where window ``index``'s evidence lies, empty unless mostly off the
        patient/bed box or on the padding (the review window shows it under the video)."""
        share, padding = self.on_subject(index), self.on_padding(index)
        if padding is None or ((share is None or share >= ON_SUBJECT_MIN)
                               and padding < ON_SUBJECT_MIN):
            return ""
        where = (f"only {share:.0%} of the evidence on the patient/bed" if share is not None
                 else "most of the evidence off the crop")
        return (f"window {window_number(index)}: {where}"
                + (f", {padding:.0%} on the black padding around the crop" if padding >= 0.05
                   else ""))

    def section(self, file: str, sha256: str) -> Saliency:
        """The results' ``saliency`` section for this set, stored in ``file`` with ``sha256``."""
        windows = []
        for at, (index, target, peak) in enumerate(zip(self.indices, self.targets, self.peaks,
                                                       strict=True)):
            share = self.on_subject(index)
            in_crop = self.in_crop[at] if len(self.in_crop) == len(self.indices) else 1.0
            windows.append(SaliencyWindow(
                index=index, target=target, peak=peak, on_subject=share, in_crop=in_crop,
                outside_subject=(share is not None and share < ON_SUBJECT_MIN)
                or in_crop < ON_SUBJECT_MIN))
        rows, cols = self.maps[0].shape if self.maps else (0, 0)
        return Saliency(file=file, sha256=sha256, format=FORMAT, method=METHOD,
                        layer=f"{self.backbone} {self.layer}", target=TARGET_RULE,
                        weights=WEIGHTS_RULE, box=self.box, shape=(int(rows), int(cols)),
                        subject_box=self.subject, on_subject_min=ON_SUBJECT_MIN,
                        windows=tuple(windows))


def sidecar_path(results_path: str | Path) -> Path:
    """``r.json`` -> ``r.saliency.npz`` beside it."""
    p = Path(results_path)
    return p.with_name(f"{p.stem}.saliency.npz")


def save_saliency(path: str | Path, saliency: SaliencySet) -> str:
    """Write the sidecar atomically; returns its SHA-256."""
    shapes = {m.shape for m in saliency.maps}
    if len(shapes) > 1:
        raise ValueError(f"maps of different shapes {sorted(shapes)}")
    maps = (np.stack(saliency.maps) if saliency.maps else np.zeros((0, 1, 1), np.float32))
    buf = io.BytesIO()
    np.savez_compressed(
        buf, format=np.array(FORMAT), maps=np.round(np.clip(maps, 0, 1) * 255).astype(np.uint8),
        indices=np.array(saliency.indices, np.int32), peaks=np.array(saliency.peaks, np.float32),
        targets=np.array(saliency.targets, dtype="U3"),
        in_crop=np.array(saliency.in_crop, np.float32),
        box=np.array(saliency.box.as_tuple(), np.int32),
        subject=np.array(saliency.subject.as_tuple() if saliency.subject else (-1,) * 4, np.int32),
        layer=np.array(saliency.layer), backbone=np.array(saliency.backbone))
    write_bytes(path, buf.getvalue())
    return file_sha256(path)


def load_saliency(path: str | Path) -> SaliencySet:
    """Read a sidecar; a missing or foreign file is a :class:`SemioscopeError` naming it."""
    path = Path(path)
    try:
        with np.load(path, allow_pickle=False) as data:
            if str(data["format"]) != FORMAT:
                raise SemioscopeError(path, f"saliency file of another format {data['format']}")
            subject = tuple(int(v) for v in data["subject"])
            out = SaliencySet(Box(*(int(v) for v in data["box"])), str(data["layer"]),
                              str(data["backbone"]),
                              None if subject[2] <= 0 else Box(*subject))
            out.indices = [int(i) for i in data["indices"]]
            out.maps = [m.astype(np.float32) / 255.0 for m in data["maps"]]
            out.targets = [str(t) for t in data["targets"]]
            out.peaks = [float(p) for p in data["peaks"]]
            out.in_crop = ([float(v) for v in data["in_crop"]] if "in_crop" in data.files
                           else [1.0] * len(out.indices))
    except FileNotFoundError:
        raise SemioscopeError(path, "no such saliency file (analyse again with "
                              "--saliency)") from None
    except (OSError, ValueError, KeyError) as exc:
        raise SemioscopeError(path, f"not a semioscope saliency file ({exc})") from None
    return out


def saliency_for_results(results: Results, results_path: str | Path) -> SaliencySet | None:
    """The sidecar a results file names (None when it has no saliency section)."""
    section = results.saliency
    if section is None or not section.file:
        return None
    return load_saliency(Path(results_path).parent / section.file)


def attach_saliency(results: Results, saliency: SaliencySet,
                    results_path: str | Path) -> tuple[Results, Path]:
    """Write the sidecar beside ``results_path``; return the results with their ``saliency``
    section, and the sidecar's path (call before writing the results JSON, so the JSON never
    names a missing file)."""
    path = sidecar_path(results_path)
    digest = save_saliency(path, saliency)
    return replace(results, saliency=saliency.section(path.name, digest)), path
