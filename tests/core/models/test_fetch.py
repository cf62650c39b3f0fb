"""fetch against a local HTTP server: verified files kept, tampered or failed ones leave nothing."""

from __future__ import annotations

import dataclasses
import hashlib
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from semioscope.core.cancel import CancelToken
from semioscope.core.models import fetch as fetch_module
from semioscope.core.models import registry
from semioscope.core.models.fetch import BASE_URL_ENV, fetch, recorded_sha256, verify_file
from semioscope.errors import CancelledError, WeightsError

PAYLOAD = bytes(range(256)) * 12_000          # ~3 MiB: several streamed chunks
SHA = hashlib.sha256(PAYLOAD).hexdigest()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """Serve ``tmp_path / 'www'`` on 127.0.0.1 (a random free port) in a thread."""
    root = tmp_path / "www"
    root.mkdir()

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
            super().__init__(*args, directory=str(root), **kwargs)

        def log_message(self, *args: object) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", root
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture
def entry(monkeypatch: pytest.MonkeyPatch) -> registry.WeightFile:
    """Point the registry's i3d entry at our payload's hash and size."""
    patched = dataclasses.replace(registry.WEIGHT_FILES["i3d"], sha256=SHA, size=len(PAYLOAD))
    monkeypatch.setitem(registry.WEIGHT_FILES, "i3d", patched)
    return patched


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_good_file_is_downloaded_verified_and_recorded(server, entry) -> None:
    base, root = server
    (root / entry.filename).write_bytes(PAYLOAD)
    seen: list[tuple[int, int | None]] = []
    result = fetch("i3d", url=f"{base}/{entry.filename}",
                   progress=lambda done, total: seen.append((done, total)))
    assert result.downloaded and result.path == entry.cached_path
    assert result.path.read_bytes() == PAYLOAD and result.sha256 == SHA
    assert recorded_sha256(result.path) == SHA
    assert seen[-1] == (len(PAYLOAD), len(PAYLOAD)) and len(seen) > 1
    assert registry.find_weights("i3d") == entry.cached_path
    again = fetch("i3d", url=f"{base}/missing")      # a valid copy is there: no download
    assert not again.downloaded and again.sha256 == SHA


def test_tampered_file_is_rejected_and_nothing_is_left(server, entry) -> None:
    base, root = server
    tampered = bytearray(PAYLOAD)
    tampered[1000] ^= 0xFF
    (root / "bad.pt").write_bytes(bytes(tampered))
    with pytest.raises(WeightsError, match=f"SHA-256 mismatch.*expected {SHA}") as err:
        fetch("i3d", url=f"{base}/bad.pt")
    assert "bad.pt" in str(err.value) and "nothing was kept" in str(err.value)
    assert leftovers(entry.cached_path.parent) == []


def test_wrong_size_and_http_errors(server, entry, tmp_path: Path) -> None:
    base, root = server
    (root / "short.pt").write_bytes(PAYLOAD[:-10])
    with pytest.raises(WeightsError, match=f"expected {len(PAYLOAD)}"):
        fetch("i3d", url=f"{base}/short.pt")
    with pytest.raises(WeightsError, match="HTTP 404"):
        fetch("i3d", url=f"{base}/nowhere.pt")
    with pytest.raises(WeightsError, match="download failed.*--weights PATH"):
        fetch("i3d", url="http://127.0.0.1:9/closed-port.pt", timeout=5)
    assert leftovers(entry.cached_path.parent) == []


def test_prefix_hash_and_base_url_mirror(server, monkeypatch, tmp_path: Path) -> None:
    base, root = server
    prefixed = dataclasses.replace(registry.WEIGHT_FILES["s3d"], sha256=SHA[:8])
    monkeypatch.setitem(registry.WEIGHT_FILES, "s3d", prefixed)
    (root / prefixed.filename).write_bytes(PAYLOAD)
    monkeypatch.setenv(BASE_URL_ENV, base + "/")
    dest = tmp_path / "elsewhere" / "s3d.pth"
    result = fetch("s3d", dest=dest)
    assert result.path == dest and dest.read_bytes() == PAYLOAD
    assert recorded_sha256(dest) == SHA                 # the full hash pinned at fetch time
    assert verify_file(dest, prefixed) == SHA
    dest.write_bytes(PAYLOAD[:-1] + b"x")
    with pytest.raises(WeightsError, match="does not match the official s3d"):
        verify_file(dest, prefixed)


def test_cancel_mid_download_leaves_nothing(server, entry) -> None:
    base, root = server
    (root / "f.pt").write_bytes(PAYLOAD)
    token = CancelToken()

    def cancel_after_first(done: int, total: int | None) -> None:
        token.cancel()

    with pytest.raises(CancelledError):
        fetch("i3d", url=f"{base}/f.pt", progress=cancel_after_first, cancel=token)
    assert leftovers(entry.cached_path.parent) == []
    assert fetch_module.CHUNK < len(PAYLOAD)            # the cancel really came mid-stream
