"""Building a small model pack for tests: an untrained classifier + untrained I3D, exported once."""

from __future__ import annotations

from pathlib import Path

import pytest


def export_test_pack(folder: Path) -> tuple[Path, Path]:
    """(pack folder, the .semio it was made from), via the real ``models export`` command."""
    from semioscope.cli import main
    from semioscope.core.models.classifier import random_classifier, save_classifier

    semio = folder / "model.semio"
    save_classifier(semio, *random_classifier(3))
    pack = folder / "pack"
    with pytest.MonkeyPatch.context() as mp:  # no real user weights may sneak in
        mp.setenv("SEMIOSCOPE_CACHE_DIR", str(folder / "cache"))
        mp.setenv("SEMIOSCOPE_DATA_DIR", str(folder / "data"))
        assert main(["models", "export", str(semio), "--out", str(pack), "--allow-untrained",
                     "--threads", "2"]) == 0
    return pack, semio
