"""The dataset view of a project: table, filters, thumbnail and the keyboard review queue."""

from __future__ import annotations

from semioscope.app.dataset.window import DatasetWindow, help_text, open_project_window

__all__ = ["DatasetWindow", "help_text", "open_project_window"]
