"""The report's pictures: the per-window score timeline and a keyframe montage (PNG bytes).

matplotlib runs on the Agg backend (no display, no Qt). Keyframes are read from the analysed video
through the intensity mapping recorded in the results, so they look as the model saw them; the
video's SHA-256 is checked first, so a report never shows frames of another recording.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import Any

import numpy as np

from semioscope.core.palette import LABEL_COLOURS
from semioscope.core.results import CropInfo, Results, band_text, has_band, prob_text, window_number
from semioscope.core.semiology.events import SemiologyEvent
from semioscope.report.case import CaseInfo
from semioscope.report.semiology import draw_lane

log = logging.getLogger(__name__)

CROP_RGB = (255, 200, 0)
KEYFRAMES = 6
PIXEL_BLOCKS = 16     # de-identified keyframes: at most 16 blocks across the frame


@dataclass
class Keyframes:
    """A montage (or None) and what to say about it; ``warning`` also goes to the user."""

    png: bytes | None
    note: str
    warning: str | None = None


def _figure(width_in: float, height_in: float) -> Any:
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width_in, height_in), dpi=100)
    fig.patch.set_facecolor("white")
    return fig


def _png(fig: Any, dpi: int = 200) -> bytes:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(fig)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": None})
    return buf.getvalue()


def timeline_png(results: Results, width_in: float = 7.0, height_in: float = 2.9,
                 events: tuple[SemiologyEvent, ...] = ()) -> bytes:
    """P(TLE) per 2-s window against time from onset, with threshold, band and mean; the
    reviewer's semiology events, when there are any, on a lane above with their onsets dotted."""
    summary, windows = results.summary, results.windows
    onset = results.span.onset_s
    fig = _figure(width_in, height_in + (0.6 if events else 0.0))
    if events:
        ax = fig.add_axes((0.085, 0.3, 0.845, 0.5))
        lane = fig.add_axes((0.085, 0.82, 0.845, 0.16), sharex=ax)
        draw_lane(lane, events, onset)
        for e in events:
            ax.axvline(e.onset_s - onset, color="#b15928", ls=":", lw=0.7, zorder=1)
    else:
        ax = fig.add_axes((0.085, 0.34, 0.845, 0.62))
    lo, hi = summary.uncertain_band
    if has_band(summary.uncertain_band):   # a zero-width band is none: the legend says so
        ax.axhspan(lo, hi, color="#d9d9d9", alpha=0.7, lw=0,
                   label=band_text(summary.uncertain_band))
    threshold = prob_text(summary.threshold)
    ax.axhline(summary.threshold, color="black", ls="--", lw=1,
               label=f"threshold {threshold}" + ("" if has_band(summary.uncertain_band)
                                                  else ", no uncertain band"))
    if windows:
        _draw_windows(ax, results)
        if events:  # events outside the analysed windows still show
            ax.set_xlim(min(ax.get_xlim()[0], min(e.onset_s for e in events) - onset - 0.5),
                        max(ax.get_xlim()[1], max(e.end_s for e in events) - onset + 0.5))
    else:
        ax.text(0.5, 0.5, "no analysis windows", ha="center", va="center",
                transform=ax.transAxes, color="#555555")
    ax.axvline(0.0, color="#333333", lw=0.8)
    ax.set_ylim(-0.02, 1.02)
    ax.set_ylabel("P(TLE)")
    ax.set_xlabel("time from seizure onset (s)")
    ax.grid(axis="y", color="#eeeeee")
    for y, text in ((0.97, "TLE"), (0.03, "FLE")):
        ax.text(1.01, y, text, transform=ax.transAxes, va="center", fontsize=9,
                color=LABEL_COLOURS[text], fontweight="bold")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=3, fontsize=7.5,
              frameon=False)
    return _png(fig, dpi=170)


def _draw_windows(ax: Any, results: Results) -> None:
    """One bar per window at its P(TLE), coloured by its label, joined in time, and the mean."""
    windows, onset = results.windows, results.span.onset_s
    starts = np.array([w.start_s for w in windows], dtype=float) - onset
    ends = np.array([w.end_s for w in windows], dtype=float) - onset
    p = np.array([w.p_tle for w in windows], dtype=float)
    mids = (starts + ends) / 2
    ax.plot(mids, p, color="#a0a0a0", lw=0.8, zorder=2)
    for label, colour in LABEL_COLOURS.items():
        sel = np.array([w.label == label for w in windows])
        if sel.any():
            ax.hlines(p[sel], starts[sel], ends[sel], color=colour, lw=2.5, zorder=3)
            ax.scatter(mids[sel], p[sel], s=14, color=colour, zorder=4,
                       label=f"window: {label}")
    mean = results.summary.p_tle_mean
    ax.axhline(mean, color="#6a3d9a", ls=":", lw=1.5, label=f"mean P(TLE) {mean:.2f}")
    ax.set_xlim(min(starts.min(), 0.0) - 0.5, ends.max() + 0.5)


def keyframe_indices(results: Results, count: int = KEYFRAMES) -> list[int]:
    """``count`` frames spread evenly over the clinical span (the whole video if none)."""
    frames = results.video.frames
    first = results.span.start_frame
    last = (results.span.end_frame or frames) - 1
    first, last = max(0, min(first, frames - 1)), max(0, min(last, frames - 1))
    return sorted({int(round(i)) for i in np.linspace(first, max(first, last), count)})


def pixelate(frame: np.ndarray, blocks: int = PIXEL_BLOCKS) -> np.ndarray:
    """Coarse blocks (``blocks`` across the long side): posture stays visible, faces do not."""
    import cv2

    h, w = frame.shape[:2]
    scale = blocks / max(h, w)
    small = cv2.resize(frame, (max(1, round(w * scale)), max(1, round(h * scale))),
                       interpolation=cv2.INTER_AREA)
    return cv2.resize(small, (w, h), interpolation=cv2.INTER_NEAREST)


def _draw_crop(rgb: np.ndarray, crop: CropInfo) -> np.ndarray:
    import cv2

    x, y, w, h = crop.x, crop.y, crop.w, crop.h
    thick = max(2, round(max(rgb.shape[:2]) / 170))
    cv2.rectangle(rgb, (x, y), (x + w - 1, y + h - 1), CROP_RGB, thick)
    return rgb


def _read_frames(results: Results, indices: list[int]) -> tuple[list[np.ndarray], list[float]]:
    """The frames through the analysis's mapping, and their presentation times (a variable-rate
    video's frames are not ``index / fps`` apart)."""
    from semioscope.core.video import IntensityMapping, open_video

    mapping = IntensityMapping(results.mapping.name,
                               {k: float(v) for k, v in results.mapping.params.items()})
    truncated = results.video.truncated       # analysed as allowed: show it too
    with open_video(results.video.path, allow_truncated=truncated) as reader:
        times = reader.frame_times()
        return ([mapping.apply(reader.read(i)) for i in indices],
                [float(times[i]) for i in indices])


def _check_video(results: Results, case: CaseInfo) -> str | None:
    """Why the keyframes cannot be shown, or None when the video is there and the same."""
    from semioscope.core.hashing import file_sha256

    path = Path(results.video.path)
    named = "" if case.deidentify else f" ({PurePath(path).name})"
    if not path.exists():
        return f"the analysed video{named} was not found where the analysis read it"
    try:
        digest = file_sha256(path)
    except OSError as exc:
        return f"the analysed video{named} cannot be read ({type(exc).__name__})"
    if digest != results.video.sha256:
        return (f"the video now at the analysed path{named} is not the one analysed "
                "(SHA-256 differs)")
    return None


def keyframes(results: Results, case: CaseInfo, width_in: float = 7.0) -> Keyframes:
    """The montage of keyframes across the clinical span, crop box drawn; never raises on a
    missing or changed video (the report says so instead)."""
    problem = _check_video(results, case)
    indices = keyframe_indices(results)
    if problem is None:
        try:
            gray, times = _read_frames(results, indices)
        except Exception as exc:  # noqa: BLE001 - a damaged video must not stop the report
            log.debug("keyframes: %s", exc)
            problem = f"the analysed video could not be decoded ({type(exc).__name__})"
    if problem is not None:
        return Keyframes(None, f"Keyframes not shown: {problem}.", f"keyframes left out: {problem}")
    hide = case.deidentify and not case.keep_frames
    onset = results.span.onset_s
    heat: list[Any] = [None] * len(indices)
    note = _keyframe_note(hide, len(indices))
    evidence = evidence_frames(results)
    if evidence:
        try:
            more, more_times = _read_frames(results, [frame for frame, _, _ in evidence])
        except Exception as exc:  # noqa: BLE001 - the plain montage is still worth showing
            log.debug("evidence frames: %s", exc)
            evidence = []
        else:
            gray, times = gray + more, times + more_times
            indices = indices + [frame for frame, _, _ in evidence]
            heat += [placed for _, placed, _ in evidence]
            note += (f" The last {len(evidence)} frames are the middles of the "
                     f"{len(evidence)} highest-scoring windows, with their Grad-CAM heat map "
                     "(where the network's evidence for its verdict lies) over the crop.")
    titles = [None] * (len(indices) - len(evidence)) + [title for _, _, title in evidence]
    return Keyframes(_montage(results, gray, indices, [t - onset for t in times], hide,
                              width_in, heat, titles), note)


def evidence_frames(results: Results, count: int = 3) -> list[tuple[int, Any, str]]:
    """``(frame, placed map, title)`` for the ``count`` windows scoring highest for the
    seizure's verdict (P(TLE) for TLE, P(FLE) otherwise) that have a saliency map."""
    if results.saliency is None:   # before core.explain, which needs torch:
        return []                                  # the clinician runtime has no saliency
    from semioscope.core.explain import saliency_for_results
    from semioscope.errors import SemioscopeError

    try:
        saliency = saliency_for_results(results, Path.cwd() / "results.json")
    except SemioscopeError as exc:
        log.debug("no saliency in the report: %s", exc)
        return []
    if saliency is None:
        return []
    summary = results.summary
    tle = summary.label == "TLE" or (summary.label == "uncertain"   # the side it leans to
                                     and summary.p_tle_mean >= summary.threshold)
    windows = sorted(results.windows, reverse=True,
                     key=lambda w: w.p_tle if tle else 1 - w.p_tle)
    out = []
    for w in windows:
        placed = saliency.placed(w.index)
        if placed is None:
            continue
        fps = results.video.fps
        first = w.start_frame if w.start_frame is not None else round(w.start_s * fps)
        end = w.end_frame if w.end_frame is not None else round(w.end_s * fps)
        middle = min((first + end - 1) // 2, results.video.frames - 1)
        score = w.p_tle if tle else 1 - w.p_tle
        out.append((middle, placed, f"evidence, window {window_number(w.index)}: "
                    f"P({'TLE' if tle else 'FLE'}) {score:.2f}"))
        if len(out) == count:
            break
    return out


def _overlay(rgb: np.ndarray, placed: Any, alpha: float = 0.5) -> np.ndarray:
    """The heat map blended over its box (inferno colours), the rest of the frame as is."""
    from matplotlib import colormaps

    heat = placed.to_frame(rgb.shape[1], rgb.shape[0])
    colours = (colormaps["inferno"](heat)[..., :3] * 255).astype(np.float32)
    b = placed.box
    out = rgb.astype(np.float32)
    out[b.y:b.y2, b.x:b.x2] = ((1 - alpha) * out[b.y:b.y2, b.x:b.x2]
                               + alpha * colours[b.y:b.y2, b.x:b.x2])
    return out.clip(0, 255).astype(np.uint8)


def _keyframe_note(hide: bool, n: int) -> str:
    text = (f"{n} frames spread evenly over the clinical span, shown through the analysis's "
            "intensity mapping; the yellow box is the crop the model saw.")
    if hide:
        text += " Frames are strongly pixelated for de-identification."
    return text


def keyframe_label(from_onset_s: float, index: int) -> str:
    """"onset +4.0 s  (frame 238)": the sign of the rounded time, so a frame a few ms before
    the onset reads "+0.0 s", not "\u22120.0 s"."""
    shown = round(from_onset_s, 1)
    sign = "+" if shown >= 0 else "\u2212"
    return f"onset {sign}{abs(shown):.1f} s  (frame {index})"


def _montage(results: Results, gray: list[np.ndarray], indices: list[int],
             from_onset: list[float], hide: bool, width_in: float, heat: list[Any] | None = None,
             titles: list[str | None] | None = None) -> bytes:
    cols = 3
    rows = (len(gray) + cols - 1) // cols
    h, w = gray[0].shape[:2]
    cell_h = width_in / cols * h / w
    fig = _figure(width_in, rows * (cell_h + 0.28) + 0.05)
    for n, (frame, index, rel) in enumerate(zip(gray, indices, from_onset, strict=True)):
        rgb = np.repeat(frame[..., None], 3, axis=2) if frame.ndim == 2 else frame.copy()
        if hide:
            rgb = pixelate(rgb)
        if heat is not None and heat[n] is not None:
            rgb = _overlay(np.ascontiguousarray(rgb), heat[n])
        rgb = _draw_crop(np.ascontiguousarray(rgb), results.crop)
        ax = fig.add_subplot(rows, cols, n + 1)
        ax.imshow(rgb, interpolation="nearest" if hide else "antialiased")
        ax.set_axis_off()
        title = titles[n] if titles is not None and titles[n] else None
        ax.set_title(keyframe_label(rel, index) + (f"\n{title}" if title else ""),
                     fontsize=8 if not title else 7, pad=3)
    fig.subplots_adjust(left=0.005, right=0.995, top=1 - 0.28 / fig.get_figheight() * 0.9,
                        bottom=0.005, wspace=0.03, hspace=0.28 / cell_h)
    return _png(fig, dpi=170)
