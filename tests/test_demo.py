"""`semioscope demo`: built once through the real CLI, then reused; headless report and picture."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from semioscope.cli import main as cli
from semioscope.core.results import load_results
from semioscope.core.trust import assess
from semioscope.demo import QUICK, DemoLayout


def _pdf_text(path: Path) -> list[str]:
    from pypdf import PdfReader

    return [page.extract_text() for page in PdfReader(str(path)).pages]


# built_demo: tests/conftest.py (one quick demo per session, shared with test_learnability)


def test_demo_report_holds_the_held_out_analysis(built_demo: tuple[DemoLayout, Path, str]) -> None:
    layout, pdf, _ = built_demo
    results = load_results(layout.results)
    windows = results.windows
    truth = json.loads(layout.truth.read_text())
    assert windows, "the held-out seizure produced no window"
    # the clinical span came from the synthetic truth: no window outside it
    assert min(w.start_s for w in windows) >= truth["onset_s"] - 1e-6
    assert max(w.end_s for w in windows) <= truth["offset_s"] + 1e-6
    assert all(0.0 <= w.p_tle <= 1.0 for w in windows)
    # analysed with the model trained by the demo, whose CV is in its metadata
    assert results.model.classifier_trained is True
    # ... and marked as a demo model, so the trust rule says so
    assert results.model.classifier_demo and "demo_model" in assess(results).codes
    cv = json.loads((layout.cv_report / "cv.json").read_text())
    assert len(cv["folds"]) == QUICK.folds
    pages = _pdf_text(pdf)
    text = "\n".join(pages)
    verdict = results.summary.label
    assert verdict in ("FLE", "TLE", "uncertain") and verdict in text
    assert f"{len(windows)} windows" in text and results.summary.n_windows == len(windows)
    # no pretrained weights can exist here: every page says so
    assert all("UNTRAINED / DEMO MODEL" in page for page in pages)
    # trained and analysed on cropped videos alike, with saliency beside the results
    cache = json.loads((layout.features / "index.json").read_text())
    assert all(e["spec"]["crop"] is not None for e in cache["entries"].values())
    assert results.crop.source == "auto" and results.saliency is not None
    assert (layout.root / results.saliency.file).is_file()


def test_second_run_reuses_everything(built_demo: tuple[DemoLayout, Path, str],
                                      monkeypatch: pytest.MonkeyPatch,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    layout, _, base = built_demo
    monkeypatch.setenv("SEMIOSCOPE_CACHE_DIR", str(Path(base) / "cache"))
    monkeypatch.setenv("SEMIOSCOPE_DATA_DIR", str(Path(base) / "data"))
    model_mtime = layout.model.stat().st_mtime_ns
    pdf = Path(base) / "again.pdf"
    assert cli(["demo", "--quick", "--report", str(pdf)]) == 0
    out = capsys.readouterr().out
    assert out.count("already built") == 10
    assert "held-out SYNTHETIC seizure, synthesised as TLE: verdict" in out
    assert "UNTRAINED backbone" in out and "standardised" in out
    assert layout.model.stat().st_mtime_ns == model_mtime
    assert pdf.stat().st_size > 10_000


def test_a_redone_step_redoes_every_later_one(built_demo: tuple[DemoLayout, Path, str],
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """A deleted model is retrained, and the held-out results then come from the new model."""
    from semioscope import demo

    layout, _, base = built_demo
    monkeypatch.setenv("SEMIOSCOPE_CACHE_DIR", str(Path(base) / "cache"))
    monkeypatch.setenv("SEMIOSCOPE_DATA_DIR", str(Path(base) / "data"))
    ran: list[str] = []
    monkeypatch.setattr(demo, "_cli", lambda args: ran.append(args[0]))
    layout.model.rename(layout.root / "model.bak")
    try:
        demo.build(layout, QUICK, say=lambda _text: None)
    finally:
        (layout.root / "model.bak").rename(layout.model)
    assert ran == ["train", "synth", "crop", "analyze"]


def test_no_display_writes_report_and_window_picture(built_demo: tuple[DemoLayout, Path, str],
                                                     monkeypatch: pytest.MonkeyPatch,
                                                     qapp: object) -> None:
    import cv2

    layout, _, base = built_demo
    monkeypatch.setenv("SEMIOSCOPE_CACHE_DIR", str(Path(base) / "cache"))
    monkeypatch.setenv("SEMIOSCOPE_DATA_DIR", str(Path(base) / "data"))
    assert cli(["demo", "--quick", "--no-gui"]) == 0
    picture = cv2.imread(str(layout.root / "heldout_review.png"))
    assert picture is not None and picture.shape[1] >= 1000
    assert (layout.root / "heldout_report.pdf").stat().st_size > 10_000


def test_changed_size_rebuilds(tmp_path: Path) -> None:
    """A folder stamped by another demo version is wiped before building (never half-reused)."""
    from semioscope.demo import _check_stamp

    layout = DemoLayout(tmp_path / "demo")
    layout.root.mkdir()
    layout.stamp.write_text(json.dumps({"version": -1}))
    (layout.root / "stale.txt").write_text("old")
    said: list[str] = []
    _check_stamp(layout, QUICK, False, said.append)
    assert not (layout.root / "stale.txt").exists()
    assert said and "rebuilding" in said[0]
    assert json.loads(layout.stamp.read_text())["size"]["patients"] == QUICK.patients


@pytest.mark.parametrize("pretrained,setting", [(True, "hard"), (False, "v2")])
def test_the_demo_trains_on_the_hard_setting_only_with_pretrained_features(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pretrained: bool, setting: str) -> None:
    """Pretrained features make synthetic v2 trivial (bench/RESULTS.md, #25), random ones
    cannot learn the hard setting: both synth calls (training data, held-out seizure) get the
    setting that fits the backbone, and the stamp records it (another setting rebuilds)."""
    from semioscope import demo

    class Stop(Exception):
        pass

    synths: list[list[str]] = []

    def fake_cli(args: list[str]) -> None:
        if args[0] == "extract":
            layout.features.mkdir(parents=True, exist_ok=True)
        if args[0] == "synth":
            synths.append(args)
            if "--label" in args:
                raise Stop

    layout = DemoLayout(tmp_path / "demo")
    monkeypatch.setattr(demo, "pretrained_available", lambda: pretrained)
    monkeypatch.setattr(demo, "_cli", fake_cli)
    with pytest.raises(Stop):
        demo.build(layout, QUICK, say=lambda _text: None)
    assert len(synths) == 2
    for args in synths:
        assert args[args.index("--setting") + 1] == setting
    assert json.loads(layout.stamp.read_text())["setting"] == setting
