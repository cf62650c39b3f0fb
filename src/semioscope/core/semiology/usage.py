"""How often this user picked each term, so the picker offers the most used first.

Kept in ``data_dir()/semiology-usage.json`` (term -> count), written atomically; an unreadable file
counts as none (the picker then lists the schema's order).
"""

from __future__ import annotations

import json
from pathlib import Path

from semioscope.core.atomic import write_json
from semioscope.core.paths import data_dir

USAGE_FILE = "semiology-usage.json"


def _path() -> Path:
    return data_dir() / USAGE_FILE


def load_usage() -> dict[str, int]:
    try:
        data = json.loads(_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {str(k): int(v) for k, v in data.items() if isinstance(v, int)}


def count_use(term: str) -> dict[str, int]:
    """One more use of ``term``; returns the new counts."""
    usage = load_usage()
    usage[term] = usage.get(term, 0) + 1
    write_json(_path(), usage)
    return usage
