"""Run every benchmark on a quiet machine; each writes its table to bench/results/<name>.md.

    python bench/run_all.py [--quick] [--only video,crop,...]

bench/RESULTS.md quotes these tables with the machine they ran on and what they mean; update it
from bench/results/ after a run. Run nothing else meanwhile: the machine has 2 cores.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHES = {
    "video": [], "crop": [], "gui": [], "project": [],
    "cv": ["--epochs", "20"],   # per fold-epoch time; 2000 epochs is hours on 2 cores
    "engine": [],
    "pipeline": [],             # ours vs reference-style, 60 s + 20 s memory (--long: 5 min)
    "cluster": [],              # extract: local vs --engine ray with 1 and 2 local workers
}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="smoke-run every script")
    ap.add_argument("--only", help="comma-separated subset of " + ",".join(BENCHES))
    args = ap.parse_args()
    names = args.only.split(",") if args.only else list(BENCHES)
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    failed = []
    for name in names:
        extra = ["--quick"] if args.quick else BENCHES[name]
        out = HERE / "results" / f"{name}{'-quick' if args.quick else ''}.md"
        cmd = [sys.executable, str(HERE / f"bench_{name}.py"), *extra, "--out", str(out)]
        print("$", " ".join(cmd), flush=True)
        if subprocess.run(cmd, env=env).returncode != 0:
            failed.append(name)
    if failed:
        print("failed:", ", ".join(failed), file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
