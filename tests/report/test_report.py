"""The PDF report from synthetic analyses, checked through pypdf's text extractor."""

from __future__ import annotations

import io
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from semioscope import DISCLAIMER
from semioscope.core.geometry import Box
from semioscope.core.results import Results
from semioscope.core.trust import DEMO_HEADLINE, UNTRAINED_HEADLINE, UNVERIFIED_HEADLINE, assess
from semioscope.report import CaseInfo, make_report, write_report
from semioscope.report.content import WATERMARK
from tests.report.conftest import DATE, PATIENT, SEIZURE, decompressed, metadata, page_texts, squash
from tests.sample_results import synthetic_results, with_video_path


def _case(**kw) -> CaseInfo:
    fields = dict(patient=PATIENT, seizure=SEIZURE, recording_date=DATE, reviewer="Dr. Ada Byron",
                  comment=f"Typical aura; {PATIENT} reported fear.")
    fields.update(kw)
    return CaseInfo(**fields)


@pytest.fixture(scope="module")
def identified(small_video: Path) -> tuple[Results, bytes]:
    results = synthetic_results(small_video, n_windows=3, onset_s=0.5, untrained=True)
    return results, make_report(results, _case()).pdf


def test_report_holds_verdict_counts_hashes_and_case(identified) -> None:
    results, pdf = identified
    texts = page_texts(pdf)
    whole = squash("".join(texts))
    summary = results.summary
    assert squash(f"{summary.n_windows} windows of 2 s") in whole
    assert squash(f"{summary.n_tle} TLE, {summary.n_fle} FLE") in whole
    assert squash("Seizure-level verdict") in whole
    label = {"uncertain": "Uncertain"}.get(summary.label, summary.label)
    assert squash(f"verdict{label}Mean P(TLE) {summary.p_tle_mean:.2f}") in whole
    for digest in (results.video.sha256, results.model.classifier_sha256):
        assert digest in whole
    assert squash(PATIENT) in whole and SEIZURE in whole and DATE in whole
    assert squash("Dr. Ada Byron") in whole
    assert squash("Every window (3)") in whole
    assert squash("6 patients, 18 seizures, 540 windows") in whole     # training data summary
    assert squash("0.78 ± 0.06") in whole                              # validation metric
    assert squash("untrained backbone: not for clinical use") in whole  # the trust rule
    assert squash("NOT FOR CLINICAL USE: its scores must not") in whole


def test_report_says_which_runtime_and_device_computed_the_features(results: Results) -> None:
    model = replace(results.model, runtime="openvino 2026.4.1", device="cpu", batch_size=2)
    whole = squash("".join(page_texts(make_report(replace(results, model=model), _case()).pdf)))
    assert squash("Features computed by openvino 2026.4.1 on cpu, batch 2") in whole
    model = replace(model, runtime="torch 2.14.1+cu130", device="cuda:0 (NVIDIA H200)")
    whole = squash("".join(page_texts(make_report(replace(results, model=model), _case()).pdf)))
    assert squash("torch 2.14.1+cu130 on cuda:0 (NVIDIA H200), batch 2") in whole
    assert "openvino" not in whole


def test_every_page_has_watermark_disclaimer_and_page_number(identified) -> None:
    _, pdf = identified
    texts = page_texts(pdf)
    assert len(texts) >= 2
    for number, text in enumerate(texts, start=1):
        assert squash(WATERMARK) in squash(text), f"page {number} lacks the watermark"
        assert squash(DISCLAIMER) in squash(text)
        assert f"Page {number} of {len(texts)}" in text


def test_em_dash_renders_with_an_embedded_dejavu_font(identified) -> None:
    from pypdf import PdfReader

    _, pdf = identified
    assert "\u2014" in page_texts(pdf)[0]
    fonts = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            fonts.add(str(font["/BaseFont"]))
            assert "/DescendantFonts" in font or "/FontDescriptor" in font
    assert fonts and all("DejaVu" in name for name in fonts), fonts


def test_identified_metadata_is_set_deliberately(identified) -> None:
    _, pdf = identified
    meta = metadata(pdf)
    assert PATIENT in meta["/Title"] and SEIZURE in meta["/Title"]
    assert meta["/Author"] == "Dr. Ada Byron"
    assert "untrained demo model" in meta["/Keywords"]
    assert meta["/Creator"].startswith("semioscope ")


def test_trained_model_has_no_watermark(small_video: Path) -> None:
    results = synthetic_results(small_video, n_windows=3, onset_s=0.5, untrained=False)
    pdf = make_report(results, _case()).pdf
    assert not any(squash(WATERMARK) in squash(t) for t in page_texts(pdf))
    assert "untrained" not in metadata(pdf)["/Keywords"]


@pytest.mark.parametrize(("changes", "watermark"), [
    ({"classifier_trained": False}, UNTRAINED_HEADLINE),
    ({"classifier_demo": True}, DEMO_HEADLINE),
    ({"weights_status": "custom"}, UNVERIFIED_HEADLINE),
    ({"classifier_backbone_sha256": "ee" * 32, "backbone_override": True}, UNVERIFIED_HEADLINE),
])
def test_every_reason_of_the_trust_rule_brings_its_watermark(
        tmp_path: Path, changes: dict, watermark: str) -> None:
    results = synthetic_results(tmp_path / "absent.mkv", n_windows=2, untrained=False)
    flagged = replace(results, model=replace(results.model, **changes))
    texts = page_texts(make_report(flagged, _case()).pdf)
    assert all(squash(watermark) in squash(t) for t in texts)
    reason = assess(flagged).reasons[0].text
    assert squash(reason) in squash("".join(texts))


def test_stale_results_are_refused_and_leave_the_previous_file(tmp_path: Path) -> None:
    from semioscope.errors import SemioscopeError

    results = synthetic_results(tmp_path / "absent.mkv", n_windows=2, untrained=False)
    out = tmp_path / "case.pdf"
    out.write_bytes(b"previous")
    moved = replace(results.inputs, crop=Box(0, 0, 10, 10))
    with pytest.raises(SemioscopeError, match="made with an earlier crop"):
        write_report(results, out, _case(), current=moved)
    assert out.read_bytes() == b"previous"
    write_report(results, out, _case(), current=results.inputs)   # unchanged: written
    assert out.read_bytes().startswith(b"%PDF")


def test_deidentified_report_carries_no_identifier(results: Results, small_video: Path) -> None:
    case = _case(deidentify=True)
    pdf = make_report(results, case).pdf
    texts = page_texts(pdf)
    whole = "\n".join(texts)
    forbidden = [PATIENT, "Doemaker", "Jane", SEIZURE, DATE, "P99123", small_video.name,
                 small_video.stem, str(small_video), str(small_video.parent),
                 results.video.sha256, "demo-classifier"]
    meta = metadata(pdf)
    raw = decompressed(pdf)
    for secret in forbidden:
        assert secret.lower() not in whole.lower(), secret
        assert secret.lower() not in squash(whole).lower().replace(" ", ""), secret
        for key, value in meta.items():
            assert secret.lower() not in value.lower(), (key, secret)
        if len(secret) >= 8:  # short names can occur by chance in compressed binary streams
            assert secret.encode().lower() not in raw.lower(), secret
    assert case.case_code in squash(whole) and case.case_code in meta["/Title"]
    assert "2024" in whole                                    # the year is kept
    assert "06-17" not in whole
    assert meta.get("/CreationDate", "").startswith("D:") and "0101000000" in meta[
        "/CreationDate"]
    assert "[removed]" in whole                               # the comment was scrubbed
    assert squash("Case code") in squash(whole)


def test_deidentify_pixelates_keyframes_unless_kept(results: Results) -> None:
    import numpy as np

    from semioscope.report.plots import keyframes, pixelate

    frame = np.random.default_rng(0).integers(0, 255, (132, 160, 3), dtype=np.uint8)
    coarse = pixelate(frame, blocks=16)
    assert len(np.unique(coarse.reshape(-1, 3), axis=0)) <= 16 * 14
    hidden = keyframes(results, _case(deidentify=True))
    kept = keyframes(results, _case(deidentify=True, keep_frames=True))
    plain = keyframes(results, _case())
    assert hidden.png and kept.png == plain.png and hidden.png != plain.png
    assert "pixelated" in hidden.note and "pixelated" not in kept.note


def test_missing_video_is_reported_not_fatal(results: Results, tmp_path: Path) -> None:
    moved = with_video_path(results, str(tmp_path / "gone" / "P99123_20240617_0312.mkv"))
    out = tmp_path / "case.pdf"
    report = write_report(moved, out, _case())
    assert out.read_bytes() == report.pdf
    assert report.warnings and "not found" in report.warnings[0]
    assert squash("Keyframes not shown") in squash("".join(page_texts(report.pdf)))
    hidden = make_report(moved, _case(deidentify=True))
    assert "P99123" not in hidden.warnings[0]                  # the warning is de-identified too


def test_other_video_at_the_path_is_not_shown(results: Results, small_video: Path,
                                              tmp_path: Path) -> None:
    other = tmp_path / small_video.name
    shutil.copy(small_video, other)
    with open(other, "ab") as fh:
        fh.write(b"\0")
    changed = with_video_path(results, str(other))
    report = make_report(changed, _case())
    assert report.warnings and "SHA-256 differs" in report.warnings[0]


def test_long_window_table_spans_pages_and_repeats_its_header(tmp_path: Path) -> None:
    results = synthetic_results(tmp_path / "absent.mkv", n_windows=150, onset_s=0.0)
    report = make_report(results, _case(paper="letter"))
    texts = page_texts(report.pdf)
    table_pages = [t for t in texts if "Video time" in t]
    assert len(table_pages) >= 3
    for text in table_pages:
        assert squash("#Video timeFrom onsetP(TLE)Label") in squash(text)
    assert squash("150 4:58.0 – 5:00.0") in squash(texts[-1])


def test_paper_sizes(results: Results) -> None:
    from pypdf import PdfReader

    for paper, size in (("a4", (595, 842)), ("letter", (612, 792))):
        pdf = make_report(results, _case(paper=paper)).pdf
        box = PdfReader(io.BytesIO(pdf)).pages[0].mediabox
        assert (round(float(box.width)), round(float(box.height))) == size


def test_write_is_atomic_and_refuses_bad_names(results: Results, tmp_path: Path) -> None:
    from semioscope.errors import SemioscopeError

    out = tmp_path / "case.pdf"
    out.write_bytes(b"previous")
    with pytest.raises(SemioscopeError, match=r"\.pdf"):
        write_report(results, tmp_path / "case.txt", _case())
    with pytest.raises(SemioscopeError, match="paper"):
        write_report(results, out, _case(paper="a3"))


def test_keyframes_of_a_variable_rate_video_are_timed_by_their_timestamps(tmp_path) -> None:
    """A full first second, then every other frame missing: frame 45 is shown at 2.0 s (the
    mean rate of 20 fps would say 2.24 s)."""
    from semioscope.report import plots
    from tests.indexed_clips import write_clip
    from tests.sample_results import synthetic_results

    slots = list(range(30)) + list(range(30, 90, 2))
    video = write_clip(tmp_path / "vfr.mkv", "h264-mkv", indices=slots, pts=slots)
    results = synthetic_results(video, n_windows=1, onset_s=0.0)
    frames, times = plots._read_frames(results, [0, 29, 45])
    assert len(frames) == 3
    assert times == pytest.approx([0.0, 29 / 30, 2.0], abs=2e-3)


def test_keyframe_labels_never_read_minus_zero() -> None:
    """Seen on the demo's report: the first keyframe, 17 ms before the onset, read "−0.0 s"."""
    from semioscope.report.plots import keyframe_label

    assert keyframe_label(-0.017, 118) == "onset +0.0 s  (frame 118)"
    assert keyframe_label(4.0, 238) == "onset +4.0 s  (frame 238)"
    assert keyframe_label(-2.04, 57) == "onset \u22122.0 s  (frame 57)"
