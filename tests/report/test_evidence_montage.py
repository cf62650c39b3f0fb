"""The report's montage shows the heat maps of the highest-scoring windows when the results
carry saliency, and is unchanged without it."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from semioscope.core.explain import SaliencySet, attach_saliency, place
from semioscope.report import CaseInfo
from semioscope.report.plots import evidence_frames, keyframes


def test_highest_scoring_windows_get_their_heat_map(results, tmp_path) -> None:
    box = results.crop.box
    saliency = SaliencySet(box, "Mixed_5c", "i3d")
    rng = np.random.default_rng(0)
    for w in results.windows:
        saliency.add(w.index, place(rng.random((7, 7)).astype(np.float32), box), "TLE", 1.0)
    plain = keyframes(results, CaseInfo())
    results, path = attach_saliency(results, saliency, tmp_path / "r.json")
    assert results.saliency is not None
    results = replace(results, saliency=results.saliency.with_file(path))
    chosen = evidence_frames(results, count=2)
    tle = results.summary.label == "TLE"
    scores = sorted((w.p_tle if tle else 1 - w.p_tle) for w in results.windows)
    assert [t.rsplit(" ", 1)[1] for _, _, t in chosen] == [f"{s:.2f}" for s in scores[::-1][:2]]
    assert all(placed.box == box for _, placed, _ in chosen)
    shown = keyframes(results, CaseInfo())
    assert shown.png is not None and shown.png != plain.png
    assert "highest-scoring windows, with their Grad-CAM heat map" in shown.note
    lost = replace(results, saliency=results.saliency.with_file(tmp_path / "missing.npz"))
    assert keyframes(lost, CaseInfo()).note == plain.note       # a lost sidecar: plain montage
