"""A crop said in a clinician's words (the report's crop line), not in the record's codes.

The record keeps the detector's reasons even after a person sets the box; they describe the
automatic attempt, so they are said as that ("the automatic crop had failed: …"), never beside
a person's box as if they were its own.
"""

from __future__ import annotations

REASON_WORDS = {
    "no_bed": "no bed found", "no_person": "no patient found",
    "low_confidence": "the detector was unsure", "unstable": "the box moved during the video",
    "implausible": "an implausible box", "several_people": "several people in view",
    "full_frame": "nothing to crop to", "no_detector_weights": "no detector weights installed",
    "detector_failed": "the detector failed",
}
SOURCE_WORDS = {"manual": "set by the reviewer", "auto": "found automatically",
                "given": "given with the analysis", "full-frame": "the whole frame (no crop)"}


def reasons_text(reasons: tuple[str, ...] | list[str]) -> str:
    return ", ".join(REASON_WORDS.get(r, r.replace("_", " ")) for r in reasons)


def crop_text(source: str, status: str, reasons: tuple[str, ...] | list[str]) -> str:
    """"set by the reviewer (the automatic crop: no detector weights installed)" and the like."""
    text = SOURCE_WORDS.get(source, source)
    said = reasons_text(reasons)
    if source == "auto":
        return text + ("; checked" if status in ("ok", "corrected") and not said
                       else f"; needs review: {said}" if said else "")
    if source in ("manual", "given") and said:
        return f"{text} (the automatic crop had: {said})"
    if source == "full-frame" and said:
        return f"{text}: {said}"
    return text
