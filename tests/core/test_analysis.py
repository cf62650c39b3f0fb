"""analyze() end to end: the request, its checks and the results (stand-in and real models)."""

from __future__ import annotations

import dataclasses
import threading
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from semioscope import UNTRAINED_WARNING
from semioscope.core.analysis import (
    AnalysisRequest,
    ModelChoice,
    Progress,
    RuntimeOptions,
    Span,
    analyze,
)
from semioscope.core.cancel import CancelToken
from semioscope.core.crop.editing import Crop
from semioscope.core.geometry import Box
from semioscope.core.hashing import file_sha256
from semioscope.core.preprocess import preprocess_gray
from semioscope.core.results import (
    PartialResults,
    SpanInfo,
    results_from_dict,
    results_to_dict,
    validate_results,
)
from semioscope.core.trust import assess
from semioscope.errors import CancelledError, SemioscopeError, WeightsError
from tests.core.stand_ins import MeanBackbone, assert_decoder_stopped, frames_with_ids

# -- analyze(): the request, checks, results object ------------------------------------------

def _video(path: Path, n: int, fps: float = 30.0) -> Path:
    from semioscope.core.video.writer import write_ffv1

    write_ffv1(path, list(frames_with_ids(n, 40, 48)), fps=fps)
    return path


@pytest.fixture
def fake_backbone(monkeypatch: pytest.MonkeyPatch) -> list[MeanBackbone]:
    """Replace the real backbone loader by the cheap stand-in (the classifier stays real)."""
    import semioscope.core.models.backbone as backbone_module

    made: list[MeanBackbone] = []

    def load(name: str, weights: Any = None, *, allow_untrained: bool = False,
             threads: int | None = None, seed: int = 0, device: str = "auto") -> MeanBackbone:
        made.append(MeanBackbone())
        made[-1].name = name
        return made[-1]

    monkeypatch.setattr(backbone_module, "load_backbone", load)
    return made


def _classifier(path: Path, **changes: Any) -> Path:
    from semioscope.core.models.classifier import random_classifier, save_classifier

    model, meta = random_classifier(3, "i3d")
    save_classifier(path, model, dataclasses.replace(meta, **changes))
    return path


def test_results_object_has_every_field(tmp_path: Path, fake_backbone: list[Any]) -> None:
    video = _video(tmp_path / "v.mkv", 200)
    stages: list[Progress] = []
    results = analyze(AnalysisRequest(video=video, crop=Crop(manual_box=Box(2, 2, 40, 30)),
                                      span=Span(onset_s=1.0, offset_s=5.0),
                                      model=ModelChoice(allow_untrained=True),
                                      options=RuntimeOptions(batch_size=2)),
                      progress=stages.append)
    assert results_from_dict(results_to_dict(results)) == results
    assert [w.n_frames for w in results.windows] == [60, 60]
    assert results.span == SpanInfo(1.0, 5.0, 30, 150)
    assert results.crop.source == "manual" and results.crop.w == 40
    assert results.video.sha256 == file_sha256(video)
    assert results.model.backbone_pretrained is False
    assert results.model.classifier_trained is False
    assert results.model.weights_status == "random"
    texts = [r.text for r in assess(results).reasons]
    assert UNTRAINED_WARNING in texts
    assert any(t.startswith("untrained classifier") for t in texts)
    assert results.inputs.crop == Box(2, 2, 40, 30) and results.inputs.span == (1.0, 5.0)
    assert stages[0].stage == "loading" and stages[-1].stage == "done"
    assert [p.done for p in stages if p.stage == "features"] == [0, 2]
    assert stages[-1].eta_s == 0.0


def test_decoding_starts_while_the_backbone_loads(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """The loader waits for the first preprocessed window: it only comes if decoding already
    runs beside the loading (else the wait times out and the test fails)."""
    import semioscope.core.features as features
    import semioscope.core.models.backbone as backbone_module

    first_window = threading.Event()
    waited: list[bool] = []

    def preprocess(*args: Any, **kwargs: Any) -> np.ndarray:
        first_window.set()
        return preprocess_gray(*args, **kwargs)

    def load(name: str, *args: Any, **kwargs: Any) -> MeanBackbone:
        waited.append(first_window.wait(timeout=20))
        return MeanBackbone()

    monkeypatch.setattr(features, "preprocess_gray", preprocess)
    monkeypatch.setattr(backbone_module, "load_backbone", load)
    video = _video(tmp_path / "v.mkv", 130)
    results = analyze(AnalysisRequest(video=video, model=ModelChoice(allow_untrained=True),
                                      options=RuntimeOptions(runtime="torch")))
    assert waited == [True] and len(results.windows) == 3
    assert results.video.sha256 == file_sha256(video)     # hashed beside the loading
    assert_decoder_stopped()


def test_a_failing_load_stops_the_early_decoder(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    import semioscope.core.models.backbone as backbone_module

    def load(name: str, *args: Any, **kwargs: Any) -> MeanBackbone:
        raise WeightsError("w.pt", "not an I3D checkpoint")

    monkeypatch.setattr(backbone_module, "load_backbone", load)
    with pytest.raises(WeightsError, match="not an I3D checkpoint"):
        analyze(AnalysisRequest(video=_video(tmp_path / "v.mkv", 300),
                                model=ModelChoice(allow_untrained=True),
                                options=RuntimeOptions(runtime="torch")))
    assert_decoder_stopped()


def test_no_classifier_needs_the_flag(tmp_path: Path) -> None:
    with pytest.raises(SemioscopeError, match="--classifier"):
        analyze(AnalysisRequest(video=_video(tmp_path / "v.mkv", 20)))


def test_cancel_mid_run_raises(tmp_path: Path, fake_backbone: list[Any]) -> None:
    token = CancelToken()

    def sink(p: Progress) -> None:
        if p.stage == "features" and p.done >= 1:
            token.cancel()

    request = AnalysisRequest(video=_video(tmp_path / "v.mkv", 300),
                              model=ModelChoice(allow_untrained=True),
                              options=RuntimeOptions(batch_size=1))
    with pytest.raises(CancelledError):
        analyze(request, progress=sink, cancel=token)
    assert len(fake_backbone[0].batches) == 1  # stopped after the first window
    assert_decoder_stopped()


@pytest.mark.parametrize(("changes", "fragment"), [
    ({"backbone": "s3d"}, "s3d features"),
    ({"preprocessing_version": "paper-v0"}, "preprocessing"),
    ({"mapping": {"name": "percentile", "params": {}}}, "mapping"),
])
def test_mismatched_classifier_is_refused(tmp_path: Path, fake_backbone: list[Any],
                                          changes: dict[str, Any], fragment: str) -> None:
    clf = _classifier(tmp_path / "c.pt", **changes)
    with pytest.raises(WeightsError, match=fragment) as info:
        analyze(AnalysisRequest(video=_video(tmp_path / "v.mkv", 20),
                                model=ModelChoice(classifier=clf, allow_untrained=True)))
    assert "c.pt" in str(info.value)
    assert fake_backbone == [] or fake_backbone[0].batches == []  # refused before any window


def test_classifier_threshold_and_band_label_windows(tmp_path: Path,
                                                     fake_backbone: list[Any]) -> None:
    clf = _classifier(tmp_path / "c.pt", threshold=0.0, uncertain_band=(-1.0, -1.0))
    results = analyze(AnalysisRequest(video=_video(tmp_path / "v.mkv", 130),
                                      model=ModelChoice(classifier=clf, allow_untrained=True)))
    assert [w.label for w in results.windows] == ["TLE"] * 3  # p >= 0 always
    assert results.summary.label == "TLE" and results.summary.threshold == 0.0
    assert results.model.classifier_sha256 == file_sha256(clf)


def test_real_i3d_on_a_short_span(tmp_path: Path) -> None:
    """The real (untrained) I3D on one 15-frame window: shapes and probabilities end to end."""
    results = analyze(AnalysisRequest(video=_video(tmp_path / "v.mkv", 40), mapping="percentile",
                                      span=Span(offset_s=0.5),
                                      model=ModelChoice(allow_untrained=True),
                                      options=RuntimeOptions(threads=2)))
    assert [w.n_frames for w in results.windows] == [15]
    assert 0.0 <= results.windows[0].p_tle <= 1.0
    assert results.model.backbone == "i3d"
    assert results.mapping.name == "percentile" and "low" in results.mapping.params
    validate_results(results_to_dict(results))


def test_trained_on_pretrained_features_refuses_random_backbone(
        tmp_path: Path, fake_backbone: list[Any]) -> None:
    clf = _classifier(tmp_path / "c.pt", backbone_pretrained=True,
                      backbone_weights_sha256="ab" * 32)
    with pytest.raises(WeightsError, match="pretrained"):
        analyze(AnalysisRequest(video=_video(tmp_path / "v.mkv", 20),
                                model=ModelChoice(classifier=clf, allow_untrained=True)))
    assert fake_backbone[0].batches == []


def test_other_backbone_weights_are_refused(tmp_path: Path, fake_backbone: list[Any],
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(MeanBackbone, "pretrained", True)
    monkeypatch.setattr(MeanBackbone, "weights_sha256", "cd" * 32)
    clf = _classifier(tmp_path / "c.pt", trained=True, backbone_pretrained=True,
                      backbone_weights_sha256="ab" * 32)
    with pytest.raises(WeightsError, match="backbone weights"):
        analyze(AnalysisRequest(video=_video(tmp_path / "v.mkv", 20),
                                model=ModelChoice(classifier=clf)))
    good = _classifier(tmp_path / "good.pt", trained=True, backbone_pretrained=True,
                       backbone_weights_sha256="cd" * 32)
    results = analyze(AnalysisRequest(video=_video(tmp_path / "v.mkv", 20),
                                      model=ModelChoice(classifier=good)))
    assert results.model.backbone_pretrained is True
    assert results.model.classifier_backbone_sha256 == "cd" * 32
    # the hash is not the registry's: "custom weights, unverified", and only that
    assert assess(results).codes == ("custom_weights",)
    # the same mismatch with the explicit override runs, and the result says so
    flagged = analyze(AnalysisRequest(video=_video(tmp_path / "v.mkv", 20),
                                      model=ModelChoice(classifier=clf, allow_backbone_mismatch=True)))
    assert flagged.model.backbone_override is True
    trust = assess(flagged)
    assert "classifier_other_weights" in trust.codes and not trust.clinical
    assert "--accept-backbone-mismatch" in trust.reasons[-1].text


def test_classifier_on_random_features_refuses_real_weights(
        tmp_path: Path, fake_backbone: list[Any], monkeypatch: pytest.MonkeyPatch) -> None:
    """The hole of 0.1: trained with --allow-untrained, then run with any loadable file."""
    monkeypatch.setattr(MeanBackbone, "pretrained", True)
    monkeypatch.setattr(MeanBackbone, "weights_sha256", "cd" * 32)
    clf = _classifier(tmp_path / "c.pt", trained=True, backbone_pretrained=False,
                      backbone_weights_sha256=None)
    with pytest.raises(WeightsError, match="untrained") as info:
        analyze(AnalysisRequest(video=_video(tmp_path / "v.mkv", 20),
                                model=ModelChoice(classifier=clf)))
    assert "c.pt" in str(info.value) and fake_backbone[0].batches == []
    results = analyze(AnalysisRequest(video=_video(tmp_path / "v.mkv", 20),
                                      model=ModelChoice(classifier=clf, allow_backbone_mismatch=True)))
    codes = assess(results).codes
    assert "classifier_untrained_backbone" in codes and "classifier_other_weights" in codes


def test_pretrained_classifier_on_random_backbone_runs_only_by_override(
        tmp_path: Path, fake_backbone: list[Any]) -> None:
    clf = _classifier(tmp_path / "c.pt", trained=True, backbone_pretrained=True,
                      backbone_weights_sha256="ab" * 32)
    results = analyze(AnalysisRequest(video=_video(tmp_path / "v.mkv", 20),
                                      model=ModelChoice(classifier=clf, allow_untrained=True, allow_backbone_mismatch=True)))
    codes = assess(results).codes
    assert codes == ("untrained_backbone", "classifier_other_weights")


def test_official_weights_and_a_demo_classifier(tmp_path: Path, fake_backbone: list[Any],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    from semioscope.core.models.registry import WEIGHT_FILES

    official = WEIGHT_FILES["i3d"].sha256
    monkeypatch.setattr(MeanBackbone, "pretrained", True)
    monkeypatch.setattr(MeanBackbone, "weights_sha256", official)
    clean = _classifier(tmp_path / "c.pt", trained=True, backbone_pretrained=True,
                        backbone_weights_sha256=official)
    results = analyze(AnalysisRequest(video=_video(tmp_path / "v.mkv", 20),
                                      model=ModelChoice(classifier=clean)))
    assert results.model.weights_status == "official" and assess(results).clinical
    demo = _classifier(tmp_path / "d.pt", trained=True, backbone_pretrained=True,
                       backbone_weights_sha256=official, demo=True)
    results = analyze(AnalysisRequest(video=_video(tmp_path / "v.mkv", 20),
                                      model=ModelChoice(classifier=demo)))
    assert assess(results).codes == ("demo_model",)


def test_8bit_video_with_a_kinect_classifier_only_warns(tmp_path: Path,
                                                        fake_backbone: list[Any]) -> None:
    from semioscope.core.video.writer import write_ffv1

    video = tmp_path / "v8.mkv"
    write_ffv1(video, [np.full((24, 32), i * 10, np.uint8) for i in range(12)], fps=30)
    clf = _classifier(tmp_path / "c.pt", mapping={"name": "kinect", "params": {}})
    results = analyze(AnalysisRequest(video=video,
                                      model=ModelChoice(classifier=clf, allow_untrained=True)))
    assert results.mapping.name == "identity"
    assert any("8-bit source" in w for w in results.warnings)


def test_session_cache_partial_results_and_an_early_first_window(
        tmp_path: Path, fake_backbone: list[Any]) -> None:
    from semioscope.core.inference.backbone_cache import BackboneCache

    video = _video(tmp_path / "v.mkv", 300)       # 10 s: 5 windows
    cache = BackboneCache()
    partials: list[Any] = []
    request = AnalysisRequest(video=video, model=ModelChoice(allow_untrained=True),
                              options=RuntimeOptions(batch_size=2, first_batch=1, device="cpu"))
    first = analyze(request, backbones=cache, on_partial=partials.append)
    second = analyze(request, backbones=cache)
    assert len(fake_backbone) == 1 and cache.loads == 1          # loaded once, used twice
    assert [b[0] for b in fake_backbone[0].batches] == [1, 2, 2] + [1, 2, 2]
    assert [len(p.windows) for p in partials] == [1, 2, 3, 4, 5]
    assert all(isinstance(p, PartialResults) for p in partials)
    assert partials[-1].windows == first.windows == second.windows
    assert partials[0].threshold == first.summary.threshold
    assert first.model.batch_size == 2


def test_auto_runtime_that_cannot_convert_says_so_and_uses_torch(
        tmp_path: Path, fake_backbone: list[Any], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SEMIOSCOPE_RUNTIME", "openvino")      # auto means OpenVINO here
    video = _video(tmp_path / "v.mkv", 90)
    results = analyze(AnalysisRequest(video=video, model=ModelChoice(allow_untrained=True),
                                      options=RuntimeOptions(device="cpu")))
    assert any("OpenVINO could not take the backbone" in w and "torch is used" in w
               for w in results.warnings)
    assert len(results.windows) == 2 and len(fake_backbone[0].batches) == 2
    with pytest.raises(SemioscopeError, match="^--runtime: OpenVINO could not take"):
        analyze(AnalysisRequest(video=video, model=ModelChoice(allow_untrained=True),
                                options=RuntimeOptions(device="cpu", runtime="openvino")))
