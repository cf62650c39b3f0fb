"""The PDF layout (reportlab platypus) of a case report, with embedded DejaVu Sans fonts.

Every page carries a running header, the research-use disclaimer and "Page n of N" in the footer
and, for results the trust rule does not clear (core/trust.py), a diagonal watermark. The document is laid out twice: the first pass
counts the pages so the footer can say "of N". Images are passed as in-memory PNGs, so no file
name reaches the PDF.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    CondPageBreak,
    KeepTogether,
    LongTable,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.flowables import Flowable

from semioscope.core.palette import LABEL_COLOURS
from semioscope.report.content import ReportContent

PAGES = {"a4": A4, "letter": LETTER}
MARGIN = 16 * mm
FONT, BOLD, ITALIC, MONO = "DejaVuSans", "DejaVuSans-Bold", "DejaVuSans-Oblique", "DejaVuSansMono"
GRID = colors.HexColor("#c8c8c8")
HEAD_BG = colors.HexColor("#e8edf2")


@dataclass
class Pictures:
    """The PNGs for one report; ``keyframes`` None when the video could not be shown."""

    timeline: bytes
    keyframes: bytes | None
    keyframe_note: str


def register_fonts() -> None:
    """Register DejaVu Sans from matplotlib's own font folder (always installed with it)."""
    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    import matplotlib
    from reportlab.lib.fonts import addMapping

    folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    for name in (FONT, BOLD, ITALIC, "DejaVuSans-BoldOblique", MONO):
        pdfmetrics.registerFont(TTFont(name, str(folder / f"{name}.ttf")))
    for bold, italic, name in ((0, 0, FONT), (1, 0, BOLD), (0, 1, ITALIC),
                               (1, 1, "DejaVuSans-BoldOblique")):
        addMapping(FONT, bold, italic, name)


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("base", fontName=FONT, fontSize=8.6, leading=11, alignment=TA_LEFT)
    return {
        "base": base,
        "small": ParagraphStyle("small", parent=base, fontSize=7.6, leading=9.6,
                                textColor=colors.HexColor("#444444")),
        "label": ParagraphStyle("label", parent=base, fontName=BOLD, fontSize=8,
                                textColor=colors.HexColor("#333333")),
        "mono": ParagraphStyle("mono", parent=base, fontName=MONO, fontSize=7.6, leading=10),
        "title": ParagraphStyle("title", parent=base, fontName=BOLD, fontSize=16, leading=20,
                                spaceAfter=2),
        "h2": ParagraphStyle("h2", parent=base, fontName=BOLD, fontSize=11, leading=14,
                             spaceBefore=9, spaceAfter=4, textColor=colors.HexColor("#1f3b57")),
        "verdict": ParagraphStyle("verdict", parent=base, fontName=BOLD, fontSize=20, leading=24),
        "warn": ParagraphStyle("warn", parent=base, textColor=colors.HexColor("#8a1c1c")),
    }


def _p(text: Any, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(str(text)).replace("\n", "<br/>"), style)


def _key_values(rows: list[tuple[str, str]], width: float, st: dict[str, ParagraphStyle],
                mono_keys: tuple[str, ...] = ("SHA-256",)) -> Table:
    data = [[_p(k, st["label"]), _p(v, st["mono"] if k.endswith(mono_keys) and
                                    len(v) == 64 else st["base"])] for k, v in rows]
    table = Table(data, colWidths=[0.27 * width, 0.73 * width], hAlign="LEFT")
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), FONT, 8), ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.3, GRID),
        ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
    ]))
    return table


class _Picture(Flowable):
    """A PNG scaled to ``width``; draws nothing in the page-counting pass (saves the zlib work)."""

    def __init__(self, png: bytes, width: float, dry: bool) -> None:
        super().__init__()
        self.png, self.dry = png, dry
        w, h = ImageReader(io.BytesIO(png)).getSize()
        self.width, self.height = width, width * h / w

    def wrap(self, avail_w: float, avail_h: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        if not self.dry:
            self.canv.drawImage(ImageReader(io.BytesIO(self.png)), 0, 0, self.width,
                                self.height)


class _Verdict(Flowable):
    """The seizure-level verdict as a coloured box (label large, details beside it)."""

    def __init__(self, content: ReportContent, width: float, st: dict[str, ParagraphStyle]):
        super().__init__()
        label = content.verdict_label
        colour = colors.HexColor(LABEL_COLOURS.get(label, "#333333"))
        shown = {"uncertain": "Uncertain"}.get(label, label)
        column = 0.24 * width
        size = min(20.0, (column - 14) / pdfmetrics.stringWidth(shown, BOLD, 1))
        big = ParagraphStyle("v", parent=st["verdict"], textColor=colour, fontSize=size,
                             leading=size * 1.2)
        lines = [_p(line, st["base"]) for line in content.verdict_lines]
        self.table = Table([[_p(shown, big), lines]], colWidths=[column, width - column])
        self.table.setStyle(TableStyle([
            ("FONT", (0, 0), (-1, -1), FONT, 8), ("BOX", (0, 0), (-1, -1), 1.2, colour),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("BACKGROUND", (0, 0), (0, 0), colors.HexColor("#f6f6f6")),
            ("LEFTPADDING", (0, 0), (-1, -1), 6), ("TOPPADDING", (0, 0), (-1, -1), 5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
        ]))

    def wrap(self, avail_w: float, avail_h: float) -> tuple[float, float]:
        return self.table.wrap(avail_w, avail_h)

    def draw(self) -> None:
        self.table.drawOn(self.canv, 0, 0)


def _windows_table(content: ReportContent, width: float, st: dict[str, ParagraphStyle]) -> Any:
    head = ["#", "Video time", "From onset", "P(TLE)", "Label"]
    data: list[list[Any]] = [head, *[list(r) for r in content.window_rows]]
    if not content.window_rows:
        return _p("No windows were analysed.", st["base"])
    fractions = (0.08, 0.3, 0.2, 0.16, 0.26)
    table = LongTable(data, colWidths=[f * width for f in fractions], repeatRows=1,
                      hAlign="LEFT")
    style = [
        ("FONT", (0, 0), (-1, -1), FONT, 8), ("FONT", (0, 0), (-1, 0), BOLD, 8),
        ("BACKGROUND", (0, 0), (-1, 0), HEAD_BG), ("LINEBELOW", (0, 0), (-1, -1), 0.3, GRID),
        ("ALIGN", (3, 0), (3, -1), "RIGHT"), ("RIGHTPADDING", (3, 0), (3, -1), 14),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
    ]
    for row, cells in enumerate(content.window_rows, start=1):
        colour = LABEL_COLOURS.get(cells[4])
        if colour:
            style.append(("TEXTCOLOR", (4, row), (4, row), colors.HexColor(colour)))
    table.setStyle(TableStyle(style))
    return table


def _semiology(content: ReportContent, width: float, st: dict[str, ParagraphStyle]
               ) -> list[Any]:
    """The reviewer's events in the order they happened (nothing when none were marked)."""
    if not content.semiology_rows:
        return []
    from semioscope.report.semiology import HEAD

    fractions = (0.2, 0.36, 0.12, 0.14, 0.18)
    rows = [[r[0], _p(r[1], st["base"]), *r[2:]] for r in content.semiology_rows]  # long terms wrap
    table = LongTable([list(HEAD), *rows],
                      colWidths=[f * width for f in fractions], repeatRows=1, hAlign="LEFT")
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), FONT, 8), ("FONT", (0, 0), (-1, 0), BOLD, 8),
        ("BACKGROUND", (0, 0), (-1, 0), HEAD_BG), ("LINEBELOW", (0, 0), (-1, -1), 0.3, GRID),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
        ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return [_p("Semiology", st["h2"]),
            _p("Signs the reviewer marked on the video, in order, from the clinical onset "
               "(terms of the HED-SCORE library schema; marked on the plot above).", st["small"]),
            table]


def _metrics_table(content: ReportContent, width: float) -> Table:
    data = [["Level", "F1 (macro)", "Balanced accuracy", "ROC AUC"], *content.metric_rows]
    table = Table(data, colWidths=[0.25 * width] * 4, hAlign="LEFT")
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), FONT, 8), ("FONT", (0, 0), (-1, 0), BOLD, 8),
        ("BACKGROUND", (0, 0), (-1, 0), HEAD_BG), ("LINEBELOW", (0, 0), (-1, -1), 0.3, GRID),
    ]))
    return table


def _story(content: ReportContent, pictures: Pictures, width: float, dry: bool) -> list[Any]:
    st = _styles()
    story: list[Any] = [_p("Seizure video case report", st["title"]),
                        _p("Frontal (FLE) vs temporal (TLE) lobe epilepsy scores from infrared "
                           "video, per 2-second window. " + content.disclaimer, st["small"]),
                        Spacer(1, 4)]
    if content.untrained:
        story.append(_p("NOT FOR CLINICAL USE: its scores must not inform any clinical "
                        "decision, because " + "; ".join(content.trust_reasons) + ".",
                        st["warn"]))
    story += [_p("Case", st["h2"]), _key_values(content.case_rows, width, st)]
    if content.comment:
        story += [Spacer(1, 3), _p("Reviewer's comment", st["label"]),
                  _p(content.comment, st["base"])]
    if content.deid_note:
        story += [Spacer(1, 3), _p(content.deid_note, st["small"])]
    story += [KeepTogether([_p("Seizure-level verdict", st["h2"]),
                            _Verdict(content, width, st)]),
              KeepTogether([_p("Scores over time", st["h2"]),
                            _Picture(pictures.timeline, width, dry)]),
              *_semiology(content, width, st),
              _p("Video", st["h2"]), _key_values(content.video_rows, width, st)]
    story.append(CondPageBreak(70 * mm))
    story.append(_p("Keyframes across the clinical span", st["h2"]))
    if pictures.keyframes is not None:
        story.append(_Picture(pictures.keyframes, width, dry))
    story.append(_p(pictures.keyframe_note, st["small"] if pictures.keyframes else st["warn"]))
    if content.warnings:
        story += [_p("Warnings from the analysis", st["h2"]),
                  *[_p("\u2022 " + w, st["warn"]) for w in content.warnings]]
    story += [_p("Model provenance", st["h2"]), _key_values(content.provenance_rows, width, st),
              Spacer(1, 4), _key_values(content.training_rows, width, st)]
    if content.metric_rows:
        story += [Spacer(1, 4), _p("Validation metrics (cross-validation, mean \u00b1 SD "
                                   "over folds)", st["label"]), _metrics_table(content, width)]
    story += [CondPageBreak(40 * mm),
              _p(f"Every window ({len(content.window_rows)})", st["h2"]),
              _windows_table(content, width, st)]
    return story


def _decorate(content: ReportContent, total: int | None, year_only: int | None) -> Any:
    """The per-page drawing: running header, footer, watermark."""

    def draw(canvas: Any, doc: Any) -> None:
        w, h = doc.pagesize
        canvas.saveState()
        if year_only is not None and doc.page == 1:
            canvas.setDateFormatter(lambda *parts: f"D:{year_only:04d}0101000000Z")
        canvas.setFont(FONT, 7.5)
        canvas.setFillColor(colors.HexColor("#555555"))
        canvas.drawString(MARGIN, h - 12 * mm, content.running_header)
        if content.untrained:
            canvas.setFillColor(colors.HexColor("#b00020"))
            canvas.setFont(BOLD, 8)
            canvas.drawCentredString(w / 2, h - 7.5 * mm, content.watermark)
        canvas.setStrokeColor(GRID)
        canvas.line(MARGIN, h - 13.5 * mm, w - MARGIN, h - 13.5 * mm)
        canvas.line(MARGIN, 12.5 * mm, w - MARGIN, 12.5 * mm)
        canvas.setFillColor(colors.HexColor("#333333"))
        canvas.setFont(BOLD, 7.5)
        canvas.drawString(MARGIN, 9 * mm, content.disclaimer)
        canvas.setFont(FONT, 7.5)
        page = f"Page {doc.page}" + (f" of {total}" if total else "")
        canvas.drawRightString(w - MARGIN, 9 * mm, page)
        if content.untrained:
            diagonal = math.hypot(w, h)
            size = 0.78 * diagonal / pdfmetrics.stringWidth(content.watermark, BOLD, 1)
            canvas.setFillColor(colors.HexColor("#c00000"))
            canvas.setFillAlpha(0.12)
            canvas.setFont(BOLD, size)
            canvas.translate(w / 2, h / 2)
            canvas.rotate(math.degrees(math.atan2(h, w)))
            canvas.drawCentredString(0, -size / 3, content.watermark)
        canvas.restoreState()

    return draw


def render_pdf(content: ReportContent, pictures: Pictures, paper: str = "a4",
               report_year: int | None = None) -> bytes:
    """The report as PDF bytes; ``report_year`` (de-identified) reduces the PDF dates to it."""
    register_fonts()
    pagesize = PAGES[paper]
    total: int | None = None
    for _ in range(2):   # pass 1 counts the pages, pass 2 writes "Page n of N"
        buf = io.BytesIO()
        meta = content.metadata
        doc = SimpleDocTemplate(
            buf, pagesize=pagesize, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=17 * mm,
            bottomMargin=17 * mm, title=meta["title"], author=meta["author"],
            subject=meta["subject"], keywords=meta["keywords"], creator=meta["creator"],
            producer=meta["producer"], lang="en", initialFontName=FONT, initialFontSize=9)
        deco = _decorate(content, total, report_year)
        doc.build(_story(content, pictures, doc.width, dry=total is None), onFirstPage=deco,
                  onLaterPages=deco)
        total = doc.page
    return buf.getvalue()
