"""inspectors.report: the document renders to a self-contained HTML page and a PDF with
the same figures; Chinese names render with the CJK font embedded."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import unquote

import cv2
import numpy as np
import pytest

from inspectors.report import (
    Column,
    Document,
    Figure,
    KeyValues,
    Paragraph,
    Picture,
    Table,
    Thumb,
    ThumbGrid,
    charts,
    html_text,
    pdf_bytes,
    report_font,
)

from .pdf_pages import pdf_pages

CJK = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"


class Cells(HTMLParser):
    """Every <td> text and every src / href, as a browser would read them."""

    def __init__(self) -> None:
        super().__init__()
        self.cells, self.refs, self._in = [], [], False

    def handle_starttag(self, tag, attrs):
        for k, v in attrs:
            if k in ("src", "href"):
                self.refs.append(v)
        if tag == "td":
            self._in, self._text = True, ""

    def handle_data(self, data):
        if self._in:
            self._text += data

    def handle_endtag(self, tag):
        if tag == "td":
            self.cells.append(self._text)
            self._in = False


def sample() -> Document:
    doc = Document("评估 <report> & co", subtitle="NEU-DET")
    t = np.linspace(0, 1, 11)
    doc.section("What", KeyValues([("folder", "/数据/图像"), ("images", 360)]),
                Paragraph("<script>alert(1)</script>", "bad"))
    doc.section("Metrics",
                Table([Column("class"), Column("AP", "number", 3), Column("recall", "percent", 1),
                       Column("n", "int")],
                      [["裂纹", 0.41234, 0.8333, 5], ["=cmd", None, float("nan"), 7]], total=True),
                Figure(charts.threshold_chart(t, 1 - t, (1 - t) ** 2, operating=(0.5, 0.5, 0.25)), "chart"),
                Figure(charts.confusion_chart([[3, 1], [0, 4]], ["划痕", "bg"], ["划痕", "bg"]), "conf", 0.5))
    thumb = Picture.from_array(np.full((40, 60, 3), 128, np.uint8), "a.jpg", jpeg_quality=80)
    doc.section("Misses", ThumbGrid([Thumb(thumb, ["缺陷_a.jpg", "OK"], link="compare/缺陷_a_compare.png",
                                           tone="bad")]), ThumbGrid([], title="False alarms"))
    return doc


def test_html_is_self_contained_and_escaped():
    text = html_text(sample())
    parser = Cells()
    parser.feed(text)
    assert not re.search(r"https?://", text)
    images = [r for r in parser.refs if not r.startswith("compare/")]
    assert images and all(r.startswith("data:image/") for r in images)
    assert "compare/缺陷_a_compare.png" in [unquote(r) for r in parser.refs]
    assert "<script>" not in text and "&lt;script&gt;" in text
    # the numbers as written, by an independent formatting
    assert parser.cells[2:6] == ["裂纹", "0.412", "83.3 %", "5"]
    assert parser.cells[6:10] == ["=cmd", "n/a", "n/a", "7"]


def test_charts_are_2x_pngs_with_drawing():
    t = np.linspace(0, 1, 11)
    p = charts.threshold_chart(t, 1 - t, t, operating=(0.3, 0.7, 0.3))
    image = cv2.imdecode(np.frombuffer(p.data, np.uint8), cv2.IMREAD_COLOR)
    assert image.shape[1] == p.width and p.scale == 2
    assert p.display_size[0] == pytest.approx(p.width / 2)
    assert p.width > 1000  # 7.2 in at 192 dpi, trimmed to the drawing
    # the recall line's blue is there
    assert (np.abs(image.astype(int) - [0xab, 0x5f, 0x2b]).sum(axis=2) < 30).sum() > 500


@pytest.mark.skipif(not __import__("os").path.exists(CJK), reason="fonts-wqy-zenhei not installed")
def test_pdf_embeds_the_cjk_font_and_holds_the_text(tmp_path):
    assert str(report_font().path) == CJK
    data = pdf_bytes(sample())
    assert data.startswith(b"%PDF")
    fonts = set(re.findall(rb"/BaseFont\s*/([^\s/]+)", data))
    assert any(b"WenQuanYi" in f for f in fonts), fonts
    assert b"/FontFile2" in data  # embedded (a subset), not just named
    pdf = tmp_path / "r.pdf"
    pdf.write_bytes(data)
    pages = pdf_pages(pdf, tmp_path / "page")
    assert (tmp_path / "page-1.png").is_file()
    text = " ".join(pages)
    for s in ("评估 <report> & co", "/数据/图像", "裂纹 0.412 83.3 % 5", "缺陷_a.jpg", "<script>alert(1)</script>"):
        assert s in text.replace("\n", " ")


def test_without_a_cjk_font_the_report_falls_back_with_a_warning(monkeypatch):
    from inspectors.report import fonts

    dejavu = [p for p in fonts.FALLBACK_FONTS if __import__("os").path.exists(p)]
    if not dejavu:
        pytest.skip("DejaVu Sans not installed")
    monkeypatch.setattr(fonts, "CJK_FONTS", ("/nonexistent/font.ttc",))
    monkeypatch.delenv("DEFECT_INSPECTOR_REPORT_FONT", raising=False)
    fonts.report_font.cache_clear()
    try:
        with pytest.warns(UserWarning, match="fonts-wqy-zenhei"):
            found = fonts.report_font()
        assert str(found.path) == dejavu[0] and not found.cjk
    finally:
        fonts.report_font.cache_clear()
