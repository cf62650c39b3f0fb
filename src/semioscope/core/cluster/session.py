"""Connecting to a Ray cluster (or starting a local instance) and sizing the work for it.

Without an address a fresh local instance starts (``address="local"``, never a stray cluster
found on the machine) and is shut down at the end; with one, the driver joins that cluster and
leaves it running. When Ray is already initialised in this process (a test, a notebook), that
session is used as it is.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

from semioscope.core.cluster import require_ray
from semioscope.errors import SemioscopeError


@dataclass(frozen=True)
class ClusterInfo:
    """What the driver found: where it runs and the cluster's resources."""

    address: str                 # "local" for an instance started here
    started_local: bool          # this process started (and will stop) the instance
    start_s: float               # seconds spent connecting or starting
    resources: dict[str, float] = field(default_factory=dict)
    node_cpus: int = 0           # CPUs of the largest node (no task may ask for more)

    @property
    def cpus(self) -> int:
        return int(self.resources.get("CPU", 0))

    @property
    def gpus(self) -> int:
        return int(self.resources.get("GPU", 0))


@contextlib.contextmanager
def ray_session(address: str | None = None, *, num_cpus: int | None = None,
                debug: bool = False, tune: bool = False) -> Iterator[ClusterInfo]:
    """Ray ready for tasks inside the ``with`` block; a local instance is stopped after it."""
    ray = require_ray(tune=tune)
    if ray.is_initialized():
        yield ClusterInfo("existing", False, 0.0, dict(ray.cluster_resources()), _node_cpus(ray))
        return
    if address:
        check_address(address)
    started = time.monotonic()
    kwargs = {"include_dashboard": False, "log_to_driver": debug,
              "logging_level": logging.INFO if debug else logging.WARNING}
    try:
        if address:
            ray.init(address=address, **kwargs)
        else:
            ray.init(address="local", num_cpus=num_cpus, **kwargs)
    except (ConnectionError, ValueError, RuntimeError) as exc:
        raise SemioscopeError(address or "local Ray instance",
                              f"cannot start or join the Ray cluster: {exc}") from None
    info = ClusterInfo(address or "local", True, time.monotonic() - started,
                       dict(ray.cluster_resources()), _node_cpus(ray))
    try:
        yield info
    finally:
        ray.shutdown()


def check_address(address: str, timeout: float = 10.0) -> None:
    """Fail in seconds, with one line, when nothing listens at ``HOST:PORT`` (Ray itself would
    keep retrying for minutes). ``auto`` and ``ray://`` client addresses are left to Ray."""
    if address == "auto" or "://" in address:
        return
    host, sep, port = address.rpartition(":")
    if not sep or not host or not port.isdigit():
        raise SemioscopeError("--address", f"{address!r}: expected HOST:PORT (e.g. head:6379) "
                              "or auto")
    try:
        socket.create_connection((host, int(port)), timeout=timeout).close()
    except OSError as exc:
        raise SemioscopeError(f"--address {address}", "no Ray cluster answers there "
                              f"({exc.strerror or exc}); is `ray start --head` running?") from None


def _node_cpus(ray: object) -> int:
    nodes = ray.nodes()  # type: ignore[attr-defined]
    return max((int(n.get("Resources", {}).get("CPU", 0)) for n in nodes if n.get("Alive")),
               default=0)


def choose_device(choice: str, info: ClusterInfo, *, flag: str = "--device") -> str:
    """``"gpu"`` or ``"cpu"`` for the Ray workers, from the local path's device setting:
    ``auto`` takes GPUs when the cluster has them, ``cuda[:N]`` insists on them (Ray assigns each
    task its GPU, so an index means nothing here), ``cpu`` forces the CPUs."""
    if choice == "cpu":
        return "cpu"
    if choice == "auto":
        return "gpu" if info.gpus > 0 else "cpu"
    if choice == "cuda" or choice.startswith("cuda:"):
        if info.gpus == 0:
            raise SemioscopeError(f"{flag} {choice}", "the Ray cluster has no GPUs "
                                  f"({info.cpus} CPUs); use auto or cpu")
        return "gpu"
    raise SemioscopeError(flag, f"{choice!r}: choose auto, cpu or cuda")


def plan_workers(info: ClusterInfo, device: str, workers: int | None,
                 threads: int | None) -> tuple[int, int]:
    """``(concurrent tasks, CPU threads each)``.

    GPU: one task per GPU (each with ``threads`` CPUs, default 2, for decoding). CPU: the
    cluster's CPUs shared out, ``threads`` each (default: all of them over ``workers``, or 2).
    """
    cpus = max(1, info.cpus)
    if workers is not None and workers < 1:
        raise SemioscopeError("--workers", f"must be at least 1, got {workers}")
    if threads is not None and threads < 1:
        raise SemioscopeError("--threads", f"must be at least 1, got {threads}")
    largest = max(1, info.node_cpus or cpus)
    if threads is not None and threads > largest:
        raise SemioscopeError("--threads", f"{threads} threads per task, but the largest node "
                              f"of the Ray cluster has {largest} CPUs")
    if device == "gpu":
        return workers or max(1, info.gpus), threads or min(2, largest)
    if threads is None:
        threads = min(largest, max(1, cpus // workers) if workers else 2)
    return workers or max(1, cpus // threads), threads
