"""Fixtures for the PDF reports: one small synthetic video per session, results built on it."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from semioscope.core.results import Results

PATIENT = "Jane Q. Doemaker"
SEIZURE = "SZ-7781"
DATE = "2024-06-17"


@pytest.fixture(scope="session")
def small_video(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """4 s of 160x132 16-bit IR at 30 fps, named like an EMU file (patient ID + start time)."""
    from tests.sample_results import write_synthetic_video

    folder = tmp_path_factory.mktemp("emu_P99123")
    return write_synthetic_video(folder / "P99123_20240617_0312.mkv", 4.0, width=160,
                                 height=132, onset_s=0.5, offset_s=3.5)


@pytest.fixture
def results(small_video: Path) -> Results:
    from tests.sample_results import synthetic_results

    return synthetic_results(small_video, n_windows=3, onset_s=0.5, untrained=True)


def page_texts(pdf: bytes) -> list[str]:
    from pypdf import PdfReader

    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages]


def metadata(pdf: bytes) -> dict[str, str]:
    from pypdf import PdfReader

    meta = PdfReader(io.BytesIO(pdf)).metadata or {}
    return {str(k): str(v) for k, v in meta.items()}


def decompressed(pdf: bytes) -> bytes:
    """Every object of the PDF, streams decoded (page content, CMaps, metadata), as bytes.

    Image pixels and font programs contribute only their dictionaries: in a megabyte of binary
    any 4-letter name turns up by chance now and then, and neither can carry text we wrote.
    """
    from pypdf import PdfReader
    from pypdf.generic import StreamObject

    reader = PdfReader(io.BytesIO(pdf))
    parts = [repr(dict(reader.trailer)).encode()]
    for num in range(1, int(reader.trailer["/Size"])):
        try:
            obj = reader.get_object(num)
        except Exception:  # noqa: BLE001 - free object numbers
            continue
        if isinstance(obj, StreamObject):
            parts.append(repr({k: v for k, v in obj.items()}).encode())
            if obj.get("/Subtype") != "/Image" and "/Length1" not in obj:
                parts.append(obj.get_data())
        elif obj is not None:
            parts.append(repr(obj).encode())
    assert len(parts) > 10
    return b"\n".join(parts)


def squash(text: str) -> str:
    """Whitespace removed, so text split across lines by the extractor still matches."""
    return re.sub(r"\s+", "", text)
