#!/usr/bin/env bash
# Build the Linux one-folder application (PyInstaller) and prove it runs without Python.
#
#   installers/linux/build-bundle.sh                   # fresh build venv, dist/semioscope/
#   installers/linux/build-bundle.sh --venv .venv      # reuse an existing venv (faster)
#   installers/linux/build-bundle.sh --out /tmp/out    # the bundle in /tmp/out/semioscope/
#   installers/linux/build-bundle.sh --clinician       # the lean OpenVINO bundle, no torch:
#                                                      # dist/semioscope-clinician/
#
# Steps: 1. a clean virtual environment (build/bundle-venv, made again on every run) with
# torch==2.14.1 torchvision==0.29.1 (plain pip, never uv/poetry), semioscope and PyInstaller;
# 2. pyinstaller with installers/pyinstaller/semioscope.spec; 3. the bundle's own
# `semioscope --self-test`, started with `env -i` and a PATH without any python, from another
# folder, and again on a virtual X display when xvfb-run is installed; 4. the size, the number
# of files and the build time. Exit status 0 only when the self-test passed. Deploying the folder:
# installers/README.md ("Applications without Python").
# --clinician: the venv is made from installers/clinician-requirements.txt (the one list of the
# clinician runtime's packages; no torch, torchvision, scikit-learn or SciPy) plus PyInstaller,
# then semioscope with --no-deps; the spec is semioscope-clinician.spec. --check-pack PACK also
# runs the bundle's `synth`, `crop --pack` and `analyze --pack` under the same `env -i`.
set -euo pipefail

TORCH_PINS=(torch==2.14.1 torchvision==0.29.1)
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
SPEC="$REPO/installers/pyinstaller/semioscope.spec"
CLINICIAN_REQUIREMENTS="$REPO/installers/clinician-requirements.txt"
CLINICIAN=0
CHECK_PACK=""
PYTHON="${PYTHON:-python3.11}"
VENV=""
OUT="$REPO/dist"
WORK="$REPO/build"
TORCH_INDEX=""
WHEELS=""
SELF_TEST=1

usage() {
    cat <<USAGE
usage: $(basename "$0") [options]

options:
  --venv DIR          build with this virtual environment instead of a fresh one: created when
                      missing, otherwise reused (installs only what it lacks; an editable
                      semioscope install is left as it is)
  --out DIR           where the bundle goes (default: $OUT; the bundle is DIR/semioscope)
  --work DIR          PyInstaller's work folder and the fresh venv (default: $WORK)
  --python EXE        Python 3.11 for the build venv (default: $PYTHON)
  --torch-index URL   pip index for torch/torchvision only, e.g.
                      https://download.pytorch.org/whl/cpu for a CPU-only (much smaller) bundle
  --wheels DIR        offline: install only from the wheels in DIR (pip --no-index)
  --clinician         build the clinician bundle (OpenVINO, no torch) from a venv made from
                      installers/clinician-requirements.txt (default venv: WORK/clinician-venv)
  --check-pack PACK   clinician bundle: also crop and analyse a synthetic video with this model
                      pack (from \`semioscope models export --detector ...\`) under env -i
  --no-self-test      skip the bundle's self-test (not recommended)
  -h, --help          this help
USAGE
}

die() { echo "build-bundle.sh: error: $*" >&2; exit 2; }
say() { echo "build-bundle.sh: $*"; }

while [[ $# -gt 0 ]]; do
    case "$1" in
        --venv) [[ $# -ge 2 ]] || die "--venv needs a folder"; VENV="$2"; shift 2 ;;
        --out) [[ $# -ge 2 ]] || die "--out needs a folder"; OUT="$2"; shift 2 ;;
        --work) [[ $# -ge 2 ]] || die "--work needs a folder"; WORK="$2"; shift 2 ;;
        --python) [[ $# -ge 2 ]] || die "--python needs an executable"; PYTHON="$2"; shift 2 ;;
        --torch-index) [[ $# -ge 2 ]] || die "--torch-index needs a URL"; TORCH_INDEX="$2"; shift 2 ;;
        --wheels) [[ $# -ge 2 ]] || die "--wheels needs a folder"; WHEELS="$2"; shift 2 ;;
        --clinician) CLINICIAN=1; shift ;;
        --check-pack) [[ $# -ge 2 ]] || die "--check-pack needs a pack folder"; CHECK_PACK="$2"; shift 2 ;;
        --no-self-test) SELF_TEST=0; shift ;;
        -h|--help) usage; exit 0 ;;
        *) usage >&2; die "unknown argument: $1" ;;
    esac
done

[[ "$(uname -s)" == Linux ]] || die "this script builds the Linux bundle; see the top of $SPEC for Windows and macOS"
mkdir -p "$OUT" "$WORK"
OUT="$(cd "$OUT" && pwd)"
WORK="$(cd "$WORK" && pwd)"
NAME=semioscope
if [[ $CLINICIAN -eq 1 ]]; then
    [[ -z "$TORCH_INDEX" ]] || die "--torch-index: the clinician bundle has no torch"
    [[ -f "$CLINICIAN_REQUIREMENTS" ]] || die "$CLINICIAN_REQUIREMENTS is missing"
    SPEC="$REPO/installers/pyinstaller/semioscope-clinician.spec"
    NAME=semioscope-clinician
elif [[ -n "$CHECK_PACK" ]]; then
    die "--check-pack needs --clinician"
fi
if [[ -n "$CHECK_PACK" ]]; then
    [[ -f "$CHECK_PACK/manifest.json" ]] || die "$CHECK_PACK: not a model pack (no manifest.json)"
    CHECK_PACK="$(cd "$CHECK_PACK" && pwd)"
fi
BUNDLE="$OUT/$NAME"
START=$(date +%s)

PIP_SOURCE=()
if [[ -n "$WHEELS" ]]; then
    [[ -d "$WHEELS" ]] || die "$WHEELS: no such folder"
    PIP_SOURCE=(--no-index --find-links "$(cd "$WHEELS" && pwd)")
fi
TORCH_SOURCE=("${PIP_SOURCE[@]}")
if [[ -n "$TORCH_INDEX" && -z "$WHEELS" ]]; then
    TORCH_SOURCE=(--index-url "$TORCH_INDEX")
fi

# ---- 1. the build environment ----------------------------------------------------------------
if [[ -z "$VENV" ]]; then
    VENV="$WORK/bundle-venv"
    [[ $CLINICIAN -eq 0 ]] || VENV="$WORK/clinician-venv"
    command -v "$PYTHON" >/dev/null 2>&1 || die "$PYTHON not found; install Python 3.11 or pass --python"
    rm -rf "$VENV"
    say "creating a clean build venv $VENV with $PYTHON"
    "$PYTHON" -m venv "$VENV"
elif [[ ! -x "$VENV/bin/python" ]]; then
    command -v "$PYTHON" >/dev/null 2>&1 || die "$PYTHON not found; install Python 3.11 or pass --python"
    say "creating $VENV with $PYTHON"
    "$PYTHON" -m venv "$VENV"
else
    say "reusing $VENV"
fi
VENV="$(cd "$VENV" && pwd)"
PY="$VENV/bin/python"
PIP=("$PY" -m pip --disable-pip-version-check)
"$PY" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' \
    || die "$PY is not Python 3.11"

has() { "$PY" -c "import importlib.util, sys; sys.exit(importlib.util.find_spec('$1') is None)" 2>/dev/null; }
if [[ $CLINICIAN -eq 1 ]]; then
    say "installing the clinician runtime from ${CLINICIAN_REQUIREMENTS#"$REPO"/} and PyInstaller"
    "${PIP[@]}" install --quiet "${PIP_SOURCE[@]}" -r "$CLINICIAN_REQUIREMENTS" "pyinstaller>=6"
    if ! has semioscope; then
        "${PIP[@]}" install --quiet --no-deps "${PIP_SOURCE[@]}" "$REPO"
    fi
    if has torch; then
        say "note: $VENV has torch; the clinician spec leaves it out of the bundle"
    fi
    "$PY" -c 'import PyInstaller, openvino; print("build-bundle.sh: PyInstaller", PyInstaller.__version__, "openvino", openvino.__version__.split("-")[0])'
elif ! "$PY" -c 'import torch, torchvision, sys; sys.exit(not (torch.__version__.startswith("2.14.1") and torchvision.__version__.startswith("0.29.1")))' 2>/dev/null; then
    say "installing ${TORCH_PINS[*]}"
    "${PIP[@]}" install --quiet "${TORCH_SOURCE[@]}" "${TORCH_PINS[@]}"
fi
if [[ $CLINICIAN -eq 0 ]]; then
    if ! has semioscope; then
        say "installing semioscope and PyInstaller from $REPO"
        "${PIP[@]}" install --quiet "${PIP_SOURCE[@]}" "$REPO[bundle]"
    elif ! has PyInstaller; then
        say "installing PyInstaller"
        "${PIP[@]}" install --quiet "${PIP_SOURCE[@]}" "pyinstaller>=6"
    fi
    has pypdf || "${PIP[@]}" install --quiet "${PIP_SOURCE[@]}" "pypdf>=4"
    "$PY" -c 'import PyInstaller, torch; print("build-bundle.sh: PyInstaller", PyInstaller.__version__, "torch", torch.__version__)'
fi
VENV_DONE=$(date +%s)

# ---- 2. PyInstaller --------------------------------------------------------------------------
say "running PyInstaller with ${SPEC#"$REPO"/} (several minutes)"
rm -rf "$BUNDLE"
"$PY" -m PyInstaller --noconfirm --clean --log-level WARN \
    --distpath "$OUT" --workpath "$WORK/pyinstaller" "$SPEC"
[[ -x "$BUNDLE/semioscope" ]] || die "PyInstaller did not produce $BUNDLE/semioscope"
BUILD_DONE=$(date +%s)

# ---- 3. the self-test, with no Python anywhere in reach ---------------------------------------
if [[ $SELF_TEST -eq 1 ]]; then
    clean="$(mktemp -d)"
    trap 'rm -rf "$clean"' EXIT
    mkdir -p "$clean/home" "$clean/bin"     # an empty bin: nothing on PATH, python included
    say "self-test: env -i PATH=$clean/bin HOME=$clean/home $BUNDLE/semioscope --self-test"
    set +e
    (cd "$clean" && env -i PATH="$clean/bin" HOME="$clean/home" LANG=C.UTF-8 \
        QT_QPA_PLATFORM=offscreen "$BUNDLE/semioscope" --self-test)
    status=$?
    set -e
    [[ $status -eq 0 ]] || die "the bundle's self-test failed (exit $status)"
    # With Xvfb installed, once more on a real (virtual) X server: the xcb plugin a desktop uses.
    if command -v xvfb-run >/dev/null 2>&1; then
        say "self-test on a virtual X display (xvfb-run, QT_QPA_PLATFORM=xcb)"
        set +e
        (cd "$clean" && xvfb-run -a -s "-screen 0 1600x1000x24" sh -c \
            'exec env -i PATH="$1" HOME="$2" LANG=C.UTF-8 DISPLAY="$DISPLAY" XAUTHORITY="$XAUTHORITY" QT_QPA_PLATFORM=xcb "$3" --self-test' \
            sh "$clean/bin" "$clean/home" "$BUNDLE/semioscope")
        status=$?
        set -e
        [[ $status -eq 0 ]] || die "the bundle's self-test on X11 failed (exit $status)"
    else
        say "no xvfb-run: skipped the self-test on an X display (offscreen only)"
    fi
fi
if [[ -n "$CHECK_PACK" ]]; then
    check="$(mktemp -d)"
    mkdir -p "$check/home" "$check/bin"
    run_clean() { (cd "$check" && env -i PATH="$check/bin" HOME="$check/home" LANG=C.UTF-8 \
        QT_QPA_PLATFORM=offscreen "$BUNDLE/semioscope" "$@"); }
    say "pack check: synth, crop --pack, analyze --pack with $CHECK_PACK (env -i)"
    run_clean synth "$check/v.mkv" --label TLE --seconds 3 >/dev/null \
        || die "the bundle's synth failed"
    run_clean crop "$check/v.mkv" --pack "$CHECK_PACK" --allow-untrained --out "$check/crop.json" \
        || die "the bundle's crop --pack failed"
    run_clean analyze "$check/v.mkv" --pack "$CHECK_PACK" --allow-untrained --crop-file "$check/crop.json" \
        --out "$check/results.json" || die "the bundle's analyze --pack failed"
    rm -rf "$check"
fi
END=$(date +%s)

# ---- 4. numbers ------------------------------------------------------------------------------
size="$(du -sh "$BUNDLE" | cut -f1)"
bytes="$(du -sb "$BUNDLE" | cut -f1)"
files="$(find "$BUNDLE" -type f | wc -l)"
say "bundle: $BUNDLE ($size, $bytes bytes, $files files)"
say "time: venv $((VENV_DONE - START)) s, PyInstaller $((BUILD_DONE - VENV_DONE)) s, total $((END - START)) s"
say "run it: $BUNDLE/semioscope (review window) or $BUNDLE/semioscope --self-test"
