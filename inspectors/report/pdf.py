"""The report as a PDF (reportlab), the same content as the HTML: A4, the report font
embedded (a CJK TrueType font so Chinese names render), thumbnails linking to the
full-size images beside the report."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any, List, Union
from xml.sax.saxutils import escape

from ..atomic import atomic_write_bytes
from .document import (
    Block,
    Document,
    Figure,
    Heading,
    KeyValues,
    Paragraph,
    Picture,
    Table,
    ThumbGrid,
)
from .fonts import report_font

FONT = "ReportFont"
INK, MUTED, RULE, HEAD_BG = "#1d2430", "#5b6575", "#d5d9e0", "#e9eef6"
TONE_COLOURS = {"good": "#1e7b34", "bad": "#b3261e", "warn": "#9a6700", "muted": "#6b7380"}


def _font_name() -> str:
    """Register the report font once; its name (Helvetica without a TrueType font)."""
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if FONT in pdfmetrics.getRegisteredFontNames():
        return FONT
    f = report_font()
    if f.path is None:
        return "Helvetica"
    kw = {"subfontIndex": 0} if f.path.suffix.lower() == ".ttc" else {}
    pdfmetrics.registerFont(TTFont(FONT, str(f.path), **kw))
    for bold in (0, 1):  # one face: <b> keeps the font (a CJK font has no bold face here)
        for italic in (0, 1):
            addMapping(FONT, bold, italic, FONT)
    return FONT


def _styles(font: str):
    from reportlab.lib.styles import ParagraphStyle

    base = ParagraphStyle("base", fontName=font, fontSize=9.5, leading=12.5, textColor=INK)
    return {
        "base": base,
        "title": ParagraphStyle("title", base, fontSize=18, leading=22, spaceAfter=2),
        "sub": ParagraphStyle("sub", base, textColor=MUTED, spaceAfter=8),
        "h2": ParagraphStyle("h2", base, fontSize=13.5, leading=17, spaceBefore=10, spaceAfter=5,
                             textColor="#2b5fab"),
        "h3": ParagraphStyle("h3", base, fontSize=11, leading=14, spaceBefore=6, spaceAfter=3),
        "cell": ParagraphStyle("cell", base, fontSize=8.5, leading=10.5),
        "celln": ParagraphStyle("celln", base, fontSize=8.5, leading=10.5, alignment=2),
        "head": ParagraphStyle("head", base, fontSize=8.5, leading=10.5, textColor="#27303d"),
        "headn": ParagraphStyle("headn", base, fontSize=8.5, leading=10.5, alignment=2),
        "caption": ParagraphStyle("caption", base, fontSize=8, leading=10, textColor=MUTED),
        "thumb": ParagraphStyle("thumb", base, fontSize=7, leading=8.6, textColor="#3d4656",
                                wordWrap="CJK"),
    }


def _text(s: Any, tone: str = "") -> str:
    t = escape(str(s))
    return f'<font color="{TONE_COLOURS[tone]}">{t}</font>' if tone in TONE_COLOURS else t


def _image(p: Picture, max_w: float, max_h: float = 1e9):
    from reportlab.platypus import Image

    w, h = p.display_size
    w, h = w * 0.75, h * 0.75  # CSS px -> pt
    k = min(1.0, max_w / w, max_h / h)
    return Image(io.BytesIO(p.data), width=w * k, height=h * k)


def _table(t: Table, st, width: float) -> List:
    from reportlab.lib import colors
    from reportlab.platypus import Paragraph as P
    from reportlab.platypus import Table as T
    from reportlab.platypus import TableStyle

    out: List = []
    if t.title:
        out.append(P(_text(t.title), st["h3"]))
    head = [P(_text(c.name), st["headn" if c.numeric else "head"]) for c in t.columns]
    rows = [head]
    for i, r in enumerate(t.cells()):
        tone = t.tones[i] if i < len(t.tones) else ""
        rows.append([P(_text(v, tone if j == 0 else ""), st["celln" if c.numeric else "cell"])
                     for j, (c, v) in enumerate(zip(t.columns, r))])
    style = [("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor(RULE)),
             ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor(HEAD_BG)),
             ("VALIGN", (0, 0), (-1, -1), "TOP"),
             ("TOPPADDING", (0, 0), (-1, -1), 1.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5)]
    if t.total and len(rows) > 1:
        style.append(("LINEABOVE", (0, -1), (-1, -1), 1.2, colors.HexColor("#8a94a6")))
        style.append(("BACKGROUND", (0, -1), (-1, -1), colors.HexColor("#f3f5f9")))
    for i, tone in enumerate(t.tones):
        if tone in TONE_COLOURS and i + 1 < len(rows):
            style.append(("LINEBEFORE", (0, i + 1), (0, i + 1), 3, colors.HexColor(TONE_COLOURS[tone])))
    table = T(rows, repeatRows=1, hAlign="LEFT")
    table.setStyle(TableStyle(style))
    w, _ = table.wrap(width, 1e9)
    if w > width:  # too wide: share the page width by the columns' natural widths
        natural = table._colWidths  # noqa: SLF001 - reportlab's computed widths
        k = width / sum(natural)
        table = T(rows, colWidths=[c * k for c in natural], repeatRows=1, hAlign="LEFT")
        table.setStyle(TableStyle(style))
    out.append(table)
    if t.note:
        out.append(P(_text(t.note), st["caption"]))
    return out


def _block(b: Block, st, width: float) -> List:
    from reportlab.lib import colors
    from reportlab.platypus import KeepTogether, Spacer, TableStyle
    from reportlab.platypus import Paragraph as P
    from reportlab.platypus import Table as T

    if isinstance(b, Heading):
        return [P(_text(b.text), st["h3"])]
    if isinstance(b, Paragraph):
        return [P(_text(b.text, b.tone), st["base"]), Spacer(1, 3)]
    if isinstance(b, KeyValues):
        rows = [[P(_text(k), st["cell"]), P(_text(f"{v:g}" if isinstance(v, float) else v), st["cell"])]
                for k, v in b.rows]
        table = T(rows, colWidths=[width * 0.3, width * 0.7], hAlign="LEFT")
        table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor(RULE)),
                                   ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#f3f5f9")),
                                   ("VALIGN", (0, 0), (-1, -1), "TOP")]))
        head = [P(_text(b.title), st["h3"])] if b.title else []
        return [*head, table, Spacer(1, 6)]
    if isinstance(b, Table):
        return [*_table(b, st, width), Spacer(1, 6)]
    if isinstance(b, Figure):
        parts = [_image(b.picture, width * b.width, 640)]
        if b.caption:
            parts.append(P(_text(b.caption), st["caption"]))
        return [KeepTogether(parts), Spacer(1, 6)]
    if isinstance(b, ThumbGrid):
        head = [P(_text(b.title), st["h3"])] if b.title else []
        if not b.items:
            return [*head, P(_text(b.empty, "muted"), st["base"])]
        n = max(1, b.columns)
        cw = width / n
        cells = []
        for t in b.items:
            lines = [_text(s) if i else f'<font color="{INK}">{_text(s)}</font>' for i, s in enumerate(t.caption)]
            if t.link:
                lines.append(f'<a href="{escape(t.link, {chr(34): "&quot;"})}" color="#2b5fab">full size</a>')
            cells.append([_image(t.picture, cw - 8, cw * 1.2), P("<br/>".join(lines), st["thumb"])])
        rows = [cells[i:i + n] for i in range(0, len(cells), n)]
        rows[-1] = rows[-1] + [""] * (n - len(rows[-1]))
        grid = T(rows, colWidths=[cw] * n, hAlign="LEFT")
        style = [("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 3),
                 ("RIGHTPADDING", (0, 0), (-1, -1), 3)]
        for k, t in enumerate(b.items):
            if t.tone in TONE_COLOURS:
                style.append(("LINEABOVE", (k % n, k // n), (k % n, k // n), 2.5,
                              colors.HexColor(TONE_COLOURS[t.tone])))
        grid.setStyle(TableStyle(style))
        return [*head, grid, Spacer(1, 6)]
    raise TypeError(f"not a report block: {type(b).__name__}")


def pdf_bytes(doc: Document) -> bytes:
    """The whole report as PDF bytes."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph as P
    from reportlab.platypus import SimpleDocTemplate

    font = _font_name()
    st = _styles(font)
    buf = io.BytesIO()
    margin = 15 * mm

    def footer(canvas, d) -> None:
        canvas.saveState()
        canvas.setFont(font, 7.5)
        canvas.setFillColor(MUTED)
        canvas.drawString(margin, 8 * mm, doc.title[:120])
        canvas.drawRightString(A4[0] - margin, 8 * mm, f"{d.page}")
        canvas.restoreState()

    tpl = SimpleDocTemplate(buf, pagesize=A4, leftMargin=margin, rightMargin=margin, topMargin=margin,
                            bottomMargin=15 * mm, title=doc.title, author="Defect Inspector",
                            subject=doc.subtitle)
    width = A4[0] - 2 * margin
    story: List = [P(_text(doc.title), st["title"]),
                   P(_text(f"{doc.subtitle} · {doc.created}" if doc.subtitle else doc.created), st["sub"])]
    for s in doc.sections:
        story.append(P(_text(s.title), st["h2"]))
        for b in s.blocks:
            story.extend(_block(b, st, width))
    tpl.build(story, onFirstPage=footer, onLaterPages=footer)
    return buf.getvalue()


def write_pdf(doc: Document, path: Union[str, Path]) -> Path:
    return atomic_write_bytes(path, pdf_bytes(doc))
