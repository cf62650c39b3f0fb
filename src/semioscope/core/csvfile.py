"""Reading the dataset CSV files (manifests) that the crop batch, the project and training share.

One place decides how a manifest is read (UTF-8 with or without BOM, stripped headers, numbered
rows) and how its numbers are checked, so a manifest that one command accepts every other command
reads the same way, and errors name the same row.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterator, Sequence
from pathlib import Path

from semioscope.errors import SemioscopeError


def read_rows(path: Path, required: Sequence[str]) -> Iterator[tuple[int, dict[str, str]]]:
    """``(line number, row)`` for every non-blank row; values stripped, columns checked."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise SemioscopeError(path, "no such manifest") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SemioscopeError(path, f"cannot read the manifest ({exc})") from None
    reader = csv.DictReader(text.splitlines())
    header = [(h or "").strip() for h in reader.fieldnames or []]
    missing = [c for c in required if c not in header]
    if missing:
        raise SemioscopeError(path, f"missing column(s) {', '.join(missing)} "
                              f"(has: {', '.join(header) or 'nothing'})")
    reader.fieldnames = header
    for line, raw in enumerate(reader, start=2):
        row = {k: (v or "").strip() for k, v in raw.items() if isinstance(k, str) and
               isinstance(v, str)}
        if any(row.values()):
            yield line, row


def nonnegative(text: str, name: str, where: str) -> float | None:
    """A finite, non-negative number, or None for an empty cell."""
    text = text.strip()
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        raise SemioscopeError(where, f"{name} {text!r} is not a number") from None
    if not math.isfinite(value) or value < 0:
        raise SemioscopeError(where, f"{name} {text!r} must be a non-negative number")
    return value
