"""Download official weight files (the ONLY code in semioscope that touches the network).

Streams the registry URL into a temporary file beside the destination while hashing it, checks
the SHA-256 (full, or torchvision's published prefix) and size, and only then renames it into
place: a failed, tampered or interrupted download leaves nothing behind. The full hash of what we
got is recorded beside the file (``<file>.sha256``) so prefix-only entries become pinned too.
"""

from __future__ import annotations

import hashlib
import os
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from semioscope.core.atomic import atomic_path, write_text
from semioscope.core.cancel import CancelToken
from semioscope.core.hashing import file_sha256
from semioscope.core.models.registry import WeightFile, weight_file
from semioscope.errors import WeightsError

__all__ = ["BASE_URL_ENV", "FetchResult", "fetch", "recorded_sha256", "verify_file"]

#: mirror for hospitals with a local file server: ``$BASE/<registry file name>``
BASE_URL_ENV = "SEMIOSCOPE_WEIGHTS_BASE_URL"
CHUNK = 1 << 20

#: ``progress(bytes_done, bytes_total_or_None)``
ProgressCallback = Callable[[int, int | None], None]


@dataclass(frozen=True)
class FetchResult:
    name: str
    path: Path
    sha256: str
    size: int
    downloaded: bool   # False: a valid file was already there


def _hash_matches(entry: WeightFile, digest: str) -> bool:
    return digest.startswith(entry.sha256.lower())


def verify_file(path: Path, entry: WeightFile) -> str:
    """Full SHA-256 of ``path`` if it matches the registry entry, else WeightsError."""
    if not path.is_file():
        raise WeightsError(path, "file not found")
    hexdigest = file_sha256(path)
    if not _hash_matches(entry, hexdigest):
        raise WeightsError(path, f"SHA-256 {hexdigest} does not match the official {entry.name} "
                                 f"file ({entry.sha256}{'...' if entry.hash_is_prefix else ''})")
    return hexdigest


def recorded_sha256(path: Path) -> str | None:
    """The full hash recorded at fetch time, if any."""
    side = path.with_name(path.name + ".sha256")
    try:
        return side.read_text().split()[0]
    except (OSError, IndexError):
        return None


def fetch(name: str, *, url: str | None = None, dest: Path | None = None, force: bool = False,
          progress: ProgressCallback | None = None, cancel: CancelToken | None = None,
          timeout: float = 60.0) -> FetchResult:
    """Download registry file ``name`` (unless a verified copy is there) and return where it is."""
    entry = weight_file(name)
    if url is None:
        base = os.environ.get(BASE_URL_ENV)
        url = f"{base.rstrip('/')}/{entry.filename}" if base else entry.url
    dest = Path(dest) if dest is not None else entry.cached_path
    if dest.is_file() and not force:
        try:
            sha = verify_file(dest, entry)
            return FetchResult(name, dest, sha, dest.stat().st_size, downloaded=False)
        except WeightsError:
            pass  # a stale or damaged copy: download again
    with atomic_path(dest) as tmp:
        sha, size = _download(url, tmp, entry, progress, cancel, timeout)
    write_text(dest.with_name(dest.name + ".sha256"), f"{sha}  {dest.name}\n")
    return FetchResult(name, dest, sha, size, downloaded=True)


def _download(url: str, tmp: Path, entry: WeightFile, progress: ProgressCallback | None,
              cancel: CancelToken | None, timeout: float) -> tuple[str, int]:
    """Stream ``url`` into ``tmp``; raise WeightsError (tmp then removed by the caller)."""
    digest, size = hashlib.sha256(), 0
    request = urllib.request.Request(url, headers={"User-Agent": "semioscope"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response, \
                open(tmp, "wb") as out:
            length = response.headers.get("Content-Length")
            total = int(length) if length and length.isdigit() else entry.size
            while block := response.read(CHUNK):
                if cancel is not None:
                    cancel.raise_if_cancelled()
                out.write(block)
                digest.update(block)
                size += len(block)
                if progress is not None:
                    progress(size, total)
    except urllib.error.HTTPError as exc:
        raise WeightsError(url, f"download failed: HTTP {exc.code} {exc.reason}") from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise WeightsError(url, f"download failed: {reason}; without internet, copy "
                                f"{entry.filename} by hand and pass --weights PATH") from None
    hexdigest = digest.hexdigest()
    if entry.size is not None and size != entry.size:
        raise WeightsError(url, f"got {size} bytes, expected {entry.size}; nothing was kept")
    if not _hash_matches(entry, hexdigest):
        raise WeightsError(url, f"SHA-256 mismatch: got {hexdigest}, expected {entry.sha256}"
                                f"{'...' if entry.hash_is_prefix else ''}; nothing was kept")
    return hexdigest, size
