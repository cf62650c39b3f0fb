"""The semiology vocabulary: HED-SCORE 2.1.0 terms, laterality and body parts, plus site terms.

The terms come from ``resources/semiology/terms.json`` (generated from the schema file by
``build_vocabulary``; no hedtools at run time). A site adds its own terms in
``data_dir()/semiology-terms.csv`` (columns ``term,description,parent``): each is marked custom
and written to HED as free text under its group's "other" tag (``Semiology-other-automatisms/
Head-nodding``), so an export stays valid HED-SCORE and says which terms are the site's.
"""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from semioscope.core.paths import data_dir
from semioscope.errors import SemioscopeError

TERMS_FORMAT = "semioscope-semiology-terms/1"
SITE_TERMS_FILE = "semiology-terms.csv"
_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")


@dataclass(frozen=True)
class Term:
    name: str            # what a reviewer types and what trial_type holds ("clonic")
    tag: str             # the HED tag ("Semiology-clonic"; a site term's full value tag)
    description: str
    parent: str          # the group's name ("elementary-motor", "seizure-semiology")
    custom: bool = False


@dataclass(frozen=True)
class Modifier:
    """A laterality or a body part: its word and the HED tags it stands for."""

    name: str
    hed: tuple[str, ...]
    description: str


@dataclass(frozen=True)
class SchemaInfo:
    library: str
    version: str
    with_standard: str

    @property
    def hed_version(self) -> list[str]:
        """``HEDVersion`` as BIDS writes it: the standard schema and the library."""
        return [self.with_standard, f"{self.library}_{self.version}"]


class Vocabulary:
    """Terms by name, with the lookups import and export need."""

    def __init__(self, schema: SchemaInfo, terms: list[Term], laterality: list[Modifier],
                 body_parts: list[Modifier], site_slots: dict[str, str]) -> None:
        self.schema = schema
        self.terms = {t.name: t for t in terms}
        self.laterality = {m.name: m for m in laterality}
        self.body_parts = {m.name: m for m in body_parts}
        self.site_slots = site_slots
        self._by_tag = {t.tag.lower(): t for t in terms}

    def term(self, text: str, subject: str | Path | None = None) -> Term:
        """The term named ``text``: its name, its HED tag (short or long form), any case."""
        key = text.strip()
        found = self.terms.get(key.lower()) or self._by_tag.get(key.lower().rsplit("/", 1)[-1])
        if found is None and "/" in key:  # a site term's value tag: Semiology-other-x/Name
            found = self._by_tag.get("/".join(key.lower().split("/")[-2:]))
        if found is None:
            raise SemioscopeError(subject, f"{text!r} is not a HED-SCORE semiology term "
                                  f"nor a site term (see resources/semiology/terms.csv)")
        return found

    def check_modifier(self, kind: str, value: str, subject: str | Path | None = None) -> str:
        """``value`` when it is a known laterality / body part (or empty); else an error."""
        table = self.laterality if kind == "laterality" else self.body_parts
        if value and value not in table:
            raise SemioscopeError(subject, f"unknown {kind.replace('_', ' ')} {value!r} "
                                  f"(one of: {', '.join(table)})")
        return value

    def hed_string(self, term: str, laterality: str = "", body_part: str = "") -> str:
        """The event's HED annotation: the term with its laterality and body part, grouped."""
        tags = [self.term(term).tag]
        if laterality:
            tags += self.laterality[laterality].hed
        if body_part:
            tags += self.body_parts[body_part].hed
        return tags[0] if len(tags) == 1 else "(" + ", ".join(tags) + ")"

    def ordered(self, counts: dict[str, int] | None = None) -> list[Term]:
        """Terms most used first (``counts``), then in the schema's order."""
        counts = counts or {}
        order = {name: i for i, name in enumerate(self.terms)}
        return sorted(self.terms.values(), key=lambda t: (-counts.get(t.name, 0), order[t.name]))


def _resource() -> Path:
    return Path(__file__).resolve().parents[2] / "resources" / "semiology" / "terms.json"


@cache
def _builtin() -> dict[str, Any]:
    data = json.loads(_resource().read_text(encoding="utf-8"))
    if data.get("format") != TERMS_FORMAT:
        raise SemioscopeError(_resource(), f"not a {TERMS_FORMAT} file")
    return dict(data)


def load_vocabulary(site_terms: Path | None = None) -> Vocabulary:
    """The built-in vocabulary plus the site's terms (``site_terms``, default in data_dir())."""
    data = _builtin()
    s = data["schema"]
    schema = SchemaInfo(s["library"], s["version"], s["with_standard"])
    terms = [Term(t["name"], t["tag"], t["description"], t["parent"]) for t in data["terms"]]
    slots = dict(data["site_slots"])
    path = site_terms if site_terms is not None else data_dir() / SITE_TERMS_FILE
    if path.is_file():
        known = {t.name for t in terms}
        for term in read_site_terms(path, slots):
            if term.name in known:
                raise SemioscopeError(path, f"site term {term.name!r} is already a HED-SCORE term")
            known.add(term.name)
            terms.append(term)
    lat = [Modifier(m["name"], tuple(m["hed"]), m["description"]) for m in data["laterality"]]
    parts = [Modifier(m["name"], (m["tag"],), m["description"]) for m in data["body_parts"]]
    return Vocabulary(schema, terms, lat, parts, slots)


def read_site_terms(path: Path, slots: dict[str, str]) -> list[Term]:
    """A site's own terms (``term,description,parent``), each a free-text value of its group's
    "other" tag; a parent without one goes under ``Semiology-manifestation-other``."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as fh:
            rows = list(csv.DictReader(fh))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise SemioscopeError(path, f"cannot read the site terms ({exc})") from None
    out: list[Term] = []
    for line, row in enumerate(rows, start=2):
        name = (row.get("term") or "").strip().lower().replace(" ", "-")
        if not _NAME.match(name):
            raise SemioscopeError(path, f"line {line}: term {row.get('term')!r} must be letters, "
                                  "digits and hyphens")
        parent = (row.get("parent") or "").strip().lower()
        slot = slots.get(parent) or slots["seizure-semiology"]
        value = "-".join(w.capitalize() for w in name.split("-"))
        out.append(Term(name, f"{slot}/{value}", (row.get("description") or "").strip(),
                        parent, custom=True))
    return out
