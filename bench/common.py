"""Small helpers shared by the benchmark scripts: machine description and markdown output."""

from __future__ import annotations

import os
import platform
import resource
import subprocess
import sys
from pathlib import Path


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (f"{cpu}, {os.cpu_count()} cores, {mem_gb:.0f} GiB RAM, Python "
            f"{platform.python_version()}, {platform.system()} {platform.release()}")


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_child(code: str) -> str:
    """Run Python code in a fresh process (so its peak memory is its own); returns stdout."""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return out.stdout.strip()


def emit(markdown: str, out: str | None) -> None:
    print(markdown)
    if out:
        Path(out).parent.mkdir(parents=True, exist_ok=True)
        Path(out).write_text(markdown + "\n")
