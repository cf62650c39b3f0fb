"""Reading the JSON files users hand us (results, crop records), with one-line errors."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from semioscope.core.inputs import read_text
from semioscope.errors import SemioscopeError


def read_json(path: str | os.PathLike[str], what: str) -> Any:
    """Parse ``path``; a missing, unreadable or malformed file raises :class:`SemioscopeError`
    that names the file and says it should be ``what`` (e.g. "crop record")."""
    path = Path(path)
    text = read_text(path, what)   # a regular file only: a pipe or device would wait forever
    try:
        return json.loads(text)
    except RecursionError:
        raise SemioscopeError(path, f"not a {what} JSON file (nested too deeply)") from None
    except json.JSONDecodeError as exc:
        raise SemioscopeError(path, f"not a {what} JSON file (line {exc.lineno}: "
                              f"{exc.msg})") from None
