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

from semioscope import DISCLAIMER, __version__
from semioscope.core.crop.words import crop_text
from semioscope.core.results import (
    MappingInfo,
    Results,
    Summary,
    rule_text,
    shown_aggregation,
    window_number,
)
from semioscope.core.results.metrics import METRICS, cv_folds, cv_rows
from semioscope.core.trust import UNTRAINED_HEADLINE, Trust, assess
from semioscope.report.case import CaseInfo, Scrubber, scrubber_for, year_only

WATERMARK = UNTRAINED_HEADLINE    # the usual one; the trust rule gives each report its own
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
    untrained: bool                 # "not for clinical use": any reason of the trust rule
    running_header: str
    metadata: dict[str, str]
    deid_note: str | None
    comment: str
    disclaimer: str = DISCLAIMER
    watermark: str = WATERMARK
    keyframe_note: str = ""
    extra_warnings: list[str] = field(default_factory=list)
    trust_reasons: list[str] = field(default_factory=list)
    #: the reviewer's semiology events in order (report/semiology.py), reviewers withheld when
    #: de-identified
    semiology_rows: list[tuple[str, str, str, str, str]] = field(default_factory=list)


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


def build_content(results: Results, case: CaseInfo, now: datetime | None = None,
                  trust: Trust | None = None) -> ReportContent:
    """Assemble the report's texts; de-identified when ``case.deidentify``."""
    scrub = scrubber_for(case, results)
    own = scrubber_for(case, results, name_parts=False)   # for our own texts
    now = now or datetime.now(UTC)
    trust = trust or assess(results)
    untrained = not trust.clinical
    who = case.case_code if case.deidentify else (scrub(case.patient) or "not given")
    seizure = "" if case.deidentify else case.seizure
    summary = results.summary
    meta = results.model.classifier_metadata
    return ReportContent(
        case_rows=_case_rows(results, case, scrub, now),
        video_rows=_video_rows(results, case),
        verdict_label=summary.label,
        verdict_lines=_verdict_lines(summary),
        window_rows=_window_rows(results),
        provenance_rows=_provenance_rows(results, case),
        training_rows=_training_rows(meta, own),
        metric_rows=_metric_rows(meta),
        # the trust rule's texts are ours and say what makes a result unsafe: never redacted
        # ("Demo Patient" must not turn "demo model" into "[removed] model"); the results'
        # warnings may name the file, so they lose whole identifiers, never name parts
        warnings=[r.text for r in trust.reasons] + [own(w) for w in results.warnings],
        untrained=untrained,
        watermark=trust.headline or WATERMARK,
        trust_reasons=[r.text for r in trust.reasons],
        running_header=" \u00b7 ".join(x for x in (
            "semioscope case report", f"{'Case' if case.deidentify else 'Patient'} {who}",
            f"Seizure {seizure}" if seizure else "") if x),
        metadata=_metadata(case, who, seizure, untrained),
        deid_note=_deid_note(case.keep_frames) if case.deidentify else None,
        comment=scrub(case.comment).strip(),
    )


def _case_rows(results: Results, case: CaseInfo, scrub: Scrubber, now: datetime) -> Rows:
    created = results.created
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
    rows.append(("Reviewer", (WITHHELD if case.reviewer.strip() else "not given")
                 if case.deidentify else case.reviewer or "not given"))
    rows.append(("Software", f"semioscope {__version__} (analysis made with "
                 f"{results.software_version})"))
    return rows


def _video_rows(results: Results, case: CaseInfo) -> Rows:
    video, span, crop = results.video, results.span, results.crop
    duration = video.duration_s
    rows: Rows = []
    if not case.deidentify:
        rows.append(("File", PurePath(video.path).name))
    rows += [
        ("Duration", f"{fmt_time(duration)} ({video.frames} frames)"
         if duration >= 60 else f"{duration:.1f} s ({video.frames} frames)"),
        ("Frame rate", f"{video.fps:g} fps ({video.fps_source})"
         + ("; resampled to 30 fps for analysis" if results.resampled_to_30fps else "")),
        ("Resolution", f"{video.width} \u00d7 {video.height} px, {video.bit_depth}-bit"),
        ("SHA-256", WITHHELD + " (it would link the report to the recording)"
         if case.deidentify else video.sha256),
        ("Intensity mapping", _mapping_text(results.mapping)),
    ]
    rows.append(("Clinical span", f"onset {fmt_time(span.onset_s)} to offset "
                 f"{fmt_time(span.offset_s)} into the video "
                 f"({span.offset_s - span.onset_s:.1f} s)"))
    rows.append(("Crop box", f"{crop_text(crop.source, crop.status, crop.reasons)}; "
                 f"x {crop.x}, y {crop.y}, {crop.w} \u00d7 {crop.h} px"))
    return rows


def _mapping_text(mapping: MappingInfo) -> str:
    shown = ", ".join(f"{k} {_num(v, 3).rstrip('0').rstrip('.')}"
                      for k, v in mapping.params.items())
    return mapping.name + (f" ({shown})" if shown else "")


def _verdict_lines(summary: Summary) -> list[str]:
    n = summary.n_windows
    counts = f"{summary.n_tle} TLE, {summary.n_fle} FLE, {summary.n_uncertain} uncertain"
    return [
        f"Mean P(TLE) {_num(summary.p_tle_mean)} \u00b7 confidence "
        f"{_num(summary.confidence)} (0 = at the threshold, 1 = certain)",
        f"{n} {'window' if n == 1 else 'windows'} of 2 s: {counts}",
        f"Decision rule: {rule_text(summary.threshold, summary.uncertain_band)}",
        f"Aggregation: {shown_aggregation(summary)}",
    ]


def _window_rows(results: Results) -> list[tuple[str, str, str, str, str]]:
    onset = results.span.onset_s
    rows = []
    for w in results.windows:
        from_onset = round(w.start_s - onset, 1) or 0.0   # no "-0.0 s" for a window at the onset
        rows.append((str(window_number(w.index)), f"{fmt_time(w.start_s)} \u2013 {fmt_time(w.end_s)}",
                     f"{from_onset:+.1f} s", f"{w.p_tle:.3f}", w.label))
    return rows


WEIGHTS_TEXT = {"official": "official file (registry SHA-256)",
                "registered": "registered by this site as its own",
                "custom": "custom weights, unverified", "random": "none (random weights)"}


def _provenance_rows(results: Results, case: CaseInfo) -> Rows:
    model = results.model
    meta = model.classifier_metadata
    classifier = model.classifier_path
    weights = WEIGHTS_TEXT.get(model.weights_status, model.weights_status)
    if model.weights_note:
        weights += f" ({model.weights_note})"
    rows: Rows = [
        ("Backbone", f"{model.backbone} (pretrained: {_yes(model.backbone_pretrained)})"),
        ("Backbone weights SHA-256", model.weights_sha256 or "none (random weights)"),
        ("Backbone weights", weights),
        ("Features computed by", model.computed_by()),
        ("Classifier file", "none (random classifier)" if not classifier else
         (WITHHELD if case.deidentify else PurePath(classifier).name)),
        ("Classifier SHA-256", model.classifier_sha256 or "none"),
        ("Classifier trained", _yes(model.classifier_trained)
         + (" (demo model)" if model.classifier_demo else "")),
        ("Classifier trained on backbone weights",
         model.classifier_backbone_sha256 or "none (random weights)"),
        ("Preprocessing version", model.preprocessing_version),
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
    folds = cv_folds(meta)
    if folds:
        rows.append(("Cross-validation folds", str(folds)))
    if not rows:
        rows.append(("Training data", "not recorded in the classifier file"))
    return rows


def _metric_rows(meta: dict[str, Any]) -> list[list[str]]:
    """``[[level, F1, balanced acc., ROC AUC], ...]`` from the CV summary (mean \u00b1 SD)."""
    rows = []
    for row in cv_rows(meta):
        cells = [row.level]
        for key, _ in METRICS:
            fig = row.values.get(key)
            cells.append("\u2014" if fig is None else
                         (fig.text() if fig.std is not None else _num(fig.mean)))
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
        "author": "semioscope" if case.deidentify else case.reviewer.strip() or "semioscope",
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
