"""#18's limb check on the learned model, per backbone layer: does the evidence lie on the limb
that moves?

    python bench/bench_limb_evidence.py WORK [--model M] [--clips 3] [--reference 8] [--out FILE]

WORK is a ``bench_learnability.py`` work folder (its ``cropped.csv``, its model, by default
``WORK/model.semio``, and its one-limb clips ``limbs/<limb>.mkv``, rendered here as
bench_learnability renders them when missing); ``--clips K`` makes sure there are K clips per
limb (those four plus ``<limb>-<j>.mkv`` rendered as bench_saliency ``--extra`` does:
a calm patient in a scene never trained on, only that limb moving as in a hypermotor seizure),
so 4 x K clips in all. Each clip is cropped with the ground truth and every 2-s window of its
span goes through the backbone found by the CLI (the imported pretrained I3D when there is one).

Per window and per layer (Mixed_4f, Mixed_5b, Mixed_5c; core/explain ``grad_cam_at``, the channel
weights per time slice of that layer, activations relative to the layer's per-channel mean over
``--reference`` training windows, at Mixed_5c also the classifier's own reference, which is what
``analyze --saliency`` stores): the share of the positive Grad-CAM mass, placed on the crop,
inside the moving limb's truth box (union of its per-frame boxes over the window), against the
box's share of the crop (chance), and the share on the trunk and head boxes. Two targets: the
predicted class (what the product shows) and P(FLE) (the class a hypermotor limb is evidence
for). A clip passes when its windows' mean share on the limb is >= 0.5 (#18's criterion).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.common import emit, machine  # noqa: E402

PASS = 0.5


def clips(work: Path, per_limb: int) -> list[Path]:
    """bench_learnability's one-limb clips plus ``per_limb - 1`` more per limb, each cropped."""
    import numpy as np

    from bench.bench_learnability import LIMBS, cli
    from bench.bench_saliency import extra_clips
    from semioscope.core.synth import SceneOptions, render_seizure

    for k, limb in enumerate(LIMBS):        # bench_learnability's limb_evidence clips
        video = work / "limbs" / f"{limb}.mkv"
        if not video.exists():
            render_seizure(video, "FLE", seconds=8.0, seed=500 + k, limb=limb,
                           options=SceneOptions.random(np.random.default_rng([77, k])))
        if not video.with_suffix(".crop.json").exists():
            cli(["crop", str(video), "--detector", "truth", "--out",
                 str(video.with_suffix(".crop.json"))])
    if per_limb > 1:
        extra_clips(work, per_limb - 1)
    return [work / "limbs" / (f"{limb}.mkv" if j == 0 else f"{limb}-{j}.mkv")
            for limb in LIMBS for j in range(per_limb)]


def windows(backbone, video: Path, crop, onset_s: float, offset_s: float):
    """``(window, {layer: map})`` for each analysis window of the span (kinect mapping, as the
    synthetic videos' analyses use)."""
    import numpy as np
    import torch

    from semioscope.core.explain import layer_maps
    from semioscope.core.preprocess import preprocess_clip
    from semioscope.core.video import mapping_for, open_video
    from semioscope.core.windows import plan_windows

    with open_video(video) as reader:
        plan = plan_windows(reader.properties, onset_s, offset_s, times=reader.frame_times())
        mp = mapping_for(reader, "kinect")
        for w in plan.windows:
            frames = np.stack([reader.read(int(i)) for i in plan.source_indices(w)])
            clip = torch.from_numpy(preprocess_clip(frames, crop=crop, mapping=mp))[None]
            yield w, {k: v[0] for k, v in layer_maps(backbone, clip).items()}


def references(backbone, work: Path, count: int):
    """Per layer, the per-channel mean over ``count`` training windows (the first window of the
    first ``count`` seizures of the cropped manifest, classes alternating)."""
    from semioscope.core.explain import LAYERS, layer_reference
    from semioscope.core.training.manifest import load_manifest

    rows = load_manifest(work / "cropped.csv").rows[:count]
    seen: dict[str, list] = {layer: [] for layer in LAYERS}
    labels = []
    for row in rows:
        for _, maps in windows(backbone, row.video, row.crop, row.onset_s, row.offset_s):
            for layer in LAYERS:
                seen[layer].append(maps[layer])
            labels.append(row.label)
            break
    return {layer: layer_reference(m) for layer, m in seen.items()}, labels


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("work", type=Path)
    ap.add_argument("--model", type=Path, help="the learned model (default WORK/model.semio)")
    ap.add_argument("--clips", type=int, default=3, help="clips per limb (4 limbs)")
    ap.add_argument("--reference", type=int, default=8, help="training windows for the "
                    "per-layer reference")
    ap.add_argument("--out")
    a = ap.parse_args()
    import numpy as np
    import torch

    from semioscope.core.explain import LAYERS, grad_cam_at, place
    from semioscope.core.geometry import Box
    from semioscope.core.models.backbone import load_backbone
    from semioscope.core.models.classifier import load_classifier
    from semioscope.core.synth import part_box_during

    t0 = time.perf_counter()
    torch.set_num_threads(2)
    videos = clips(a.work, a.clips)
    model = a.model or a.work / "model.semio"
    classifier, _ = load_classifier(model)
    backbone = load_backbone("i3d", allow_untrained=True, threads=2, device="cpu")
    refs, ref_labels = references(backbone, a.work, a.reference)
    variants = [(layer, "layer mean") for layer in LAYERS] + [("Mixed_5c", "classifier's")]
    targets = ("shown", "FLE")
    rows, per = [], {(v, t): [] for v in variants for t in targets}
    clip_means: dict[tuple, dict[str, list[float]]] = {(v, t): {} for v in variants for t in targets}
    cells = {}
    for video in videos:
        limb = video.stem.split("-")[0]
        truth = json.loads(video.with_name(f"{video.stem}.truth.json").read_text())
        crop = Box.from_dict(json.loads(video.with_suffix(".crop.json").read_text())["box"])
        for w, maps in windows(backbone, video, crop, truth["onset_s"], truth["offset_s"]):
            box = part_box_during(truth, limb, w.start_s, w.end_s)
            trunk = part_box_during(truth, "trunk", w.start_s, w.end_s)
            head = part_box_during(truth, "head", w.start_s, w.end_s)
            inter = Box(max(box.x, crop.x), max(box.y, crop.y), 0, 0)
            ow = max(0, min(box.x2, crop.x2) - inter.x)
            oh = max(0, min(box.y2, crop.y2) - inter.y)
            chance = ow * oh / crop.area
            for layer in LAYERS:     # the best a single cell of this grid could do
                h, wd = maps[layer].shape[2:]
                best = 0.0
                for i in range(h * wd):
                    one = np.zeros((h, wd), np.float32)
                    one.flat[i] = 1.0
                    best = max(best, place(one, crop).fraction_inside(box) or 0.0)
                cells[(video.stem, w.index, layer)] = best
            line = [video.stem, str(w.index), f"{round(box.w * 224 / max(crop.w, crop.h))}x"
                    f"{round(box.h * 224 / max(crop.w, crop.h))}", f"{chance:.2f}"]
            p_shown = None
            for variant in variants:
                layer, ref_kind = variant
                ref = classifier.feature_mean if ref_kind == "classifier's" else refs[layer]
                for target in targets:
                    cam = grad_cam_at(backbone, classifier, maps[layer], layer, reference=ref,
                                      threshold=1.01 if target == "FLE" else 0.5)
                    p_shown = cam.p_tle
                    placed = place(cam.cam, crop)
                    on = placed.fraction_inside(box)
                    on = 0.0 if on is None else on
                    per[(variant, target)].append((on, chance))
                    clip_means[(variant, target)].setdefault(video.stem, []).append(on)
                    if target == "shown":
                        line.append(f"{on:.2f} ({(placed.fraction_inside(trunk) or 0):.2f}/"
                                    f"{(placed.fraction_inside(head) or 0):.2f})")
                    else:
                        line.append(f"{on:.2f}")
            line.insert(2, f"{p_shown:.2f}")
            rows.append("| " + " | ".join(line) + " |")
            print(rows[-1], flush=True)
    names = [f"{layer} ({ref} ref.)" for layer, ref in variants]
    head = ["| clip | window | P(TLE) | limb box on the 224 input (px) | chance | "
            + " | ".join(f"{n}: shown class, on limb (trunk/head) | {n}: P(FLE)" for n in names)
            + " |", "|---" * (5 + 2 * len(variants)) + "|"]
    summary = ["", "| layer (reference) | target | on limb: median (range) over windows | "
               "windows >= 0.5 | windows above chance | clips with mean >= 0.5 | best single "
               "cell, median |", "|---|---|---|---|---|---|---|"]
    for variant, name in zip(variants, names, strict=True):
        for target in targets:
            values = per[(variant, target)]
            on = [v for v, _ in values]
            means = [statistics.mean(v) for v in clip_means[(variant, target)].values()]
            best = statistics.median(v for (_, _, lay), v in cells.items() if lay == variant[0])
            summary.append(
                f"| {name} | {'predicted class' if target == 'shown' else 'P(FLE)'} | "
                f"{statistics.median(on):.2f} ({min(on):.2f}-{max(on):.2f}) | "
                f"{sum(v >= PASS for v in on)}/{len(on)} | "
                f"{sum(v > c for v, c in values)}/{len(on)} | "
                f"{sum(m >= PASS for m in means)}/{len(means)} | {best:.2f} |")
    text = "\n".join([
        f"Machine: {machine()}; torch {torch.__version__}, 2 threads; backbone "
        f"{'pretrained ' + (backbone.weights_sha256 or '')[:12] if backbone.pretrained else 'RANDOM'}"
        f"; model {model}; {len(videos)} one-limb clips; per-layer reference "
        f"over {len(ref_labels)} training windows ({', '.join(ref_labels)}); "
        f"{time.perf_counter() - t0:.0f} s.", "", *head, *rows, *summary])
    emit(text, a.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
