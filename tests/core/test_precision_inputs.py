"""The backbone's precision is an input: a result computed in another precision is stale.

``RuntimeOptions.precision`` is the one runtime option that changes the numbers, so the
request's inputs carry it (``auto`` resolved as the analysis would resolve it on this CPU) and
the trust rule names a difference as "precision".
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from semioscope.core.analysis.request import AnalysisRequest, ModelChoice, RuntimeOptions
from semioscope.core.runtime.cpu_features import BF16_FLAGS, HIDE_ENV, detect_cpu
from semioscope.core.trust import assess, changes
from tests.sample_results import synthetic_results

SHA = "ab" * 32


def test_results_in_another_precision_are_stale() -> None:
    results = synthetic_results()
    bf16 = replace(results, model=replace(results.model, precision="bf16"))
    assert changes(bf16.inputs, replace(results.inputs, precision="f32")) == ("precision",)
    assert changes(bf16.inputs, replace(results.inputs, precision="bf16")) == ()
    assert changes(bf16.inputs, replace(results.inputs, precision=None)) == ()  # unknown
    trust = assess(bf16, replace(results.inputs, precision="f32"))
    assert trust.stale and "precision" in trust.reasons[-1].text
    older = replace(results, model=replace(results.model, precision=None))   # before #30
    assert older.inputs.precision == "f32"


def _pack(folder: Path, checks: dict[str, object], *,
          claimed: dict[str, object] | None = None) -> Path:
    """A pack's manifest and its classifier.semio holding ``checks`` (the hash-checked copy a
    run reads them from); the manifest's duplicate says ``claimed`` (default: the same). No
    networks behind it: the staleness check reads the manifest and that file only."""
    import dataclasses

    from semioscope.core.hashing import file_sha256
    from semioscope.core.models.classifier import random_classifier, save_classifier
    from semioscope.core.runtime.pack import PACK_FORMAT
    from semioscope.core.runtime.pack_trust import semio_metadata

    folder.mkdir()
    model, meta = random_classifier(0)
    meta = dataclasses.replace(meta, backbone_pretrained=True, backbone_weights_sha256=SHA,
                               training={**meta.training, "precision_checks": checks})
    semio = folder / "classifier.semio"
    save_classifier(semio, model, meta)
    manifest = {"format": PACK_FORMAT, "created": "2026-12-07T00:00:00+00:00",
                "software_version": "0", "converter": {}, "preprocessing_version": "1",
                "backbone": {"name": "i3d", "ir": "i3d.xml", "pretrained": True,
                             "weights_sha256": SHA},
                "classifier": {"ir": "classifier.xml", "source": "classifier.semio",
                               "sha256": file_sha256(semio), "steps": model.config.steps,
                               "metadata": semio_metadata(semio)},
                "detector": None, "files": {"i3d.xml": SHA},
                "precision_checks": checks if claimed is None else claimed}
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return folder


def test_request_inputs_carry_the_precision_auto_resolved(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    video = tmp_path / "v.mkv"
    for asked in ("f32", "bf16", "int8"):
        assert AnalysisRequest(video, options=RuntimeOptions(precision=asked)).inputs() \
            .precision == asked
    # no pack, no classifier: nothing carries a check, so auto is f32 on any machine
    assert AnalysisRequest(video).inputs().precision == "f32"
    passed = {"bf16": {"passed": True, "backbone_weights_sha256": SHA}}
    pack = AnalysisRequest(video, model=ModelChoice(pack=_pack(tmp_path / "p", passed)))
    native = detect_cpu(openvino=False).bf16_native
    assert pack.inputs().precision == ("bf16" if native else "f32")
    monkeypatch.setenv(HIDE_ENV, ",".join(BF16_FLAGS))   # a CPU without bf16
    assert pack.inputs().precision == "f32"
    other = {"bf16": {"passed": True, "backbone_weights_sha256": "cd" * 32}}
    monkeypatch.delenv(HIDE_ENV)
    assert AnalysisRequest(video, model=ModelChoice(pack=_pack(tmp_path / "q", other))) \
        .inputs().precision == "f32"   # a check made with other weights allows nothing


def test_a_check_only_the_manifest_claims_is_not_believed(tmp_path: Path) -> None:
    """The manifest's precision_checks is an editable duplicate: claiming a passed check the
    hash-checked classifier.semio lacks leaves the precision unknown (analyze refuses the
    pack), never bf16."""
    passed = {"bf16": {"passed": True, "backbone_weights_sha256": SHA}}
    failed = {"bf16": {"passed": False, "backbone_weights_sha256": SHA}}
    for name, held in (("none", {}), ("failed", failed)):
        pack = _pack(tmp_path / name, held, claimed=passed)
        assert AnalysisRequest(tmp_path / "v.mkv", model=ModelChoice(pack=pack)) \
            .inputs().precision is None
    # and the file's failed record, honestly duplicated: auto stays f32 on any CPU
    honest = _pack(tmp_path / "honest", failed)
    assert AnalysisRequest(tmp_path / "v.mkv", model=ModelChoice(pack=honest)) \
        .inputs().precision == "f32"


def test_an_unreadable_pack_leaves_the_precision_unknown(tmp_path: Path) -> None:
    (tmp_path / "p").mkdir()
    (tmp_path / "p" / "manifest.json").write_text("{", encoding="utf-8")
    request = AnalysisRequest(tmp_path / "v.mkv", model=ModelChoice(pack=tmp_path / "p"))
    assert request.inputs().precision is None
