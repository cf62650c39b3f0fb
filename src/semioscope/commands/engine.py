"""The ``--engine`` options shared by `extract` and `search` (not a subcommand).

``--engine local`` (the default) is the plain path and never imports Ray; ``--engine ray`` runs
the same work on a Ray cluster (``--address``) or on a local instance started for the run.
"""

from __future__ import annotations

import argparse
from typing import Any

from semioscope.errors import SemioscopeError

RAY_ONLY = ("address", "workers")


def add_engine_arguments(parser: argparse.ArgumentParser, *, what: str) -> Any:
    """Add the options; return their group so a command can add its own Ray options."""
    group = parser.add_argument_group("distributed engine (optional extra: semioscope[cluster])")
    group.add_argument("--engine", choices=("local", "ray"), default="local",
                       help=f"where to run: this process (default) or Ray ({what}); see "
                            "docs/CLUSTER.md")
    group.add_argument("--address", metavar="ADDR",
                       help="Ray cluster to join (e.g. HEAD:6379, or auto for one started on "
                            "this machine); default: start a local Ray instance for this run")
    group.add_argument("--workers", type=int, metavar="N",
                       help="Ray tasks at once (default: one per GPU, or the cluster's CPUs "
                            "over the threads per task)")
    return group


def check_engine_arguments(args: argparse.Namespace, extra: tuple[str, ...] = (), *,
                           tune: bool = False) -> None:
    """Ray-only options given without ``--engine ray`` are a mistake, not silently ignored.
    With it, a missing Ray extra (``tune``: with Ray Tune) or an unreachable ``--address`` is
    a one-line error in seconds, before anything is loaded."""
    if args.engine == "ray":
        from semioscope.core.cluster import require_ray
        from semioscope.core.cluster.session import check_address

        require_ray(tune=tune)
        if args.address:
            check_address(args.address)
        return
    for name in (*RAY_ONLY, *extra):
        if getattr(args, name, None) is not None:
            flag = "--" + name.replace("_", "-")
            raise SemioscopeError(flag, "only applies with --engine ray")
