"""The engine options: the plain commands never import Ray; a missing Ray is one line, exit 2;
Ray-only options without ``--engine ray`` are refused."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from semioscope.cli import main
from tests.core.cluster.conftest import write_dataset


def test_plain_extract_does_not_import_ray(tmp_path: Path) -> None:
    manifest = write_dataset(tmp_path, [12, 12])
    code = ("import sys\nfrom semioscope.cli import main\n"
            f"rc = main(['extract', {str(manifest)!r}, '--cache', {str(tmp_path / 'c')!r}, "
            "'--allow-untrained', '--threads', '1'])\n"
            "print('rc', rc, 'ray imported', 'ray' in sys.modules)\n")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=env, timeout=300)
    assert "rc 0 ray imported False" in done.stdout, done.stderr
    assert (tmp_path / "c" / "index.json").exists()


@pytest.mark.parametrize("command", ["extract", "search"])
def test_missing_ray_is_one_line_with_the_install_hint(
        command: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    manifest = write_dataset(tmp_path, [12])
    monkeypatch.setitem(sys.modules, "ray", None)   # as if not installed: import fails
    extra = ["--out", str(tmp_path / "s")] if command == "search" else []
    assert main([command, str(manifest), "--cache", str(tmp_path / "c"), "--allow-untrained",
                 "--engine", "ray", *extra]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("semioscope: error: --engine ray: Ray") and "\n" not in err
    assert err.endswith("install it with: pip install 'semioscope[cluster]'")
    assert not (tmp_path / "c").exists() and not (tmp_path / "s").exists()


def test_ray_options_need_the_ray_engine(tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    manifest = write_dataset(tmp_path, [12])
    assert main(["extract", str(manifest), "--cache", str(tmp_path / "c"), "--allow-untrained",
                 "--workers", "2"]) == 2
    assert capsys.readouterr().err.strip() == ("semioscope: error: --workers: only applies "
                                               "with --engine ray")


def test_an_address_where_no_cluster_answers_fails_at_once(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import socket

    with socket.socket() as probe:   # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    manifest = write_dataset(tmp_path, [12, 12])
    assert main(["extract", str(manifest), "--cache", str(tmp_path / "c"), "--allow-untrained",
                 "--engine", "ray", "--address", f"127.0.0.1:{port}"]) == 2
    err = capsys.readouterr().err.strip().splitlines()[-1]
    assert err.startswith(f"semioscope: error: --address 127.0.0.1:{port}: no Ray cluster "
                          "answers there")
    assert main(["extract", str(manifest), "--cache", str(tmp_path / "c"), "--allow-untrained",
                 "--engine", "ray", "--address", "head"]) == 2
    assert "expected HOST:PORT" in capsys.readouterr().err
