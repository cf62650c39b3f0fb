# The two commands of the README. Each creates .venv when missing and installs the project.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint typecheck venv docs-pictures bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet torch==2.14.1 torchvision==0.29.1
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP)

# builds into the user cache once, then opens the review window (no display: report + picture)
demo: $(STAMP)
	$(BIN)/semioscope demo

lint: $(STAMP)
	$(BIN)/ruff check src tests bench

typecheck: $(STAMP)
	$(BIN)/mypy src/semioscope/core

test docs-pictures: export QT_QPA_PLATFORM ?= offscreen

test: lint typecheck
	$(BIN)/python -m pytest -q

# the pictures in README/docs: synthetic montage, GUI screenshot, sample report pages (needs pdftoppm)
docs-pictures: $(STAMP)
	$(BIN)/python -m semioscope.docs_pictures docs
	$(BIN)/semioscope demo --no-gui
	$(BIN)/python -m semioscope.app.screenshot docs/screenshot-review.png
	$(BIN)/python -m semioscope.app.screenshot --evidence docs/screenshot-evidence.png
	$(BIN)/python -m semioscope.report.sample docs

bench: $(STAMP)
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV)
