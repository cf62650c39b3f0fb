"""A report from a real `semioscope analyze --allow-untrained` run (the engine's own results)."""

from __future__ import annotations

from pathlib import Path

from semioscope.cli import main
from semioscope.report.content import WATERMARK
from tests.report.conftest import page_texts, squash
from tests.sample_results import write_synthetic_video


def test_report_from_a_real_untrained_analysis(tmp_path: Path, capsys) -> None:
    video = write_synthetic_video(tmp_path / "P31337_20240101.mkv", 2.4, width=96, height=80,
                                  onset_s=0.2, offset_s=2.3)
    results = tmp_path / "results.json"
    assert main(["analyze", str(video), "--allow-untrained", "--onset", "0.2", "--offset", "2.2",
                 "--threads", "2", "--out", str(results)]) == 0
    out = tmp_path / "case.pdf"
    assert main(["report", str(results), "--out", str(out), "--deidentify",
                 "--patient", "P31337"]) == 0
    texts = page_texts(out.read_bytes())
    assert all(squash(WATERMARK) in squash(t) for t in texts)
    whole = squash("".join(texts))
    assert squash("1 window of 2 s") in whole and "P31337" not in whole
    assert squash("untrained classifier: random weights") in whole
