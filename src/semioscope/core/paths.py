"""Where semioscope keeps its files on this workstation (never beside the source videos).

``SEMIOSCOPE_CACHE_DIR`` and ``SEMIOSCOPE_DATA_DIR`` override the platform folders (tests, portable
installs).
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "semioscope"


def cache_dir() -> Path:
    """Downloaded model weights and other re-creatable files."""
    override = os.environ.get("SEMIOSCOPE_CACHE_DIR")
    return Path(override) if override else Path(platformdirs.user_cache_dir(APP_NAME))


def weights_dir() -> Path:
    return cache_dir() / "weights"


def data_dir() -> Path:
    """The user's own state: crops, spans and last results per video, recent files, settings."""
    override = os.environ.get("SEMIOSCOPE_DATA_DIR")
    return Path(override) if override else Path(platformdirs.user_data_dir(APP_NAME))
