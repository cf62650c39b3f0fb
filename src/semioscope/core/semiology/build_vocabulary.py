"""Generate ``resources/semiology/terms.json`` (and ``terms.csv``) from the HED-SCORE schema file.

    python -m semioscope.core.semiology.build_vocabulary        # rewrite both files
    python -m semioscope.core.semiology.build_vocabulary --check  # exit 1 if they are out of date

Why a generator: the terms a reviewer may pick are exactly the schema's, with its descriptions, so
a future schema version is a new file and one run of this script, never hand edits. Only this
script needs ``hedtools`` (the dev extra); the app reads the JSON it writes.

What it takes from the schema (``HED_score_2.1.0.xml``, kept beside the output with its licence):
every node under ``Seizure-semiology`` and ``Postictal-semiology`` (a node that requires a child
value, such as ``Semiology-other-automatisms/#``, is recorded as its group's place for site
terms, not as a term of its own); laterality and body parts from the standard schema the library
is partnered with (``withStandard``), each checked to exist and given its description.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import sys
from pathlib import Path
from typing import Any

from semioscope.core.atomic import write_text

#: the schema file this vocabulary is made from, and where both live
SCHEMA_FILE = "HED_score_2.1.0.xml"
RESOURCE_DIR = Path(__file__).resolve().parents[2] / "resources" / "semiology"
ROOTS = ("Seizure-semiology", "Postictal-semiology")
FORMAT = "semioscope-semiology-terms/1"

#: laterality words -> HED tags of the standard schema (Categorical-location-value and
#: Categorical-judgment-value); "axial" is the body's midline, "generalised" both sides alike
LATERALITY: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("left", ("Left",), "Left side of the patient's body."),
    ("right", ("Right",), "Right side of the patient's body."),
    ("bilateral", ("Left", "Right"), "Both sides of the body, not necessarily alike."),
    ("axial", ("Medial",), "The body's midline: neck and trunk."),
    ("generalised", ("Left", "Right", "Symmetrical"), "Both sides of the body, alike."),
)

#: body-part words a reviewer uses -> the standard schema's Body-part tags (order = picker order)
BODY_PARTS: tuple[tuple[str, str], ...] = (
    ("head", "Head"), ("face", "Face"), ("eye", "Eye"), ("eyelid", "Eyelid"),
    ("mouth", "Mouth"), ("tongue", "Tongue"), ("neck", "Neck"), ("arm", "Upper-extremity"),
    ("shoulder", "Shoulder"), ("elbow", "Elbow"), ("hand", "Hand"), ("finger", "Finger"),
    ("trunk", "Torso"), ("pelvis", "Pelvis"), ("hip", "Hip"), ("leg", "Lower-extremity"),
    ("knee", "Knee"), ("foot", "Foot"), ("toe", "Toe"),
)


def term_name(tag: str) -> str:
    """The short name a reviewer types: the tag without ``Semiology-``, lower case."""
    name = tag.removeprefix("Semiology-")
    return name.lower()


def _schema_sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def build(schema_path: Path) -> dict[str, Any]:
    """The vocabulary as a JSON-ready dict, read from ``schema_path`` with hedtools."""
    from hed.schema import load_schema

    schema = load_schema(str(schema_path))
    terms: list[dict[str, Any]] = []
    site_slots: dict[str, str] = {}
    for key, entry in schema.tags.items():
        long_tag = entry.long_tag_name
        parts = long_tag.split("/")
        if key.endswith("/#") or not any(root in parts[:-1] for root in ROOTS):
            continue  # a value node's entry carries its parent's long name
        tag = parts[-1]
        parent = parts[-2]
        if entry.has_attribute("requireChild"):
            if "other" in tag.split("-") and "unilateral" not in tag:
                site_slots[term_name(parent)] = tag  # free text: where site terms go
            continue
        terms.append({"name": term_name(tag), "tag": tag, "long_tag": long_tag,
                      "description": (entry.description or "").strip(),
                      "parent": term_name(parent),
                      "root": next(r for r in ROOTS if r in parts)})
    terms.sort(key=lambda t: (ROOTS.index(t["root"]), t["long_tag"]))  # ictal signs first
    laterality = [{"name": name, "hed": list(tags), "description": text}
                  for name, tags, text in LATERALITY]
    for item in laterality:
        for tag in item["hed"]:
            _require(schema, tag)
    body_parts = []
    for name, tag in BODY_PARTS:
        entry = _require(schema, tag)
        body_parts.append({"name": name, "tag": tag,
                           "description": (entry.description or "").strip()})
    return {
        "format": FORMAT,
        "schema": {"library": schema.library, "version": schema.version.split("_")[-1],
                   "with_standard": schema.with_standard, "file": schema_path.name,
                   "sha256": _schema_sha(schema_path), "licence": "CC BY 4.0",
                   "source": "hed-standard/hed-schemas library_schemas/score/hedxml "
                             "(the copy bundled with hedtools 1.3.0)"},
        "terms": terms,
        "site_slots": dict(sorted(site_slots.items())),
        "laterality": laterality,
        "body_parts": body_parts,
    }


def _require(schema: Any, tag: str) -> Any:
    entry = schema.tags.get(tag) if hasattr(schema.tags, "get") else None
    if entry is None:
        try:
            entry = schema.tags[tag]
        except KeyError:
            raise SystemExit(f"{tag} is not a tag of {schema.version}") from None
    return entry


def terms_csv(vocabulary: dict[str, Any]) -> str:
    """The terms as CSV (term, HED tag, description, parent) for people and spreadsheets."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["term", "hed_tag", "description", "parent"])
    for t in vocabulary["terms"]:
        writer.writerow([t["name"], t["tag"], t["description"], t["parent"]])
    return out.getvalue()


def render(vocabulary: dict[str, Any]) -> dict[str, str]:
    return {"terms.json": json.dumps(vocabulary, indent=1, ensure_ascii=False) + "\n",
            "terms.csv": terms_csv(vocabulary)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="compare with the files in resources/ instead of writing them")
    args = parser.parse_args(argv)
    files = render(build(RESOURCE_DIR / "schema" / SCHEMA_FILE))
    stale = [n for n, text in files.items()
             if not (RESOURCE_DIR / n).is_file()
             or (RESOURCE_DIR / n).read_text(encoding="utf-8") != text]
    if args.check:
        for name in stale:
            print(f"{name} is out of date: run python -m {__spec__.name}", file=sys.stderr)
        return 1 if stale else 0
    for name, text in files.items():
        write_text(RESOURCE_DIR / name, text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
