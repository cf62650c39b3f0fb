"""The case fields a reviewer types in, and de-identification (HIPAA Safe Harbor, as a report can).

De-identified reports carry a *random* case code (``CASE-XXXX-XXXX`` from :mod:`secrets`), never a
hash of the patient ID: Safe Harbor allows a re-identification code only if it is not derived from
the patient's data, and a random code cannot be reversed from the report. Dates shrink to the year,
file names and paths are dropped, and every free text that goes into the PDF passes through a
:class:`Scrubber` that removes the identifiers we know of (patient and seizure IDs, the video's
path, file name and stem, the classifier's path).
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

from semioscope.errors import SemioscopeError

if TYPE_CHECKING:
    from semioscope.core.results import Results

PAPER_SIZES = ("a4", "letter")
REMOVED = "[removed]"
#: the shortest name part removed (Li, Wu, Ng are surnames); single letters (initials) are not
MIN_SECRET = 2
_YEAR_RE = re.compile(r"\b(19|20)\d{2}\b")


def random_case_code() -> str:
    """A fresh random case code; 32 random bits, unrelated to any patient data."""
    token = secrets.token_hex(4).upper()
    return f"CASE-{token[:4]}-{token[4:]}"


#: the most characters each typed field may have (a longer one cannot be laid out on a page)
FIELD_LIMITS = {"patient": 120, "seizure": 120, "recording-date": 60, "reviewer": 120,
                "comment": 4000}


@dataclass
class CaseInfo:
    """What the reviewer says about the case, and how the report should be made."""

    patient: str = ""
    seizure: str = ""
    recording_date: str = ""
    reviewer: str = ""
    comment: str = ""
    deidentify: bool = False
    keep_frames: bool = False
    paper: str = "a4"
    case_code: str = field(default_factory=random_case_code)

    def validate(self) -> CaseInfo:
        """Refuse a paper size we do not lay out, or a date we cannot reduce to a year."""
        self.paper = self.paper.lower()
        for name, limit in FIELD_LIMITS.items():
            value = getattr(self, name.replace("-", "_"))
            if len(value) > limit:
                raise SemioscopeError(f"--{name}", f"{len(value)} characters; at most {limit} "
                                      "fit the report")
        if self.paper not in PAPER_SIZES:
            raise SemioscopeError("--paper", f"unknown paper size {self.paper!r}; choose a4 or "
                                  "letter")
        if self.deidentify and self.recording_date.strip() and recording_year(
                self.recording_date) is None:
            raise SemioscopeError("--recording-date", f"cannot find a year in "
                                  f"{self.recording_date!r} (use YYYY-MM-DD)")
        return self


def recording_year(text: str) -> str | None:
    """The four-digit year in a date as typed, or None."""
    match = _YEAR_RE.search(text)
    return match.group(0) if match else None


def year_only(iso: str) -> str:
    """``2024-03-05T10:11:12Z`` -> ``2024``; text without a year -> ``withheld``."""
    return recording_year(iso) or "withheld"


class Scrubber:
    """Removes known identifiers from any text bound for a de-identified PDF.

    A no-op when de-identification is off. Longer strings go first so a path is removed whole
    before its file name would be.
    """

    def __init__(self, enabled: bool, secrets_: Iterable[str] = ()) -> None:
        self.enabled = enabled
        unique = {s.strip() for s in secrets_ if s and len(s.strip()) >= MIN_SECRET}
        self.secrets = sorted(unique, key=len, reverse=True)

    def __call__(self, text: Any) -> str:
        text = "" if text is None else str(text)
        if not self.enabled:
            return text
        for secret in self.secrets:
            left = r"\b" if secret[0].isalnum() else ""
            right = r"\b" if secret[-1].isalnum() else ""
            text = re.sub(left + re.escape(secret) + right, REMOVED, text, flags=re.IGNORECASE)
        # dates (which may be the recording date or a birth date), however written -> year only
        from semioscope.report.dates import dates_to_years

        return dates_to_years(text, REMOVED)


def identifiers(case: CaseInfo, results: Results, name_parts: bool = True) -> list[str]:
    """Every string a de-identified report must not contain.

    ``name_parts`` adds each word of the patient and reviewer fields ("Jane Doe" -> "Jane",
    "Doe"): right for text a person typed, too eager for our own texts (a patient called "Will"
    or "Patient"); the safety and trust texts are never scrubbed at all.
    """
    out = [case.patient, case.seizure, case.recording_date, case.reviewer]
    if name_parts:
        for name in (case.patient, case.reviewer):
            out += [part.strip(".'-") for part in re.split(r"[\s,;()/]+", name)]
    path = results.video.path
    if path:
        p = PurePath(str(path))
        out += [str(path), p.name, p.stem]
        if len(p.parent.parts) > 1:
            out.append(str(p.parent))
        if name_parts:   # folders and files are often named after the patient ("Doe_Jane")
            out += [w for part in p.parts[-3:] for w in re.split(r"[\W_]+", part)
                    if w.isalpha()]
    classifier = results.model.classifier_path
    if classifier:   # not patient data, but its folder may name a person
        out.append(str(classifier))
    return [s for s in out if s]


def scrubber_for(case: CaseInfo, results: Results, name_parts: bool = True) -> Scrubber:
    return Scrubber(case.deidentify, identifiers(case, results, name_parts))
