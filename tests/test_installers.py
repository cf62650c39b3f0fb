"""The installers and the app icon: files that only break when someone installs semioscope."""

from __future__ import annotations

import configparser
import shlex
import shutil
import subprocess
from pathlib import Path

import cv2
import pytest

import semioscope
from semioscope.resources import ICON_ICO, ICON_PNG, ICON_SVG, resource_path

ROOT = Path(__file__).resolve().parents[1]
INSTALLERS = ROOT / "installers"
LINUX_SH = INSTALLERS / "linux" / "install.sh"
MACOS_SH = INSTALLERS / "macos" / "install.sh"
DESKTOP = INSTALLERS / "linux" / "semioscope.desktop"
SPEC = INSTALLERS / "pyinstaller" / "semioscope.spec"
BUILD_BUNDLE = INSTALLERS / "linux" / "build-bundle.sh"


class _CaseSensitiveParser(configparser.ConfigParser):
    def optionxform(self, optionstr: str) -> str:  # keys are case-sensitive in desktop entries
        return optionstr


def _desktop_entry() -> configparser.SectionProxy:
    parser = _CaseSensitiveParser(interpolation=None, strict=True)
    parser.read_string(DESKTOP.read_text(encoding="utf-8"))
    return parser["Desktop Entry"]


def _console_scripts() -> dict[str, str]:
    import tomllib

    return tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["scripts"]


def test_desktop_entry_has_required_keys() -> None:
    entry = _desktop_entry()
    for key in ("Type", "Name", "Exec", "Icon", "Terminal", "MimeType", "Categories"):
        assert entry.get(key), f"{key} missing"
    assert entry["Type"] == "Application"
    assert entry["Terminal"] == "false"
    assert entry["Icon"] == "semioscope"
    mimes = set(entry["MimeType"].rstrip(";").split(";"))
    assert {"video/x-matroska", "video/mp4", "video/x-msvideo"} <= mimes
    categories = entry["Categories"].rstrip(";").split(";")
    assert "Science" in categories and "MedicalSoftware" in categories
    assert entry["MimeType"].endswith(";") and entry["Categories"].endswith(";")


def test_desktop_exec_uses_the_entry_point() -> None:
    argv = shlex.split(_desktop_entry()["Exec"])
    assert argv[0] in _console_scripts(), "Exec must start the console script from pyproject"
    assert _console_scripts()[argv[0]] == "semioscope.cli:main"
    assert argv[1] == "review"  # a subcommand that exists
    from semioscope.cli import COMMANDS

    assert argv[1] in COMMANDS
    assert argv[-1] == "%f"  # one file per instance: review opens one video


def _strict_bash_text(script: Path) -> str:
    """The script's text, after checking that bash parses it and that it stops on any error."""
    bash = shutil.which("bash")
    if bash is None:
        pytest.skip("no bash")
    result = subprocess.run([bash, "-n", str(script)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    text = script.read_text("utf-8")
    assert "set -euo pipefail" in text
    return text


@pytest.mark.parametrize("script", [LINUX_SH, MACOS_SH], ids=["linux", "macos"])
def test_install_scripts_parse_and_are_strict(script: Path) -> None:
    text = _strict_bash_text(script)
    assert "torch==2.14.1" in text and "torchvision==0.29.1" in text
    assert "--uninstall" in text
    assert script.stat().st_mode & 0o111, "installer must be executable"


def test_linux_uninstall_on_a_clean_home_does_nothing_harmful(tmp_path: Path) -> None:
    """--uninstall with nothing installed succeeds and leaves the user's data folder alone."""
    bash = shutil.which("bash")
    if bash is None:
        pytest.skip("no bash")
    state = tmp_path / ".local" / "share" / "semioscope" / "videos" / "abc.json"
    state.parent.mkdir(parents=True)
    state.write_text("{}")
    env = {"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    result = subprocess.run([bash, str(LINUX_SH), "--uninstall"], capture_output=True, text=True,
                            env=env, timeout=60)
    assert result.returncode == 0, result.stderr
    assert state.read_text() == "{}"
    help_run = subprocess.run([bash, str(LINUX_SH), "--help"], capture_output=True, text=True,
                              env=env, timeout=60)
    assert help_run.returncode == 0 and "--wheels" in help_run.stdout
    bad = subprocess.run([bash, str(LINUX_SH), "--no-such-option"], capture_output=True,
                         text=True, env=env, timeout=60)
    assert bad.returncode == 2


def test_windows_installer_mentions_the_pins_and_uninstall() -> None:
    text = (INSTALLERS / "windows" / "install.ps1").read_text("utf-8")
    assert '"torch==2.14.1", "torchvision==0.29.1"' in text
    assert "[switch]$Uninstall" in text
    assert "LOCALAPPDATA" in text and "semioscope.ico" in text


def test_icon_files_exist_and_png_is_256() -> None:
    res = ROOT / "src" / "semioscope" / "resources"
    for name in (ICON_SVG, ICON_PNG, ICON_ICO, "semioscope.icns"):
        assert (res / name).is_file(), name
    image = cv2.imread(str(res / ICON_PNG), cv2.IMREAD_UNCHANGED)
    assert image is not None
    assert image.shape[:2] == (256, 256)
    assert image.shape[2] == 4, "PNG should keep its transparent corners"
    assert image[0, 0, 3] == 0 and image[128, 128, 3] == 255
    assert "<svg" in (res / ICON_SVG).read_text("utf-8")


def test_resource_path_finds_icon_inside_installed_package() -> None:
    package_dir = Path(semioscope.__file__).resolve().parent
    path = resource_path(ICON_PNG)
    assert path.is_file()
    assert path.resolve().parent == package_dir / "resources"
    with pytest.raises(FileNotFoundError):
        resource_path("no-such-icon.png")
    with pytest.raises(ValueError):
        resource_path("../cli.py")


def test_resources_module_does_not_import_qt() -> None:
    import ast

    source = (ROOT / "src" / "semioscope" / "resources" / "__init__.py").read_text("utf-8")
    imported: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module)
    assert not any(name.split(".")[0] in {"PySide6", "pyqtgraph"} for name in imported)


def test_pyinstaller_spec_is_valid_python() -> None:
    source = SPEC.read_text("utf-8")
    compile(source, str(SPEC), "exec")
    assert "COLLECT(" in source  # one-folder build
    assert 'collect_submodules("semioscope")' in source  # cli imports commands by name
    assert "semioscope/resources" in source
    assert '"semioscope_main.py"' in source
    entry = SPEC.parent / "semioscope_main.py"
    assert entry.is_file()
    compile(entry.read_text("utf-8"), str(entry), "exec")
    assert "freeze_support()" in entry.read_text("utf-8")


def test_spec_documents_the_build_on_every_platform() -> None:
    """The Windows and macOS builds cannot run here: their written steps must stay in place."""
    header = SPEC.read_text("utf-8").split("import sys", 1)[0]
    for platform, steps in (("Windows", "build-venv\\Scripts\\pyinstaller"),
                            ("macOS", "build-venv/bin/pyinstaller"),
                            ("Linux", "installers/linux/build-bundle.sh")):
        assert platform in header and steps in header, platform
    assert "torch==2.14.1 torchvision==0.29.1" in header and ".[bundle]" in header
    assert "--self-test" in header
    source = SPEC.read_text("utf-8")
    assert 'name="semioscope-cli"' in source and "console=True" in source  # Windows console twin
    assert "BUNDLE(" in source and "semioscope.icns" in source  # macOS .app
    readme = (INSTALLERS / "README.md").read_text("utf-8")
    assert "pyinstaller/semioscope.spec" in readme and "build-bundle.sh" in readme
    for stale in ("windows/semioscope.spec", "windows/semioscope_gui.py"):
        assert stale not in readme and not (INSTALLERS / stale).exists()
        assert stale not in (INSTALLERS / "macos" / "README.md").read_text("utf-8")


def test_bundle_extra_and_runtime_dependencies() -> None:
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    assert any(r.startswith("pyinstaller") for r in project["optional-dependencies"]["bundle"])
    # imported at run time by the PDF report (report/make.py): a bundle without it cannot report
    assert any(r.startswith("pypdf") for r in project["dependencies"])


def test_build_bundle_script_parses_and_is_strict(tmp_path: Path) -> None:
    text = _strict_bash_text(BUILD_BUNDLE)
    assert "torch==2.14.1 torchvision==0.29.1" in text
    assert "uv pip" not in text and "poetry" not in text.replace("never uv/poetry", "")
    assert "env -i" in text and "--self-test" in text  # proves the bundle runs without Python
    assert "installers/pyinstaller/semioscope.spec" in text
    assert BUILD_BUNDLE.stat().st_mode & 0o111, "build script must be executable"
    env = {"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    bash = str(shutil.which("bash"))
    help_run = subprocess.run([bash, str(BUILD_BUNDLE), "--help"], capture_output=True,
                              text=True, env=env, timeout=60)
    assert help_run.returncode == 0 and "--venv" in help_run.stdout
    bad = subprocess.run([bash, str(BUILD_BUNDLE), "--no-such-option"], capture_output=True,
                         text=True, env=env, timeout=60)
    assert bad.returncode == 2


def _requirement_names(lines: list[str]) -> dict[str, str]:
    import re

    reqs = {}
    for line in lines:
        line = line.split("#")[0].strip()
        if line:
            name = re.split(r"[<>=!~\[; ]", line, maxsplit=1)[0]
            reqs[name.lower().replace("_", "-")] = line.replace(" ", "")
    return reqs


def test_clinician_requirements_are_the_runtime_without_torch() -> None:
    """One list for the clinician runtime: pyproject's dependencies, the same pins, minus what
    only research needs (torch, torchvision, scikit-learn), plus OpenVINO."""
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    runtime = _requirement_names(project["dependencies"])
    for research in ("torch", "torchvision", "scikit-learn"):
        assert runtime.pop(research)
    runtime.update(_requirement_names(project["optional-dependencies"]["openvino"]))
    clinician = _requirement_names(
        (INSTALLERS / "clinician-requirements.txt").read_text("utf-8").splitlines())
    assert clinician == runtime


def test_build_bundle_clinician_options(tmp_path: Path) -> None:
    text = BUILD_BUNDLE.read_text("utf-8")
    assert "semioscope-clinician.spec" in text and "clinician-requirements.txt" in text
    assert "--no-deps" in text
    env = {"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    bash = str(shutil.which("bash"))
    for args, message in ((["--clinician", "--torch-index", "https://x"], "has no torch"),
                          (["--check-pack", str(tmp_path)], "needs --clinician"),
                          (["--clinician", "--check-pack", str(tmp_path)], "not a model pack")):
        done = subprocess.run([bash, str(BUILD_BUNDLE), *args, "--out", str(tmp_path / "o"),
                               "--work", str(tmp_path / "w")], capture_output=True, text=True,
                              env=env, timeout=60)
        assert done.returncode == 2 and message in done.stderr, done.stderr
    assert not (tmp_path / "w" / "clinician-venv").exists()
