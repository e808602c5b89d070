"""Reports a manager can read: a small document model and its two renderers (Qt-free).

Build a :class:`Document` of :class:`Section` s, each a list of blocks, then render it::

    from inspectors.report import (Column, Document, Figure, KeyValues, Paragraph, Picture,
                                   Table, Thumb, ThumbGrid, write_html, write_pdf, charts)

    doc = Document("Evaluation of model X", subtitle="NEU-DET val")
    doc.section("What was inspected",
                KeyValues([("folder", "/data/NEU-DET"), ("images", 360)]))
    doc.section("Metrics",
                Table([Column("class"), Column("AP", "number", 3), Column("recall", "percent", 1)],
                      [["crazing", 0.41, 0.83], ["裂纹", None, 1.0]], total=False),
                Figure(charts.threshold_chart(t, recall, fa, operating=(0.5, 0.95, 0.1)), "caption"))
    doc.section("Misses", ThumbGrid([Thumb(Picture.from_array(bgr, "a.jpg", jpeg_quality=85),
                                           ["a.jpg", "verdict OK", "truth: defective"],
                                           link="compare/a_compare.png", tone="bad")]))
    write_html(doc, out / "report.html")   # one file, images as data URIs, no external URL
    write_pdf(doc, out / "report.pdf")     # A4, the CJK report font embedded

Blocks (:mod:`.document`): :class:`Heading`, :class:`Paragraph` (plain text, ``tone`` one
of :data:`TONES`), :class:`KeyValues`, :class:`Table` (:class:`Column` kinds "text", "int",
"number", "percent"; raw values, the column formats them, None -> "n/a"; ``tones`` per
row; ``total`` bolds the last row), :class:`Figure` (a :class:`Picture` + caption),
:class:`ThumbGrid` of :class:`Thumb` (picture, caption lines, a link relative to the report).
Text is never markup; both renderers escape it. :class:`Picture` holds encoded PNG / JPEG
bytes (``scale`` 2 for charts drawn at 2x). Charts (:mod:`.charts`): ``threshold_chart``,
``confusion_chart``, ``bar_chart``. The font (:mod:`.fonts`): WenQuanYi Zen Hei when
installed (scripts/system-deps.sh), else DejaVu Sans with a warning.
"""

from . import charts
from .document import (
    TONES,
    Block,
    Column,
    Document,
    Figure,
    Heading,
    KeyValues,
    Paragraph,
    Picture,
    Section,
    Table,
    Thumb,
    ThumbGrid,
)
from .fonts import report_font
from .html import html_text, write_html
from .pdf import pdf_bytes, write_pdf

__all__ = [
    "TONES",
    "Block",
    "Column",
    "Document",
    "Figure",
    "Heading",
    "KeyValues",
    "Paragraph",
    "Picture",
    "Section",
    "Table",
    "Thumb",
    "ThumbGrid",
    "charts",
    "html_text",
    "pdf_bytes",
    "report_font",
    "write_html",
    "write_pdf",
]
