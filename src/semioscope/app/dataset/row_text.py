"""What the dataset window says about one video (a project row), in words: no Qt, no store."""

from __future__ import annotations

from semioscope.app.dataset import agreement
from semioscope.core.crop.detectors import UNTRAINED_WARNING
from semioscope.core.project import VideoRow


def detector_warning(row: VideoRow) -> str:
    """The CLI's warning when this video's automatic crop came from an untrained detector."""
    if row.detector_pretrained is not False or row.detector == "truth":   # truth: test scenes
        return ""
    return f"{row.seizure_id}: cropped by an {UNTRAINED_WARNING}"


def details_text(row: VideoRow, agreed: agreement.Found | None = None) -> str:
    """The selected video under the view; an automatic crop says so, not whose login ran it;
    when two reviewers marked its semiology, how far they agree."""
    reason = f"<br>unusable: {row.unusable_reason}" if row.unusable_reason else ""
    reasons = ", ".join(row.reasons) or "none"
    if row.status in ("corrected", "unusable"):
        who = f"last edit {row.updated or '-'} by {row.user or '-'}"
    elif row.auto_box is not None:
        who = f"automatic crop ({row.detector or 'detector'}, {row.updated or '-'})"
    else:
        who = "not cropped yet"
    if agreed is not None:
        who += f"<br>{agreement.details_line(agreed)}"
    return (f"<b>{row.seizure_id}</b> · patient {row.patient_id or '?'} · {row.label or '?'}"
            f"<br>crop {row.box or 'none'} ({row.status.replace('_', ' ')}); automatic: "
            f"{row.auto_box or 'not run'}, reasons: {reasons}{reason}<br>{who}<br>{row.path}")
