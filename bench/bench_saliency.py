"""Saliency cost per 2-s window, and where the evidence lies under each Grad-CAM variant.

    python bench/bench_saliency.py [--reps 3] [--out bench/results/saliency.md]
    python bench/bench_saliency.py --limbs WORK [--extra 1] [--out ...]
    python bench/bench_saliency.py --padding DEMO_DIR [--out ...]

Default: the backbone map (which the analysis computes anyway) and the Grad-CAM step added by
``analyze --saliency`` (classifier forward + backward, placement), on one 60-frame 224x224
window of a synthetic seizure, untrained I3D, 2 threads; median and range of ``--reps``
repetitions. On-demand saliency of one window costs the sum of the two.

``--limbs WORK``: a ``bench_learnability.py`` work folder (its ``model.semio`` and its one-limb
clips ``limbs/*.mkv`` with their crop and truth files). For every window of every clip: the
share of each variant's map (placed on the crop as stored) inside the moving limb's truth box,
against chance (the box's share of the crop), the best a single 7x7 cell could do (resolution),
where the untrained backbone's own map varies in time and how many of its 1024 channels vary
mostly on the box (does Mixed_5c localise the motion at all?).
``--extra K`` first renders K more one-limb clips per limb (other scenes and seeds, cropped with
the truth) beside bench_learnability's four.

``--padding DEMO_DIR``: the demo cache folder (``heldout_seizure.mkv``, ``heldout_results.json``,
``demo_model.semio``): per window, the share of each variant's positive evidence on the crop
(not the padding), and Grad-CAM's uniform term against the cells' spread.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.common import emit, machine  # noqa: E402

#: the variants compared (name -> options of :func:`variant_cam`); "now" is core/explain's
VARIANTS = {
    "Grad-CAM as before (weights averaged over time, zero reference, ReLU per time step)": {
        "slices": False, "ref": False, "per_step": True},
    "weights averaged over time, classifier's reference": {"slices": False},
    "weights per time slice, zero reference": {"ref": False},
    "now: weights per time slice, classifier's reference": {},
    "now, explaining P(FLE) in every window": {"target": "FLE"},
    "now, moving part only (map minus its time mean)": {"dynamic": True},
    "now, with positive-gradient weights (Grad-CAM++'s ReLU on the gradient, Chattopadhay "
    "et al. 2018, without its alpha coefficients)": {"positive": True},
}


def variant_cam(classifier, maps, *, slices: bool = True, ref: bool = True,
                target: str | None = None, dynamic: bool = False, positive: bool = False,
                per_step: bool = False):
    """One window's map ``(h, w)`` under a variant of core/explain's Grad-CAM (the default
    options are core/explain's, checked against it in :func:`limbs`)."""
    import torch

    from semioscope.core.explain.gradcam import pool_maps, reference_features
    from semioscope.core.models.classifier import pad_features

    with torch.enable_grad():
        a = maps[None].clone().float().requires_grad_(True)
        p = classifier.eval()(pad_features(pool_maps(a)[0], classifier.config.steps)[None])
        p = p.reshape(-1)[0]
        target = target or ("TLE" if float(p.detach()) >= 0.5 else "FLE")
        (grad,) = torch.autograd.grad(p if target == "TLE" else 1 - p, a)
    g = torch.relu(grad[0]) if positive else grad[0]
    w = g.mean(dim=(2, 3)) if slices else g.mean(dim=(1, 2, 3))[:, None].expand(-1, maps.shape[1])
    acts = maps.float()
    mu = reference_features(classifier)
    if dynamic:
        acts = acts - acts.mean(dim=1, keepdim=True)
    elif ref and mu is not None:
        acts = acts - mu[:, None, None, None]
    if per_step:   # each time step rectified, then averaged
        cam = torch.relu(torch.einsum("ct,cthw->thw", w, acts)).mean(dim=0)
    else:          # the net evidence over the window, rectified
        cam = torch.relu(torch.einsum("ct,cthw->hw", w, acts))
    return cam.numpy(), float(p.detach())


def window_maps(video, crop, onset_s: float, offset_s: float, mapping: str):
    """Each analysis window of ``video``'s span: ``(window, Mixed_5c map)``, untrained I3D."""
    import numpy as np
    import torch

    from semioscope.core.explain import feature_maps
    from semioscope.core.models.backbone import load_backbone
    from semioscope.core.preprocess import preprocess_clip
    from semioscope.core.video import mapping_for, open_video
    from semioscope.core.windows import plan_windows

    backbone = load_backbone("i3d", allow_untrained=True, threads=2, device="cpu")
    with open_video(video) as reader:
        plan = plan_windows(reader.properties, onset_s, offset_s, times=reader.frame_times())
        mp = mapping_for(reader, mapping)
        for w in plan.windows:
            frames = np.stack([reader.read(int(i)) for i in plan.source_indices(w)])
            clip = torch.from_numpy(preprocess_clip(frames, crop=crop, mapping=mp))[None]
            yield w, feature_maps(backbone, clip)[0]


def share(v: float | None) -> str:
    return "-" if v is None else f"{v:.2f}"


def spread(values: list[float]) -> str:
    import statistics

    return (f"{statistics.median(values):.2f} ({min(values):.2f}–{max(values):.2f})"
            if values else "-")


def extra_clips(work: Path, count: int, seconds: float = 8.0) -> None:
    """``count`` more one-limb clips per limb in ``work/limbs`` (``l_arm-1.mkv`` ...), as
    bench_learnability renders its own (a calm patient, only that limb moving), other seeds."""
    import numpy as np

    from bench.bench_learnability import LIMBS, cli
    from semioscope.core.synth import SceneOptions, render_seizure

    for k, limb in enumerate(LIMBS):
        for j in range(1, count + 1):
            video = work / "limbs" / f"{limb}-{j}.mkv"
            if not video.exists():
                render_seizure(video, "FLE", seconds=seconds, seed=600 + 10 * k + j, limb=limb,
                               options=SceneOptions.random(np.random.default_rng([78, k, j])))
            if not video.with_suffix(".crop.json").exists():
                cli(["crop", str(video), "--detector", "truth", "--out",
                     str(video.with_suffix(".crop.json"))])


def limbs(work: Path) -> str:
    """Evidence on the moving limb's truth box, every variant, every one-limb window."""
    import json

    import numpy as np
    import torch

    from semioscope.core.explain import grad_cam, place
    from semioscope.core.geometry import Box
    from semioscope.core.models.classifier import load_classifier
    from semioscope.core.synth import part_box_during

    classifier, _ = load_classifier(work / "model.semio")
    names = list(VARIANTS)
    rows, per_variant = [], {n: ([], []) for n in names}   # (all windows, FLE-scored ones)
    for video in sorted((work / "limbs").glob("*.mkv")):
        limb = video.stem.split("-")[0]
        truth = json.loads(video.with_name(f"{video.stem}.truth.json").read_text())
        crop = Box.from_dict(json.loads(video.with_suffix(".crop.json").read_text())["box"])
        for w, maps in window_maps(video, crop, truth["onset_s"], truth["offset_s"], "kinect"):
            region = part_box_during(truth, limb, w.start_s, w.end_s)
            x0, y0, x1, y1 = region.x, region.y, region.x2, region.y2
            overlap = max(0, min(x1, crop.x2) - max(x0, crop.x)) * \
                max(0, min(y1, crop.y2) - max(y0, crop.y))
            cells = []
            for i in range(49):
                one = np.zeros((7, 7), np.float32)
                one.flat[i] = 1.0
                cells.append(place(one, crop).fraction_inside(region) or 0.0)
            motion = maps.std(dim=1).square().sum(0).sqrt().numpy()
            moving = place(motion - motion.min(), crop).fraction_inside(region)
            per_channel = maps.std(dim=1).numpy()                  # (C, h, w)
            localised = sum(
                (place(c - c.min(), crop).fraction_inside(region) or 0.0) > 0.5
                for c in per_channel if c.max() > c.min())
            now = grad_cam(classifier, maps)
            fractions = []
            for name in names:
                cam, p = variant_cam(classifier, maps, **VARIANTS[name])
                if name.startswith("now:"):   # the bench's formula is core/explain's
                    assert np.allclose(cam / max(cam.max(), 1e-30), now.cam, atol=1e-5), name
                f = place(cam / cam.max() if cam.max() > 0 else cam, crop).fraction_inside(region)
                fractions.append(f)
                per_variant[name][0].append(f or 0.0)
                if p < 0.5:
                    per_variant[name][1].append(f or 0.0)
            scale = 224 / max(crop.w, crop.h)
            rows.append(f"| {video.stem} | {w.index} | {now.p_tle:.2f} | {round(region.w * scale)}x"
                        f"{round(region.h * scale)} | {overlap / crop.area:.2f} | "
                        f"{max(cells):.2f} | {share(moving)} | {localised} | "
                        + " | ".join(share(f) for f in fractions) + " |")
    head = ["| limb | window | P(TLE) | limb box on the 224 input (px) | chance | best single "
            "cell | backbone motion | channels moving mostly on the limb (of 1024) | "
            + " | ".join(f"V{k + 1}" for k in range(len(names))) + " |",
            "|---" * (8 + len(names)) + "|"]
    legend = [f"- V{k + 1}: {n}" for k, n in enumerate(names)]
    summary = ["", "| variant | on limb, all windows: median (range) | FLE-scored windows |",
               "|---|---|---|"] + [f"| V{k + 1} | {spread(per_variant[n][0])} | "
                                   f"{spread(per_variant[n][1])} |" for k, n in enumerate(names)]
    return "\n".join([f"Machine: {machine()}; torch {torch.__version__}; model {work / 'model.semio'}",
                      "", *head, *rows, "", *legend, *summary])


def padding(demo: Path) -> str:
    """Per window of the demo's held-out seizure: each variant's share of positive evidence on
    the crop, and the plain Grad-CAM's uniform term against the cells' spread."""
    import json

    import torch

    from semioscope.core.explain.gradcam import pool_maps, reference_features
    from semioscope.core.explain.placement import place
    from semioscope.core.geometry import Box
    from semioscope.core.models.classifier import load_classifier, pad_features

    classifier, _ = load_classifier(demo / "demo_model.semio")
    results = json.loads((demo / "heldout_results.json").read_text())
    crop = Box.from_dict(results["crop"])
    mu = reference_features(classifier)
    names = list(VARIANTS)
    rows = []
    for w, maps in window_maps(demo / "heldout_seizure.mkv", crop, results["span"]["onset_s"],
                               results["span"]["offset_s"], results["mapping"]["name"]):
        with torch.enable_grad():
            a = maps[None].clone().requires_grad_(True)
            p = classifier.eval()(pad_features(pool_maps(a)[0], classifier.config.steps)[None])
            p = p.reshape(-1)[0]
            (grad,) = torch.autograd.grad(p if float(p.detach()) >= 0.5 else 1 - p, a)
        weights = grad[0].mean(dim=(1, 2, 3))
        plain = torch.einsum("c,cthw->hw", weights, maps) / maps.shape[1]
        uniform = float(weights @ mu) if mu is not None else 0.0
        shares = []
        for name in names:
            cam, _ = variant_cam(classifier, maps, **VARIANTS[name])
            shares.append(share(place(cam, crop).in_crop) if cam.max() > 0 else "- (none)")
        rows.append(f"| {w.index} | {float(p):.2f} | {int((plain > 0).sum())} | {uniform:+.4f} | "
                    f"{float((plain - uniform).abs().max()):.4f} | " + " | ".join(shares) + " |")
    head = ["| window | P(TLE) | cells > 0 (plain, time mean) | uniform term w.ref | largest "
            "cell deviation | " + " | ".join(f"V{k + 1} on crop" for k in range(len(names)))
            + " |", "|---" * (5 + len(names)) + "|"]
    return "\n".join([f"Machine: {machine()}; crop {crop} ({crop.w}x{crop.h})", "", *head, *rows,
                      "", *[f"- V{k + 1}: {n}" for k, n in enumerate(names)]])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--limbs", type=Path, help="a bench_learnability work folder")
    ap.add_argument("--extra", type=int, default=0, help="with --limbs: more clips per limb")
    ap.add_argument("--padding", type=Path, help="the demo's cache folder")
    ap.add_argument("--out")
    a = ap.parse_args()
    if a.limbs or a.padding:
        import torch

        torch.set_num_threads(2)
        if a.limbs and a.extra:
            extra_clips(a.limbs, a.extra)
        emit(limbs(a.limbs) if a.limbs else padding(a.padding), a.out)
        return 0
    import numpy as np
    import torch

    from semioscope.core.explain import feature_maps, grad_cam, place
    from semioscope.core.geometry import Box
    from semioscope.core.models.backbone import load_backbone
    from semioscope.core.models.classifier import random_classifier
    from semioscope.core.preprocess import preprocess_gray, to_rgb
    from semioscope.core.synth.render import iter_frames
    from semioscope.core.video.mapping import IntensityMapping

    torch.set_num_threads(2)
    frames = np.stack(list(iter_frames("FLE", seconds=4.0, seed=1))[60:120])
    crop = Box(0, 71, 498, 254)
    clip = to_rgb(preprocess_gray(frames, crop=crop, mapping=IntensityMapping.from_dict(
        {"name": "kinect"})))
    x = torch.from_numpy(clip)[None]
    backbone = load_backbone("i3d", allow_untrained=True, threads=2, device="cpu")
    model, _ = random_classifier(0, backbone)
    feature_maps(backbone, x)   # warm-up
    maps_s, cam_s = [], []
    for _ in range(a.reps):
        t0 = time.perf_counter()
        maps = feature_maps(backbone, x)
        t1 = time.perf_counter()
        cam = grad_cam(model, maps[0])
        place(cam.cam, crop)
        t2 = time.perf_counter()
        maps_s.append(t1 - t0)
        cam_s.append(t2 - t1)

    def fmt(v: list[float], unit: float = 1.0, digits: int = 2) -> str:
        return (f"{statistics.median(v) * unit:.{digits}f} ({min(v) * unit:.{digits}f}–"
                f"{max(v) * unit:.{digits}f})")

    emit("\n".join([
        f"Machine: {machine()}; torch {torch.__version__}, 2 threads; {a.reps} repetitions, "
        "median (min–max).", "",
        "| step | time per 60-frame window |", "|---|---|",
        f"| backbone to Mixed_5c (needed by the analysis anyway) | {fmt(maps_s)} s |",
        f"| Grad-CAM added by --saliency (LSTM forward + backward, placement) | "
        f"{fmt(cam_s, 1000, 1)} ms |",
        "| one window on demand (both) | "
        f"{fmt([m + c for m, c in zip(maps_s, cam_s, strict=True)])} s |"]),
        a.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
