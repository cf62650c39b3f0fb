#!/usr/bin/env bash
# Install semioscope for the current user on Linux (no root needed), or remove it again.
#
#   installers/linux/install.sh                      # from this source tree, using the internet
#   installers/linux/install.sh semioscope-0.1.0-py3-none-any.whl
#   installers/linux/install.sh --wheels /media/usb/wheels     # offline: only that folder
#   installers/linux/install.sh --uninstall
#
# What it does (running it again repairs/upgrades in place):
#   1. a virtual environment in ~/.local/share/semioscope/venv (or PREFIX/venv) with python3.11
#   2. pip install torch==2.14.1 torchvision==0.29.1, then semioscope from a source tree or wheel
#   3. a link ~/.local/bin/semioscope -> the venv's semioscope command
#   4. a desktop entry (~/.local/share/applications) and icons (~/.local/share/icons/hicolor)
# It never reads, moves or deletes videos, model weights or the per-video review state kept in
# the user data folder; --uninstall removes only what steps 1-4 created.
set -euo pipefail

TORCH_PINS=(torch==2.14.1 torchvision==0.29.1)
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
DATA_HOME="${XDG_DATA_HOME:-$HOME/.local/share}"

PREFIX="$DATA_HOME/semioscope"
BIN_DIR="$HOME/.local/bin"
PYTHON="${PYTHON:-python3.11}"
WHEELS=""
TORCH_INDEX=""
SOURCE=""
DESKTOP=1
UNINSTALL=0
MARKER=".semioscope-installer"

usage() {
    cat <<USAGE
usage: $(basename "$0") [options] [SOURCE]

SOURCE is a semioscope source tree or wheel (default: the tree this script is in, or the
semioscope wheel in --wheels DIR).

options:
  --prefix DIR        install into DIR/venv (default: $PREFIX)
  --bin-dir DIR       where to link the semioscope command (default: $BIN_DIR)
  --python EXE        Python 3.11+ to build the venv with (default: $PYTHON)
  --wheels DIR        offline: install only from the wheels in DIR (pip --no-index)
  --torch-index URL   pip index for torch/torchvision only, e.g.
                      https://download.pytorch.org/whl/cpu for a CPU-only build
  --no-desktop        skip the desktop entry and icons (servers)
  --uninstall         remove the venv, the link, the desktop entry and the icons
  -h, --help          this help
USAGE
}

die() { echo "install.sh: error: $*" >&2; exit 2; }
say() { echo "install.sh: $*"; }

while [[ $# -gt 0 ]]; do
    case "$1" in
        --prefix) [[ $# -ge 2 ]] || die "--prefix needs a folder"; PREFIX="$2"; shift 2 ;;
        --bin-dir) [[ $# -ge 2 ]] || die "--bin-dir needs a folder"; BIN_DIR="$2"; shift 2 ;;
        --python) [[ $# -ge 2 ]] || die "--python needs an executable"; PYTHON="$2"; shift 2 ;;
        --wheels) [[ $# -ge 2 ]] || die "--wheels needs a folder"; WHEELS="$2"; shift 2 ;;
        --torch-index) [[ $# -ge 2 ]] || die "--torch-index needs a URL"; TORCH_INDEX="$2"; shift 2 ;;
        --no-desktop) DESKTOP=0; shift ;;
        --uninstall) UNINSTALL=1; shift ;;
        -h|--help) usage; exit 0 ;;
        -*) usage >&2; die "unknown option: $1" ;;
        *) [[ -z "$SOURCE" ]] || die "only one SOURCE, got '$SOURCE' and '$1'"; SOURCE="$1"; shift ;;
    esac
done

# Absolute paths: the venv's scripts and the desktop entry must not depend on the current folder.
abspath() { (cd "$(dirname "$1")" && echo "$(pwd)/$(basename "$1")"); }
if [[ $UNINSTALL -eq 0 ]]; then
    mkdir -p "$PREFIX" || die "$PREFIX: cannot create"
fi
if [[ -d "$PREFIX" ]]; then PREFIX="$(cd "$PREFIX" && pwd)"; fi
VENV="$PREFIX/venv"
LINK="$BIN_DIR/semioscope"
APPS_DIR="$DATA_HOME/applications"
ICONS_DIR="$DATA_HOME/icons/hicolor"
DESKTOP_FILE="$APPS_DIR/semioscope.desktop"
ICON_FILES=("$ICONS_DIR/256x256/apps/semioscope.png" "$ICONS_DIR/scalable/apps/semioscope.svg")

# Escape a string for the replacement side of a sed s|...|...| command.
sed_escape() { printf '%s' "$1" | sed -e 's/[\\|&]/\\&/g'; }

refresh_desktop_caches() {
    if command -v update-desktop-database >/dev/null 2>&1; then
        update-desktop-database -q "$APPS_DIR" 2>/dev/null || true
    fi
    if command -v gtk-update-icon-cache >/dev/null 2>&1 && [[ -f "$ICONS_DIR/index.theme" ]]; then
        gtk-update-icon-cache -q -t "$ICONS_DIR" 2>/dev/null || true
    fi
}

uninstall() {
    # The link: only when it is ours (points into our venv).
    if [[ -L "$LINK" ]]; then
        case "$(readlink "$LINK")" in
            "$VENV"/*) rm -f "$LINK"; say "removed $LINK" ;;
            *) say "left $LINK alone (it does not point into $VENV)" ;;
        esac
    fi
    # The venv: only when this script made it (marker file), never an arbitrary folder.
    if [[ -d "$VENV" ]]; then
        if [[ -f "$VENV/$MARKER" && -f "$VENV/pyvenv.cfg" ]]; then
            rm -rf "$VENV"; say "removed $VENV"
        else
            say "left $VENV alone (not made by this installer)"
        fi
    fi
    rmdir "$PREFIX" 2>/dev/null || true
    local f
    for f in "$DESKTOP_FILE" "${ICON_FILES[@]}"; do
        if [[ -f "$f" ]]; then rm -f "$f"; say "removed $f"; fi
    done
    refresh_desktop_caches
    say "semioscope is uninstalled. Left untouched: your videos, downloaded model weights"
    say "(user cache, e.g. ~/.cache/semioscope) and your review state (user data folder,"
    say "e.g. $DATA_HOME/semioscope/videos); delete those by hand if you want them gone."
}

if [[ $UNINSTALL -eq 1 ]]; then
    uninstall
    exit 0
fi

# ---- install --------------------------------------------------------------------------------
command -v "$PYTHON" >/dev/null 2>&1 || die "$PYTHON not found; install Python 3.11 or pass --python"
"$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
    || die "$PYTHON is $("$PYTHON" -c 'import sys; print(sys.version.split()[0])'); semioscope needs 3.11+"

PIP_SOURCE=()
if [[ -n "$WHEELS" ]]; then
    [[ -d "$WHEELS" ]] || die "$WHEELS: no such folder"
    PIP_SOURCE=(--no-index --find-links "$(cd "$WHEELS" && pwd)")
fi

if [[ -z "$SOURCE" ]]; then
    if [[ -n "$WHEELS" ]] && compgen -G "$WHEELS/semioscope-*.whl" >/dev/null; then
        SOURCE="semioscope"          # resolved by pip from --find-links
    elif [[ -f "$REPO/pyproject.toml" ]]; then
        SOURCE="$REPO"
    else
        die "no SOURCE given and no source tree around this script"
    fi
elif [[ -e "$SOURCE" ]]; then
    SOURCE="$(abspath "$SOURCE")"
    if [[ -d "$SOURCE" && ! -f "$SOURCE/pyproject.toml" ]]; then
        die "$SOURCE: not a semioscope source tree (no pyproject.toml)"
    fi
else
    die "$SOURCE: no such file or folder"
fi

if [[ -x "$VENV/bin/python" ]] && "$VENV/bin/python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    say "reusing $VENV"
else
    [[ ! -e "$VENV" || -f "$VENV/$MARKER" ]] || die "$VENV exists and was not made by this installer"
    rm -rf "$VENV"
    say "creating $VENV with $PYTHON"
    "$PYTHON" -m venv "$VENV"
fi
touch "$VENV/$MARKER"
PIP=("$VENV/bin/python" -m pip --disable-pip-version-check)

if [[ -z "$WHEELS" ]]; then
    "${PIP[@]}" install --quiet --upgrade pip
fi
TORCH_SOURCE=("${PIP_SOURCE[@]}")
if [[ -n "$TORCH_INDEX" && -z "$WHEELS" ]]; then
    TORCH_SOURCE=(--index-url "$TORCH_INDEX")
fi
say "installing ${TORCH_PINS[*]} (large download on first install)"
"${PIP[@]}" install "${TORCH_SOURCE[@]}" "${TORCH_PINS[@]}"
say "installing semioscope from $SOURCE"
"${PIP[@]}" install "${PIP_SOURCE[@]}" --upgrade "$SOURCE"
"$VENV/bin/semioscope" --version >/dev/null || die "the installed semioscope command does not run"

mkdir -p "$BIN_DIR"
if [[ -e "$LINK" && ! -L "$LINK" ]]; then
    die "$LINK exists and is not a link; move it away and run again"
fi
ln -sfn "$VENV/bin/semioscope" "$LINK"
say "linked $LINK"
case ":$PATH:" in
    *":$BIN_DIR:"*) ;;
    *) say "note: $BIN_DIR is not on your PATH; add it, or run $LINK" ;;
esac

if [[ $DESKTOP -eq 1 ]]; then
    # The icons come from the installed package, so a wheel install needs no source tree.
    RES="$("$VENV/bin/python" -c 'from semioscope.resources import resource_path as r; print(r("semioscope.svg").parent)')"
    install -d "$APPS_DIR" "$ICONS_DIR/256x256/apps" "$ICONS_DIR/scalable/apps"
    install -m 644 "$RES/semioscope-256.png" "$ICONS_DIR/256x256/apps/semioscope.png"
    install -m 644 "$RES/semioscope.svg" "$ICONS_DIR/scalable/apps/semioscope.svg"
    # Point Exec/TryExec at the venv's command: a desktop session may not have ~/.local/bin on PATH.
    EXE="$VENV/bin/semioscope"
    EXEC_ARG="$EXE"
    if [[ "$EXE" == *[[:space:]]* ]]; then EXEC_ARG="\"$EXE\""; fi
    tmp="$(mktemp "$APPS_DIR/.semioscope.desktop.XXXXXX")"
    sed -e "s|^Exec=semioscope |Exec=$(sed_escape "$EXEC_ARG") |" \
        -e "s|^TryExec=semioscope\$|TryExec=$(sed_escape "$EXE")|" \
        "$HERE/semioscope.desktop" >"$tmp"
    chmod 644 "$tmp"
    mv -f "$tmp" "$DESKTOP_FILE"
    refresh_desktop_caches
    say "installed $DESKTOP_FILE and icons"
fi

say "done: run 'semioscope review' (or 'semioscope models list' to see which weights are present)"
