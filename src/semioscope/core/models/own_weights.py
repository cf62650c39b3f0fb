"""Backbone weights a site registers as its own (``semioscope models register FILE``).

A weights file that is not the registry's official one makes every result "custom weights,
unverified". A research team that fine-tuned its own backbone registers the file once on each
workstation: its SHA-256, the backbone it is for, a note, who and when go into
``data_dir()/registered_weights.json`` (atomically), and every later result records that note.
That the file loads into the architecture is checked first, by
:func:`semioscope.core.models.load_check.check_loads` (kept apart: the registry reads the
registrations here, and loading a backbone needs the registry).
"""

from __future__ import annotations

import getpass
import json
import logging
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from semioscope.core.atomic import write_json
from semioscope.core.hashing import file_sha256
from semioscope.core.paths import data_dir
from semioscope.errors import SemioscopeError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Registration:
    name: str           # backbone, e.g. "i3d"
    sha256: str
    note: str
    user: str
    registered: str     # UTC ISO 8601

    @property
    def text(self) -> str:
        return f"registered by {self.user} on {self.registered[:10]}: {self.note}"


def registry_path() -> Path:
    return data_dir() / "registered_weights.json"


def registrations() -> list[Registration]:
    """Every registration on this machine (an unreadable file counts as none, with a warning)."""
    path = registry_path()
    if not path.is_file():
        return []
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return [Registration(**entry) for entry in data["weights"]]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        log.warning("ignoring unreadable %s: %s", path.name, exc)
        return []


def find_registration(name: str, sha256: str | None) -> Registration | None:
    if not sha256:
        return None
    return next((r for r in registrations() if r.name == name and r.sha256 == sha256), None)


def register_weights(name: str, path: Path, note: str) -> Registration:
    """Record ``path`` as this site's own ``name`` weights (replacing an earlier entry)."""
    from semioscope.core.inputs import check_regular

    check_regular(path, "weights")
    if not note.strip():
        raise SemioscopeError(path, "say what these weights are with --note")
    entry = Registration(name=name, sha256=file_sha256(path), note=note.strip(),
                         user=getpass.getuser(),
                         registered=datetime.now(UTC).isoformat(timespec="seconds"))
    kept = [r for r in registrations() if (r.name, r.sha256) != (entry.name, entry.sha256)]
    write_json(registry_path(), {"weights": [asdict(r) for r in [*kept, entry]]})
    return entry
