"""`semioscope review` opens the window before torch is imported; the CLI routes to it."""

from __future__ import annotations

import subprocess
import sys

from semioscope.cli import build_parser


def test_review_parses_optional_video():
    args = build_parser().parse_args(["review", "clip.mkv"])
    assert args.video == "clip.mkv"
    assert build_parser().parse_args(["review"]).video is None


def test_window_shows_without_importing_torch(tmp_path):
    code = (
        "import os, sys\n"
        "os.environ['QT_QPA_PLATFORM'] = 'offscreen'\n"
        f"os.environ['SEMIOSCOPE_DATA_DIR'] = {str(tmp_path)!r}\n"
        "from PySide6.QtWidgets import QApplication\n"
        "app = QApplication([])\n"
        "from semioscope.app.main_window import MainWindow\n"
        "w = MainWindow()\n"
        "w.show(); app.processEvents()\n"
        "print('torch' in sys.modules, w.isVisible())\n"
        "w._warm_torch = False\n"
        "w.close()\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split()[-2:] == ["False", "True"]
