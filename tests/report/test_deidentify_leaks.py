"""``report --deidentify`` leaks nothing a privacy officer would object to, anywhere in the PDF.

The report is made through the real CLI with a patient, a reviewer with short name parts, a
recording date and a comment holding dates in many formats; then every place a PDF can hold text
is searched: the page text, the document info dictionary, the XMP packet, and every stream
decompressed. The trust rule's texts must come through unaltered.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from semioscope.cli import main
from semioscope.report.dates import dates_to_years

DATES = ["14/03/2025", "03/14/2025", "14.03.2025", "2025-03-14", "2025/03/14",
         "March 14, 2025", "14 March 2025", "14-Mar-2025", "Mar 14 2025", "March 2025",
         "14/03/25", "March 14", "2025-03-14T09:26:53+00:00"]


@pytest.mark.parametrize("date", DATES)
def test_every_common_date_format_keeps_at_most_the_year(date: str):
    out = dates_to_years(f"seen on {date}.", "[removed]")
    assert not re.search(r"\b(14|03|3)\b|mar", out, re.IGNORECASE), out
    assert out in ("seen on 2025.", "seen on [removed]."), out


def test_our_numbers_are_not_dates():
    text = "AUC 0.90 ± 0.04, band 0.40-0.60, 1:15.5, 12.0 s, semioscope 0.1.0, 60 frames"
    assert dates_to_years(text, "[removed]") == text


def _all_text(pdf: Path) -> dict[str, str]:
    from pypdf import PdfReader
    from pypdf.generic import StreamObject

    reader = PdfReader(str(pdf))
    places = {"page text": "\n".join(page.extract_text() or "" for page in reader.pages),
              "info": " ".join(f"{k}={v}" for k, v in (reader.metadata or {}).items())}
    xmp = reader.xmp_metadata
    places["xmp"] = xmp.stream.get_data().decode("utf-8", "replace") if xmp else ""
    streams = []
    for number in range(1, int(reader.trailer["/Size"])):
        try:
            obj = reader.get_object(number)
        except Exception:  # noqa: BLE001 - a free entry of the cross-reference table
            continue
        if not isinstance(obj, StreamObject):
            continue
        if obj.get("/Subtype") == "/Image":   # pixels, not text: any two letters occur in them
            continue
        streams.append(obj.get_data().decode("latin-1"))   # every filter decoded (ASCII85, Flate)
    places["streams"] = "\n".join(streams)
    return places


def test_deidentified_pdf_holds_no_identifier(tmp_path: Path, capsys):
    from semioscope.core.results import save_results
    from semioscope.core.trust import assess
    from tests.sample_results import synthetic_results

    video = tmp_path / "Wu_Ana" / "rec_20250314.mkv"
    results = synthetic_results(video, n_windows=3, onset_s=0.0, untrained=True)
    save_results(tmp_path / "r.json", results)
    pdf = tmp_path / "case.pdf"
    comment = ("Ana Wu saw it on 14/03/2025 (also written March 14, 2025 and 14.03.2025); "
               "Dr Li agreed on 2025-03-14.")
    assert main(["report", str(tmp_path / "r.json"), "--out", str(pdf), "--deidentify",
                 "--patient", "Demo Patient", "--reviewer", "Dr Li Wu", "--recording-date",
                 "14/03/2025", "--comment", comment]) == 0
    capsys.readouterr()
    places = _all_text(pdf)
    assert places["page text"] and places["streams"]
    forbidden = [r"\bAna\b", r"\bWu\b", r"\bLi\b", r"Demo Patient", r"14/03", r"March 14",
                 r"14\.03", r"03-14", r"20250314", r"Wu_Ana", r"rec_2025"]
    for where, text in places.items():
        for pattern in forbidden:
            assert not re.search(pattern, text), (pattern, where)
    text = re.sub(r"\s+", " ", places["page text"])
    for reason in assess(results).reasons:   # the safety texts, word for word
        first = " ".join(reason.text.split()[:4])
        assert first in text, (reason.text, "not found")
    assert "[removed] model" not in text and "2025" in text
