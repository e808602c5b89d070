"""Benchmark: writing the inspection report (report.html, report.pdf, images.csv,
defects.csv, images.json) for N synthetic detection images with ground truth.

Usage: python bench/bench_report.py [--images 2000] [--escapes 24]

Rows are built as ``evaluate`` builds them (:func:`inspectors.export.tables.image_row`
over the rules' decision), then :func:`inspectors.export.inspection.write_report` writes
the files with ``--escapes`` compare sheets per gallery. Prints seconds per stage, the
per-image cost of the rows and the share of the total the PDF takes.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from inspectors.export.inspection import ReportHeader, write_report  # noqa: E402
from inspectors.export.sheet import compare_sheet  # noqa: E402
from inspectors.export.tables import image_row  # noqa: E402
from inspectors.render import RenderStyle  # noqa: E402
from inspectors.report import html_text, pdf_bytes  # noqa: E402
from inspectors.results import DetectionResult, Thresholds  # noqa: E402
from inspectors.rules import Rules, bind, decide_result  # noqa: E402

NAMES = ("crazing", "inclusion", "patches", "pitted_surface", "rolled-in_scale", "scratches")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--images", type=int, default=2000)
    ap.add_argument("--escapes", type=int, default=24)
    a = ap.parse_args()
    rng = np.random.default_rng(0)
    thr = Thresholds(0.3)
    bound = bind(Rules(), NAMES, thr)

    def det(n, lo, hi):
        xy = rng.uniform(0, 150, (n, 2))
        return DetectionResult(np.hstack([xy, xy + rng.uniform(10, 50, (n, 2))]), rng.uniform(lo, hi, n),
                               rng.integers(0, len(NAMES), n), NAMES, (200, 200))

    t0 = time.perf_counter()
    rows, results = [], {}
    for i in range(a.images):
        truth = det(int(rng.integers(0, 3)), 1, 1)
        pred = det(100, 0.0, 0.6)  # a detector's hundred candidates
        d = decide_result(pred, bound)
        row = image_row(f"img_{i:05d}.jpg", pred, thr, d, truth)
        rows.append(row)
        results[row.path] = (truth, pred, d)
    t_rows = time.perf_counter() - t0
    image = np.full((200, 200, 3), 120, np.uint8)
    style = RenderStyle(thresholds=thr)
    drawn = {"n": 0}

    def sheet(row):
        if drawn["n"] >= 2 * a.escapes:
            return None
        drawn["n"] += 1
        truth, pred, d = results[row.path]
        return compare_sheet(image, truth, pred, style, d, row.path, "caption")

    header = ReportHeader("bench", "/bench", len(rows), "now", model="m", task="detection", threshold=0.3)
    with tempfile.TemporaryDirectory() as tmp:
        t1 = time.perf_counter()
        write_report(Path(tmp), header, rows, None, sheet)
        t_write = time.perf_counter() - t1
        from inspectors.export.inspection import build_document

        doc = build_document(header, rows, None, Path(tmp))
        t2 = time.perf_counter()
        html_text(doc)
        t_html = time.perf_counter() - t2
        t3 = time.perf_counter()
        pdf_bytes(doc)
        t_pdf = time.perf_counter() - t3
        listed = sum(len(r.defect_rows) for r in rows)
    print(f"{a.images} images, {listed} defects listed, {drawn['n']} compare sheets")
    print(f"rows (decide + image_row): {t_rows:.2f} s ({1000 * t_rows / a.images:.2f} ms/image)")
    print(f"write_report (sheets, CSVs, JSON, HTML, PDF): {t_write:.2f} s")
    print(f"  of which HTML {t_html:.2f} s, PDF {t_pdf:.2f} s ({100 * t_pdf / t_write:.0f} % of the write)")


if __name__ == "__main__":
    main()
