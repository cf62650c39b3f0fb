#!/bin/bash
# Install semioscope for the current macOS user (no admin rights), or remove it again.
#
#   installers/macos/install.sh [--wheels DIR] [--python EXE] [SOURCE]
#   installers/macos/install.sh --uninstall
#
# 1. a virtual environment in ~/Library/Application Support/semioscope/venv (python3.11)
# 2. pip install torch==2.14.1 torchvision==0.29.1, then semioscope (source tree or wheel)
# 3. a link ~/.local/bin/semioscope and a small launcher app ~/Applications/semioscope.app
# It never touches videos, model weights (~/Library/Caches/semioscope) or the review state kept in
# ~/Library/Application Support/semioscope; --uninstall removes only what 1-3 created.
# Written for the bash 3.2 that ships with macOS (no empty-array expansions under set -u).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
PREFIX="$HOME/Library/Application Support/semioscope"
VENV="$PREFIX/venv"
LINK="$HOME/.local/bin/semioscope"
APP="$HOME/Applications/semioscope.app"
MARKER=".semioscope-installer"
PYTHON="${PYTHON:-python3.11}"
WHEELS=""
SOURCE=""
UNINSTALL=0

die() { echo "install.sh: error: $*" >&2; exit 2; }
say() { echo "install.sh: $*"; }

while [[ $# -gt 0 ]]; do
    case "$1" in
        --wheels) [[ $# -ge 2 ]] || die "--wheels needs a folder"; WHEELS="$2"; shift 2 ;;
        --python) [[ $# -ge 2 ]] || die "--python needs an executable"; PYTHON="$2"; shift 2 ;;
        --uninstall) UNINSTALL=1; shift ;;
        -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
        -*) die "unknown option: $1" ;;
        *) SOURCE="$1"; shift ;;
    esac
done

if [[ $UNINSTALL -eq 1 ]]; then
    if [[ -L "$LINK" ]]; then rm -f "$LINK"; say "removed $LINK"; fi
    if [[ -f "$APP/Contents/$MARKER" ]]; then rm -rf "$APP"; say "removed $APP"; fi
    if [[ -f "$VENV/$MARKER" ]]; then rm -rf "$VENV"; say "removed $VENV"; fi
    say "left untouched: videos, model weights and review state (delete by hand if wanted)"
    exit 0
fi

"$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null \
    || die "$PYTHON is missing or older than 3.11 (python.org installer or Homebrew python@3.11)"

FIND=""
if [[ -n "$WHEELS" ]]; then
    [[ -d "$WHEELS" ]] || die "$WHEELS: no such folder"
    FIND="$(cd "$WHEELS" && pwd)"
fi
if [[ -z "$SOURCE" ]]; then
    if [[ -n "$FIND" ]]; then SOURCE="semioscope"; else SOURCE="$REPO"; fi
elif [[ -e "$SOURCE" ]]; then
    SOURCE="$(cd "$(dirname "$SOURCE")" && pwd)/$(basename "$SOURCE")"
else
    die "$SOURCE: no such file or folder"
fi

pip_install() {  # pip install, offline from --wheels when given
    if [[ -n "$FIND" ]]; then
        "$VENV/bin/python" -m pip --disable-pip-version-check install --no-index --find-links "$FIND" "$@"
    else
        "$VENV/bin/python" -m pip --disable-pip-version-check install "$@"
    fi
}

mkdir -p "$PREFIX"
if [[ ! -x "$VENV/bin/python" ]]; then
    [[ ! -e "$VENV" ]] || die "$VENV exists but is not a working venv; remove it and run again"
    say "creating $VENV"
    "$PYTHON" -m venv "$VENV"
fi
touch "$VENV/$MARKER"
pip_install torch==2.14.1 torchvision==0.29.1
pip_install --upgrade "$SOURCE"
"$VENV/bin/semioscope" --version >/dev/null

mkdir -p "$(dirname "$LINK")"
ln -sfn "$VENV/bin/semioscope" "$LINK"
say "linked $LINK (add ~/.local/bin to PATH if it is not there)"

# A minimal launcher bundle so Finder/Dock can start the review window.
ICNS="$("$VENV/bin/python" -c 'from semioscope.resources import resource_path as r; print(r("semioscope.icns"))')"
mkdir -p "$APP/Contents/MacOS" "$APP/Contents/Resources"
cp -f "$ICNS" "$APP/Contents/Resources/semioscope.icns"
cat >"$APP/Contents/MacOS/semioscope" <<LAUNCHER
#!/bin/bash
exec "$VENV/bin/python" -m semioscope review "\$@"
LAUNCHER
chmod 755 "$APP/Contents/MacOS/semioscope"
cat >"$APP/Contents/Info.plist" <<'PLIST'
<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
  <key>CFBundleName</key><string>semioscope</string>
  <key>CFBundleIdentifier</key><string>org.semioscope.review</string>
  <key>CFBundleExecutable</key><string>semioscope</string>
  <key>CFBundleIconFile</key><string>semioscope</string>
  <key>CFBundlePackageType</key><string>APPL</string>
  <key>LSMinimumSystemVersion</key><string>11.0</string>
  <key>NSHighResolutionCapable</key><true/>
</dict>
</plist>
PLIST
touch "$APP/Contents/$MARKER"
say "installed $APP"
say "done: run 'semioscope review' or open semioscope from ~/Applications"
