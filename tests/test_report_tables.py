"""The report's CSVs and files on hand-made cases: numbers in their own columns (pandas
reads them back typed), the BOM, formula cells made inert, Chinese names in the PDF with
the CJK font embedded, readable file names without collisions."""

from __future__ import annotations

import os
import re
from pathlib import Path

import numpy as np
import pytest

from inspectors.export.inspection import ReportHeader, write_report
from inspectors.export.names import readable_names
from inspectors.export.sheet import compare_sheet
from inspectors.export.tables import image_row
from inspectors.render import RenderStyle
from inspectors.results import DetectionResult, Thresholds
from inspectors.rules import Calibration, ClassRule, Rules, bind, decide_result

from .pdf_pages import pdf_pages

NAMES = ("裂纹", "+cmd")
CJK = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"


def det(boxes, scores, ids, size=(100, 200)) -> DetectionResult:
    return DetectionResult(np.array(boxes, np.float32).reshape(-1, 4), np.array(scores, np.float32),
                           np.array(ids, np.int32), NAMES, size)


def rows_and_results():
    thr = Thresholds(0.5)
    # 0.2 mm per pixel both ways: 0.04 mm² per px; defects under 30 px² ignored
    rules = Rules(default=ClassRule(min_area=30.0), calibration=Calibration(0.2, 0.2))
    bound = bind(rules, NAMES, thr)
    cases = {
        # found: a kept 10x20 box (200 px, 8 mm²) and a 5x5 one ignored as too small
        "裂纹/图像_1.jpg": (det([[10, 10, 20, 30]], [1], [0]),
                          det([[11, 10, 21, 30], [50, 50, 55, 55]], [0.9, 0.8], [0, 1])),
        # missed: the prediction is below the threshold; a faint box under half of it is
        # counted as a candidate but not listed
        "=HYPERLINK(\"http://x\").jpg": (det([[0, 0, 10, 10]], [1], [1]),
                                          det([[0, 0, 10, 10], [60, 0, 90, 30]], [0.3, 0.1], [1, 0])),
        # false alarm on a clean image
        "clean.png": (det([], [], []), det([[100, 20, 140, 60]], [0.7], [1])),
        # clean and passed
        "sub/clean.png": (det([], [], []), det([], [], [])),
    }
    rows, results = [], {}
    for path, (truth, pred) in cases.items():
        d = decide_result(pred, bound)
        rows.append(image_row(path, pred, thr, d, truth, operator="NG" if path == "clean.png" else ""))
        results[path] = (truth, pred, d)
    return rows, results, thr


def test_rows_hold_hand_computed_values():
    rows, _, _ = rows_and_results()
    r = {row.path: row for row in rows}
    a = r["裂纹/图像_1.jpg"]
    assert (a.width, a.height, a.outcome, a.verdict) == (200, 100, "TP", "NG")
    assert (a.defects, a.candidates, a.area_px) == (1, 2, 200.0)
    assert a.area_mm2 == pytest.approx(200 * 0.04)
    small = a.defect_rows[1]
    assert (small.kept, small.x0, small.y1, small.area_px) == (0, 50.0, 55.0, 25.0)
    assert "area" in small.ignored_why and "25" in small.ignored_why
    miss = r['=HYPERLINK("http://x").jpg']
    assert miss.outcome == "FN" and (miss.defects, miss.candidates) == (0, 2)
    assert [(d.score, d.kept) for d in miss.defect_rows] == [(0.3, 0)]
    assert "score 0.3 < T_low 0.5" in miss.defect_rows[0].ignored_why
    assert r["clean.png"].outcome == "FP" and r["sub/clean.png"].outcome == "TN"
    assert r["sub/clean.png"].verdict == "OK" and r["sub/clean.png"].max_score == 0.0


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    rows, results, thr = rows_and_results()
    out = tmp_path_factory.mktemp("report")
    image = np.full((100, 200, 3), 90, np.uint8)
    style = RenderStyle(thresholds=thr)

    def sheet(row):
        truth, pred, d = results[row.path]
        return compare_sheet(image, truth, pred, style, d, row.path, "caption")

    header = ReportHeader("报告 report", "/数据", len(rows), "2026-12-04 10:00", model="模型", task="detection",
                          class_names=list(NAMES), threshold=0.5)
    write_report(out, header, rows, None, sheet)
    return out


def test_csvs_read_back_typed_with_the_bom_and_formulas_inert(written):
    pd = pytest.importorskip("pandas")
    raw = (written / "images.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and (written / "defects.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    images = pd.read_csv(written / "images.csv", encoding="utf-8-sig", keep_default_na=False)
    assert list(images["path"]) == ["裂纹/图像_1.jpg", "'=HYPERLINK(\"http://x\").jpg", "clean.png", "sub/clean.png"]
    assert images["width"].dtype.kind == "i" and images["area_px"].dtype.kind == "f"
    assert images["max_score"].tolist() == pytest.approx([0.9, 0.3, 0.7, 0.0])
    assert images["operator"].tolist() == ["", "", "NG", ""]
    defects = pd.read_csv(written / "defects.csv", encoding="utf-8-sig", keep_default_na=False)
    assert defects["class_name"].tolist() == ["裂纹", "'+cmd", "'+cmd", "'+cmd"]
    assert defects["x0"].dtype.kind == "f" and defects["kept"].dtype.kind == "i"
    assert defects["area_mm2"].iloc[0] == pytest.approx(8.0)
    # openpyxl-free check of the raw cells too: no cell starts with a formula character
    import csv
    import io

    for name in ("images.csv", "defects.csv"):
        for row in csv.reader(io.StringIO((written / name).read_text(encoding="utf-8-sig"))):
            assert not any(c.startswith(("=", "+", "-", "@", "\t", "\r")) for c in row)


def test_compare_images_have_readable_names(written):
    # the miss (its path has folders: '=HYPERLINK("http:' / '' / 'x").jpg') and the false alarm
    names = sorted(p.name for p in (written / "compare").iterdir())
    assert names == ["clean_compare.png", "x_)_compare.png"]


@pytest.mark.skipif(not os.path.exists(CJK), reason="fonts-wqy-zenhei not installed")
def test_pdf_renders_chinese_names(written, tmp_path):
    data = (written / "report.pdf").read_bytes()
    assert any(b"WenQuanYi" in f for f in re.findall(rb"/BaseFont\s*/([^\s/]+)", data))
    text = " ".join(pdf_pages(written / "report.pdf", tmp_path / "page")).replace("\n", " ")
    assert "报告 report" in text and "/数据" in text and "裂纹" in text
    # a rendered page has dark text on it (not an empty page)
    import cv2

    page = cv2.imread(str(tmp_path / "page-1.png"), cv2.IMREAD_GRAYSCALE)
    assert (page < 100).sum() > 1000
    html = (written / "report.html").read_text(encoding="utf-8")
    assert "裂纹" in html and not re.search(r"(src|href)=\"https?://", html)


def test_readable_names_never_collide():
    rels = ["sub/x.jpg", "sub2/x.jpg", "x.jpg", "x.png", "y.bmp", "Y.JPG", "z.jpg"]
    flat = readable_names(rels, "compare", flat=True)
    assert flat["z.jpg"] == "z_compare.png"
    assert len({n.lower() for n in flat.values()}) == len(rels)
    assert all(n.endswith("_compare.png") or re.search(r"_compare-\d+\.png$", n) for n in flat.values())
    nested = readable_names(rels, "overlay")
    assert nested["sub/x.jpg"] == "sub/x_overlay.png" and nested["sub2/x.jpg"] == "sub2/x_overlay.png"
    assert nested["z.jpg"] == "z_overlay.png"
    assert nested["x.jpg"] != nested["x.png"] and len({n.lower() for n in nested.values()}) == len(rels)
    assert Path(nested["x.jpg"]).stem.startswith("x")


def test_rules_in_words():
    from inspectors.cli.reportuse import rules_words
    from inspectors.rules import simple_rules

    assert rules_words(Rules()) == ""
    assert rules_words(simple_rules((0.27, 0.4), 30)) == "default: {min_area: 30.0, review: [0.27, 0.4]}"
