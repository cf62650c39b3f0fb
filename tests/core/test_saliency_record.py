"""The results' ``saliency`` section as a typed, frozen record, in the JSON layout of #18.

``data/results-saliency-18.json`` (+ its ``.npz``) was written by the code before the record
existed (the section was a free-form dict then): it must read into :class:`Saliency` and be
written back byte for byte.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path

import pytest

from semioscope.core.explain import saliency_for_results
from semioscope.core.geometry import Box
from semioscope.core.results import (
    Saliency,
    SaliencyWindow,
    load_results,
    results_from_dict,
    save_results,
)
from semioscope.errors import SemioscopeError

DATA = Path(__file__).parent / "data"
OLD = DATA / "results-saliency-18.json"


def test_a_section_written_before_the_record_reads_typed_and_writes_back_the_same(
        tmp_path: Path) -> None:
    results = load_results(OLD)
    section = results.saliency
    assert isinstance(section, Saliency)
    assert section.box == Box(10, 20, 200, 120) and section.subject_box == section.box
    assert section.shape == (19, 32) and section.on_subject_min == 0.5
    assert [w.index for w in section.windows] == [0, 1, 2]
    assert all(isinstance(w, SaliencyWindow) for w in section.windows)
    assert section.outside_subject == section.on_padding == {1}   # the top padding only
    with pytest.raises(dataclasses.FrozenInstanceError):
        section.file = "elsewhere.npz"  # type: ignore[misc]
    save_results(tmp_path / "again.json", results)
    assert (tmp_path / "again.json").read_bytes() == OLD.read_bytes()


def test_the_sidecar_is_found_relative_to_the_results_wherever_they_are_read(
        tmp_path: Path) -> None:
    for name in (OLD.name, "results-saliency-18.saliency.npz"):
        shutil.copy(DATA / name, tmp_path / name)
    results = load_results(tmp_path / OLD.name)
    maps = saliency_for_results(results, tmp_path / OLD.name)
    assert maps is not None and maps.indices == [0, 1, 2] and maps.box == Box(10, 20, 200, 120)
    moved = results.with_saliency_in(tmp_path)
    assert moved.saliency is not None and results.saliency is not None
    assert moved.saliency.file == str(tmp_path / results.saliency.file)
    assert moved.saliency.windows == results.saliency.windows        # only the file changes
    assert saliency_for_results(moved, Path("/elsewhere/r.json")) is not None


def test_windows_from_files_without_the_later_keys_get_the_defaults() -> None:
    data = json.loads(OLD.read_text())
    for window in data["saliency"]["windows"]:
        del window["in_crop"], window["outside_subject"]
    section = results_from_dict(data, "old.json").saliency
    assert section is not None
    assert [(w.in_crop, w.outside_subject) for w in section.windows] == [(1.0, False)] * 3


@pytest.mark.parametrize("breaker, words", [
    (lambda s: s.update(windows={"index": 0}), "saliency.windows"),
    (lambda s: s.pop("box"), "saliency"),
    (lambda s: s["windows"][0].update(peak="high"), "saliency.windows[0].peak"),
    (lambda s: s.update(shape=[19]), "saliency.shape"),
])
def test_a_damaged_section_is_refused_naming_the_file(breaker, words) -> None:
    data = json.loads(OLD.read_text())
    breaker(data["saliency"])
    with pytest.raises(SemioscopeError, match=r"bad\.json: not a valid results file") as info:
        results_from_dict(data, "bad.json")
    assert words in str(info.value)
