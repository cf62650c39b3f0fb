"""One local Ray instance for all cluster tests (2 CPUs, no dashboard), stopped at the end.

Its workers get their own user folders (never the real weights cache: a fetched I3D there
would make workers' weights differ from the tests' untrained ones).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from semioscope.core.video.writer import write_ffv1


@pytest.fixture(scope="session")
def ray_worker_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The workers' user folders: ``cache/`` (weights under ``cache/weights``) and ``data/``."""
    return tmp_path_factory.mktemp("ray-user")


@pytest.fixture(scope="session")
def ray_local(ray_worker_home: Path) -> Iterator[Any]:
    import ray

    base = ray_worker_home
    env = {"SEMIOSCOPE_CACHE_DIR": str(base / "cache"), "SEMIOSCOPE_DATA_DIR": str(base / "data")}
    ray.init(address="local", num_cpus=2, include_dashboard=False, log_to_driver=False,
             runtime_env={"env_vars": env})
    try:
        yield ray
    finally:
        ray.shutdown()


def write_dataset(folder: Path, lengths: list[int], patients: int | None = None) -> Path:
    """Tiny 16-bit videos (one per entry of ``lengths``, in frames) and their manifest."""
    rows = []
    for i, n in enumerate(lengths):
        rng = np.random.default_rng(i)
        frames = [(rng.integers(0, 2000, (40, 48)) + 1000 * (1 + i % 5)).astype(np.uint16)
                  for _ in range(n)]
        write_ffv1(folder / f"v{i}.mkv", frames, fps=30)
        p = i if patients is None else i % patients
        rows.append(f"v{i}.mkv,P{p},S{i},{'TLE' if p % 2 else 'FLE'},,,\"0,0,48,40\"")
    path = folder / "manifest.csv"
    path.write_text("video,patient_id,seizure_id,label,onset_s,offset_s,crop\n"
                    + "\n".join(rows) + "\n")
    return path


def ray_task_pids(title: str) -> list[int]:
    """Processes of *this* test process's Ray instance whose title Ray set to ``ray::<title>``
    (a worker running that task). Only descendants count: another test run on the same machine
    has workers with the same title, and killing one of those broke both runs."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        pid = int(entry.name)
        if cmdline.startswith(f"ray::{title}".encode()) and pid != os.getpid() \
                and _descends_from(pid, os.getpid()):
            pids.append(pid)
    return pids


def _descends_from(pid: int, ancestor: int) -> bool:
    """Whether ``ancestor`` is on ``pid``'s parent chain (read from /proc)."""
    while pid > 1:
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            return False
        pid = int(stat.rsplit(")", 1)[1].split()[1])   # the field after the state: ppid
        if pid == ancestor:
            return True
    return False
