"""What goes into a case report, as plain text rows (no layout), from a results dict and a case.

Keeping the content apart from the layout lets tests check it directly and keeps every string
that could carry an identifier in one place, where de-identification is applied.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import PurePath
from typing import Any

from semioscope import DISCLAIMER, UNTRAINED_WARNING, __version__
from semioscope.report.case import CaseInfo, Scrubber, scrubber_for, year_only

WATERMARK = "UNTRAINED / DEMO MODEL \u2014 NOT FOR CLINICAL USE"
WITHHELD = "withheld (de-identified)"
Rows = list[tuple[str, str]]


@dataclass
class ReportContent:
    """Every text of one report; the PDF layer only arranges it."""

    case_rows: Rows
    video_rows: Rows
    verdict_label: str
    verdict_lines: list[str]
    window_rows: list[tuple[str, str, str, str, str]]
    provenance_rows: Rows
    training_rows: Rows
    metric_rows: list[list[str]]
    warnings: list[str]
    untrained: bool
    running_header: str
    metadata: dict[str, str]
    deid_note: str | None
    comment: str
    disclaimer: str = DISCLAIMER
    watermark: str = WATERMARK
    keyframe_note: str = ""
    extra_warnings: list[str] = field(default_factory=list)


def is_untrained(results: dict[str, Any]) -> bool:
    """True when any part of the model is untrained, or the engine said so."""
    model = results.get("model", {})
    said = any(str(w).lower().startswith("untrained") or w == UNTRAINED_WARNING
               for w in results.get("warnings", []))
    return (not model.get("backbone_pretrained", False)
            or not model.get("classifier_trained", False) or said)


def fmt_time(seconds: float) -> str:
    """``75.5`` -> ``1:15.5``; under a minute -> ``12.0 s``."""
    if not math.isfinite(seconds):
        return "?"
    if abs(seconds) < 60:
        return f"{seconds:.1f} s"
    sign = "-" if seconds < 0 else ""
    minutes, rest = divmod(abs(seconds), 60)
    return f"{sign}{int(minutes)}:{rest:04.1f}"


def _num(value: Any, digits: int = 2) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return "\u2014" if value is None else str(value)
    return "n/a" if not math.isfinite(value) else f"{value:.{digits}f}"


def _yes(value: Any) -> str:
    return "yes" if value else "no"


def build_content(results: dict[str, Any], case: CaseInfo,
                  now: datetime | None = None) -> ReportContent:
    """Assemble the report's texts; de-identified when ``case.deidentify``."""
    scrub = scrubber_for(case, results)
    now = now or datetime.now(UTC)
    untrained = is_untrained(results)
    who = case.case_code if case.deidentify else (scrub(case.patient) or "not given")
    seizure = "" if case.deidentify else case.seizure
    summary = results["summary"]
    return ReportContent(
        case_rows=_case_rows(results, case, scrub, now),
        video_rows=_video_rows(results, case),
        verdict_label=str(summary["label"]),
        verdict_lines=_verdict_lines(summary),
        window_rows=_window_rows(results),
        provenance_rows=_provenance_rows(results, case),
        training_rows=_training_rows(results["model"].get("classifier_metadata") or {},
                                     scrubber_for(case, results, name_parts=False)),
        metric_rows=_metric_rows(results["model"].get("classifier_metadata") or {}),
        warnings=[scrub(w) for w in results.get("warnings", [])],
        untrained=untrained,
        running_header=" \u00b7 ".join(x for x in (
            "semioscope case report", f"{'Case' if case.deidentify else 'Patient'} {who}",
            f"Seizure {seizure}" if seizure else "") if x),
        metadata=_metadata(case, who, seizure, untrained),
        deid_note=_deid_note(case.keep_frames) if case.deidentify else None,
        comment=scrub(case.comment).strip(),
    )


def _case_rows(results: dict[str, Any], case: CaseInfo, scrub: Scrubber, now: datetime) -> Rows:
    created = str(results.get("created", ""))
    if case.deidentify:
        rows = [("Case code", f"{case.case_code} (random; not derived from patient data)"),
                ("Recording year", year_only(case.recording_date) if case.recording_date
                 else "not given"),
                ("Analysis run (year)", year_only(created)),
                ("Report made (year)", str(now.year))]
    else:
        rows = [("Patient", case.patient or "not given"),
                ("Seizure", case.seizure or "not given"),
                ("Recording date", case.recording_date or "not given"),
                ("Analysis run", created.replace("T", " ") or "unknown"),
                ("Report made", now.strftime("%Y-%m-%d %H:%M UTC"))]
    rows.append(("Reviewer", scrub(case.reviewer) or "not given"))
    rows.append(("Software", f"semioscope {__version__} (analysis made with "
                 f"{results.get('software_version', '?')})"))
    return rows


def _video_rows(results: dict[str, Any], case: CaseInfo) -> Rows:
    video, span, crop = results["video"], results.get("span", {}), results.get("crop", {})
    mapping = results.get("mapping", {})
    duration = float(video["duration_s"])
    rows: Rows = []
    if not case.deidentify:
        rows.append(("File", PurePath(str(video["path"])).name))
    rows += [
        ("Duration", f"{fmt_time(duration)} ({int(video['frames'])} frames)"
         if duration >= 60 else f"{duration:.1f} s ({int(video['frames'])} frames)"),
        ("Frame rate", f"{float(video['fps']):g} fps ({video.get('fps_source', 'container')})"
         + ("; resampled to 30 fps for analysis" if results.get("resampled_to_30fps") else "")),
        ("Resolution", f"{video['width']} \u00d7 {video['height']} px, "
         f"{video.get('bit_depth', '?')}-bit"),
        ("SHA-256", WITHHELD + " (it would link the report to the recording)"
         if case.deidentify else str(video["sha256"])),
        ("Intensity mapping", _mapping_text(mapping)),
    ]
    if span:
        onset, offset = float(span.get("onset_s", 0)), float(span.get("offset_s", 0))
        rows.append(("Clinical span", f"onset {fmt_time(onset)} to offset {fmt_time(offset)} "
                     f"into the video ({offset - onset:.1f} s)"))
    if crop:
        reasons = ", ".join(crop.get("reasons") or []) or "none"
        rows.append(("Crop box", f"x {crop.get('x')}, y {crop.get('y')}, w {crop.get('w')}, "
                     f"h {crop.get('h')} px; {crop.get('source', '?')}, status "
                     f"{crop.get('status', '?')} (reasons: {reasons})"))
    return rows


def _mapping_text(mapping: dict[str, Any]) -> str:
    params = mapping.get("params") or {}
    shown = ", ".join(f"{k} {_num(v, 3).rstrip('0').rstrip('.')}" for k, v in params.items())
    return f"{mapping.get('name', '?')}" + (f" ({shown})" if shown else "")


def _verdict_lines(summary: dict[str, Any]) -> list[str]:
    band = summary.get("uncertain_band") or [summary["threshold"], summary["threshold"]]
    n = int(summary["n_windows"])
    counts = ", ".join(f"{summary.get(k, 0)} {name}" for k, name in (
        ("n_tle", "TLE"), ("n_fle", "FLE"), ("n_uncertain", "uncertain")))
    return [
        f"Mean P(TLE) {_num(summary['p_tle_mean'])} \u00b7 confidence "
        f"{_num(summary['confidence'])} (0 = at the threshold, 1 = certain)",
        f"{n} {'window' if n == 1 else 'windows'} of 2 s: {counts}",
        f"Decision rule: threshold {_num(summary['threshold'])}, uncertain band "
        f"[{_num(band[0])}, {_num(band[1])}]",
        f"Aggregation: {summary.get('aggregation', '')}",
    ]


def _window_rows(results: dict[str, Any]) -> list[tuple[str, str, str, str, str]]:
    onset = float(results.get("span", {}).get("onset_s", 0.0))
    rows = []
    for w in results["windows"]:
        start, end = float(w["start_s"]), float(w["end_s"])
        from_onset = round(start - onset, 1) or 0.0   # no "-0.0 s" for a window at the onset
        rows.append((str(w["index"] + 1), f"{fmt_time(start)} \u2013 {fmt_time(end)}",
                     f"{from_onset:+.1f} s",
                     f"{float(w['p_tle']):.3f}", str(w["label"])))
    return rows


def _provenance_rows(results: dict[str, Any], case: CaseInfo) -> Rows:
    model = results["model"]
    meta = model.get("classifier_metadata") or {}
    classifier = model.get("classifier_path")
    rows: Rows = [
        ("Backbone", f"{model.get('backbone', '?')} (pretrained: "
         f"{_yes(model.get('backbone_pretrained'))})"),
        ("Backbone weights SHA-256", str(model.get("weights_sha256") or "none (random weights)")),
        ("Classifier file", "none (random classifier)" if not classifier else
         (WITHHELD if case.deidentify else PurePath(str(classifier)).name)),
        ("Classifier SHA-256", str(model.get("classifier_sha256") or "none")),
        ("Classifier trained", _yes(model.get("classifier_trained"))),
        ("Preprocessing version", str(model.get("preprocessing_version", "?"))),
    ]
    if meta:
        made = str(meta.get("created") or "?")
        rows.append(("Classifier made", f"{year_only(made) if case.deidentify else made} with "
                     f"semioscope {meta.get('software_version') or '?'}"))
    return rows


def _training_rows(meta: dict[str, Any], scrub: Scrubber) -> Rows:
    training = meta.get("training") or {}
    rows: Rows = []
    data = training.get("data")
    if isinstance(data, dict):
        for label, counts in data.items():
            if isinstance(counts, dict):
                rows.append((f"Training data, {label}", ", ".join(
                    f"{v} {k}" for k, v in counts.items())))
    for key in ("validation", "note"):
        if training.get(key):
            rows.append((key.capitalize(), scrub(training[key])))
    metrics = meta.get("metrics") or {}
    if isinstance(metrics, dict) and metrics.get("folds"):
        rows.append(("Cross-validation folds", str(metrics["folds"])))
    if not rows:
        rows.append(("Training data", "not recorded in the classifier file"))
    return rows


def _metric_rows(meta: dict[str, Any]) -> list[list[str]]:
    """``[[level, F1, balanced acc., ROC AUC], ...]`` from the CV summary (mean \u00b1 SD)."""
    summary = (meta.get("metrics") or {}).get("summary")
    if not isinstance(summary, dict):
        return []
    rows = []
    for level, values in summary.items():
        if not isinstance(values, dict):
            continue
        cells = [str(level)]
        for name in ("f1_macro", "balanced_accuracy", "roc_auc"):
            v = values.get(name)
            cells.append(f"{_num(v.get('mean'))} \u00b1 {_num(v.get('std'))}"
                         if isinstance(v, dict) else _num(v))
        rows.append(cells)
    return rows


def _metadata(case: CaseInfo, who: str, seizure: str, untrained: bool) -> dict[str, str]:
    """PDF document info, set deliberately: in de-identified mode only the case code."""
    title = f"semioscope case report \u2014 {'case' if case.deidentify else 'patient'} {who}"
    if seizure:
        title += f", seizure {seizure}"
    keywords = ["semioscope", "seizure semiology", "FLE", "TLE", "research use only"]
    if case.deidentify:
        keywords.append("de-identified")
    if untrained:
        keywords.append("untrained demo model")
    return {
        "title": title,
        "author": case.reviewer.strip() or "semioscope",
        "subject": "Frontal vs temporal lobe seizure scores from infrared video. " + DISCLAIMER,
        "keywords": ", ".join(keywords),
        "creator": f"semioscope {__version__}",
        "producer": f"semioscope {__version__} (reportlab)",
    }


def _deid_note(keep_frames: bool) -> str:
    frames = ("keyframes kept unpixelated at the reviewer's request (--keep-frames)"
              if keep_frames else "keyframes strongly pixelated")
    return ("De-identified (HIPAA Safe Harbor, as far as a report can): the patient is named by a "
            "random case code that is not derived from patient data and cannot be reversed; no "
            "names, file names, paths or device serial numbers; dates reduced to the year, times "
            "given from the video start and from onset; the video's SHA-256 withheld; "
            f"{frames}. Known identifiers were removed from the comment and warnings \u2014 the "
            "reviewer should still check the free text.")
