"""``semioscope --self-test``: a quick offscreen check that an installation really works.

Why: a PyInstaller bundle (or a venv on a locked-down workstation) can start and still lack a
piece that is only loaded late: a Qt platform plugin, the FFV1 codec, a torch library, the PDF
fonts, the icon. IT runs this once after copying the program; it exercises each of those pieces
on a tiny synthetic clip in a throw-away folder, so it needs no weights, no video, no display and
never touches the user's own cache or data folders.

Each check prints ``self-test: <check> ... pass (x.x s)`` or ``... FAIL: <reason>``; the last line
is ``self-test: PASS`` or ``self-test: FAIL`` and the exit status 0 or 1.
"""

from __future__ import annotations

import math
import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from semioscope.selftest.check import CheckFailed

if TYPE_CHECKING:
    from semioscope.core.results import Results

#: seconds of synthetic video: one analysis window (45 frames >= the 10-frame minimum)
CLIP_SECONDS = 1.5
#: how long the window may take to show the first frame and the crop
WINDOW_TIMEOUT_S = 30.0


@dataclass
class Context:
    """What the checks share: the scratch folder and what earlier checks produced."""

    work: Path
    threads: int
    clip: Path | None = None
    classifier: Path | None = None      # a .semio (research install) or a pack folder (clinician)
    results: Results | None = None


@contextmanager
def _isolated_environment(work: Path) -> Iterator[None]:
    """Temporary user folders and an offscreen Qt, restored afterwards (tests run in-process)."""
    wanted = {"SEMIOSCOPE_DATA_DIR": str(work / "data"),
              "SEMIOSCOPE_CACHE_DIR": str(work / "cache")}
    if not os.environ.get("QT_QPA_PLATFORM"):
        wanted["QT_QPA_PLATFORM"] = "offscreen"
    saved = {name: os.environ.get(name) for name in wanted}
    os.environ.update(wanted)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


# -- the checks ----------------------------------------------------------------------------------
def check_resources(ctx: Context) -> str:
    """The icon files are package data; a bundle that forgot them starts without an icon."""
    from semioscope.resources import ICON_PNG, ICON_SVG, resource_path

    for name in (ICON_PNG, ICON_SVG):
        path = resource_path(name)  # FileNotFoundError names the missing file
        if path.stat().st_size == 0:
            raise CheckFailed(f"{name} is empty")
    return f"icons in {resource_path(ICON_PNG).parent}"


def check_clip(ctx: Context) -> str:
    """FFV1 encoding through PyAV/FFmpeg and the synthetic scene renderer."""
    from semioscope.core.synth import render_seizure
    from semioscope.selftest.openvino import has_torch, make_selftest_pack

    ctx.clip = ctx.work / "selftest_tle.mkv"
    truth = render_seizure(ctx.clip, "TLE", seconds=CLIP_SECONDS, seed=7)
    if has_torch():
        from semioscope.core.models.classifier import random_classifier, save_classifier

        ctx.classifier = ctx.work / "selftest_classifier.semio"
        save_classifier(ctx.classifier, *random_classifier(0))
    else:  # the clinician runtime: a tiny OpenVINO pack stands in for the research team's
        ctx.classifier = make_selftest_pack(ctx.work / "selftest_pack")
    if not ctx.clip.is_file() or ctx.clip.stat().st_size == 0:
        raise CheckFailed("the synthetic clip was not written")
    return f"{truth.frames} frames {truth.width}x{truth.height}"


def check_engine(ctx: Context) -> str:
    """The real analysis (decode, preprocess, I3D, classifier) that `semioscope analyze` runs;
    in the clinician runtime on OpenVINO with the self-test's tiny pack."""
    from semioscope.core.analysis import AnalysisRequest, ModelChoice, RuntimeOptions, analyze
    from semioscope.core.runtime.pack import is_pack

    if ctx.clip is None or ctx.classifier is None:
        raise CheckFailed("no clip (the clip check failed)")
    pack = is_pack(ctx.classifier)
    model = ModelChoice(classifier=None if pack else ctx.classifier,
                        pack=ctx.classifier if pack else None, backbone="i3d",
                        allow_untrained=True)
    request = AnalysisRequest(video=ctx.clip, model=model,
                              options=RuntimeOptions(batch_size=1, threads=ctx.threads))
    results = analyze(request)
    windows = results.windows
    if not windows:
        raise CheckFailed("the analysis produced no window")
    for window in windows:
        p = window.p_tle
        if not isinstance(p, float) or not math.isfinite(p) or not 0.0 <= p <= 1.0:
            raise CheckFailed(f"window {window.index}: P(TLE) = {p!r}, not a probability")
    ctx.results = results
    return f"{len(windows)} window(s), P(TLE) {windows[0].p_tle:.3f}, {results.model.runtime}"


def check_detector(ctx: Context) -> str:
    """torchvision's compiled ops (nms, roi_align): the automatic crop fails without them."""
    from semioscope.selftest.openvino import has_torch

    if not has_torch():  # the clinician runtime: a pack's detector on OpenVINO
        from semioscope.selftest.openvino import check_openvino_detector

        return check_openvino_detector(ctx.classifier, ctx.threads)
    import numpy as np
    import torch
    import torchvision

    from semioscope.core.crop import load_detector

    boxes = torch.tensor([[0.0, 0.0, 10.0, 10.0], [1.0, 1.0, 10.0, 10.0], [20.0, 20.0, 30.0, 30.0]])
    kept = torchvision.ops.nms(boxes, torch.tensor([0.9, 0.8, 0.7]), 0.5).tolist()
    if kept != [0, 2]:
        raise CheckFailed(f"torchvision.ops.nms returned {kept}, expected [0, 2]")
    # the small detector with random weights: exercises the same ops as Mask R-CNN, in seconds
    detector = load_detector("fasterrcnn-mobilenet", allow_untrained=True, threads=ctx.threads,
                             min_size=240)
    rgb = np.random.default_rng(0).integers(0, 256, (424, 512, 3), dtype=np.uint8)
    detector.detect(rgb)
    return f"torchvision {torchvision.__version__}"


def check_report(ctx: Context) -> str:
    """reportlab, matplotlib (Agg) and the DejaVu fonts that the PDF embeds."""
    from semioscope.report import CaseInfo, make_report
    from semioscope.report.pdf import FONT, register_fonts

    if ctx.results is None:
        raise CheckFailed("no results (the engine check failed)")
    register_fonts()  # the fonts live in matplotlib's data folder, which a bundle must carry
    from reportlab.pdfbase import pdfmetrics

    if FONT not in pdfmetrics.getRegisteredFontNames():
        raise CheckFailed(f"font {FONT} not registered")
    report = make_report(ctx.results, CaseInfo(deidentify=True), subject="self-test results")
    if not report.pdf.startswith(b"%PDF") or report.pages < 1:
        raise CheckFailed("the report is not a PDF")
    return f"{report.pages} page(s), {len(report.pdf) // 1024} KiB"


def check_window(ctx: Context) -> str:
    """The review window opens the clip, shows its first frame and its crop, then closes."""
    from semioscope.app.qtfix import offscreen_size_hint_warnings_hidden
    from semioscope.app.selfcheck import WindowCheckError, open_in_window

    if ctx.clip is None:
        raise CheckFailed("no clip (the clip check failed)")
    try:
        with offscreen_size_hint_warnings_hidden():
            return open_in_window(ctx.clip, ctx.classifier, ctx.threads, WINDOW_TIMEOUT_S)
    except WindowCheckError as exc:
        raise CheckFailed(str(exc)) from None


#: (label, name of the check function); looked up at run time so tests can replace one
CHECKS: tuple[tuple[str, str], ...] = (
    ("resources", "check_resources"),
    ("synthetic clip", "check_clip"),
    ("analysis engine", "check_engine"),
    ("crop detector", "check_detector"),
    ("PDF report", "check_report"),
    ("review window", "check_window"),
)


def _describe(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    if isinstance(exc, CheckFailed):
        return text
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def run_self_test(out: TextIO | None = None, threads: int | None = None) -> int:
    """Run every check, print one line each and a verdict; 0 when all pass, else 1."""
    out = out or sys.stdout

    def say(line: str) -> None:
        print(f"self-test: {line}", file=out, flush=True)

    from semioscope import __version__

    frozen = "frozen bundle" if getattr(sys, "frozen", False) else "Python " + sys.version.split()[0]
    say(f"semioscope {__version__} ({frozen}, {sys.platform})")
    threads = threads or max(1, min(4, os.cpu_count() or 1))
    failed = 0
    start = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="semioscope-selftest-") as tmp, \
            _isolated_environment(Path(tmp)):
        ctx = Context(work=Path(tmp), threads=threads)
        for label, name in CHECKS:
            check: Callable[[Context], str] = globals()[name]
            t0 = time.monotonic()
            try:
                detail = check(ctx)
            except Exception as exc:  # noqa: BLE001 - every failure is reported, none is fatal
                failed += 1
                say(f"{label} ... FAIL: {_describe(exc)}")
                continue
            extra = f", {detail}" if detail else ""
            say(f"{label} ... pass ({time.monotonic() - t0:.1f} s{extra})")
        try:
            from semioscope.app.selfcheck import display_plugin_note

            note = display_plugin_note()
        except Exception as exc:  # noqa: BLE001 - a note must never fail the self-test
            note = f"could not check the X11 display plugin: {_describe(exc)}"
        if note:
            say(f"note: {note}")
    say(f"{len(CHECKS) - failed} of {len(CHECKS)} checks passed in "
        f"{time.monotonic() - start:.1f} s")
    say("PASS" if failed == 0 else "FAIL")
    return 0 if failed == 0 else 1
