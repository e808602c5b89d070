"""Export: files and report match the results; no overwrite without asking; atomic; source untouched."""

import csv
import json

import numpy as np
import pytest

from inspectors.errors import InspectorError
from inspectors.export import ExportCancelled, ExportExistsError, ExportItem, export_flagged
from inspectors.imageio import read_image
from inspectors.render import RenderStyle, annotate
from inspectors.render.palette import class_color
from inspectors.results import DetectionResult, Outcome, SegmentationResult, Thresholds

from .app_helpers import make_images, tree_hashes

NAMES = ("crazing", "scratches")


@pytest.fixture
def source(tmp_path):
    images = make_images(tmp_path / "src", n=3)
    return tmp_path / "src", images


def _items(images):
    det = DetectionResult(np.array([[5, 5, 30, 30], [40, 10, 60, 50.0]]), np.array([0.9, 0.3]),
                          np.array([0, 1]), NAMES, (64, 80))
    lm = np.zeros((64, 80), np.uint8)
    lm[10:20, 10:30] = 1
    seg = SegmentationResult(lm, ("background", "blowhole"), np.full((64, 80), 0.8, np.float32))
    gt = DetectionResult(np.array([[5, 5, 30, 30.0]]), np.array([1.0]), np.array([0]), NAMES, (64, 80))
    return [
        ExportItem(str(images["img_00.png"]), Outcome(str(images["img_00.png"]), det), "confirmed", lambda: gt),
        ExportItem(str(images["img_01.bmp"]), Outcome(str(images["img_01.bmp"]), seg), ""),
        ExportItem(str(images["broken.jpg"]), Outcome(str(images["broken.jpg"]), error="bad"), ""),
    ]


def test_export_writes_files_and_report(source, tmp_path):
    src, images = source
    before = tree_hashes(src)
    out = tmp_path / "export"
    summary = export_flagged(_items(images), out, src, "model-a", Thresholds(0.5))
    assert tree_hashes(src) == before
    rows = list(csv.DictReader((out / "report.csv").open(encoding="utf-8")))
    assert [r["file"] for r in rows] == ["img_00.png", "img_01.bmp", "broken.jpg"]
    assert rows[0]["verdict"] == "confirmed" and rows[0]["classes"] == "crazing"  # 0.3 box filtered out
    assert rows[0]["boxes"] == "5.0 5.0 30.0 30.0" and rows[0]["model"] == "model-a"
    assert rows[1]["classes"] == "blowhole" and rows[1]["areas_px"] == "200"
    assert rows[2]["error"]  # the broken file is reported, not fatal
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["thresholds"]["default"] == 0.5 and report["count"] == 3
    assert report["images"][0]["result"]["detections"][0]["class_name"] == "crazing"
    assert (out / "originals" / "img_00.png").read_bytes() == images["img_00.png"].read_bytes()
    overlay = read_image(out / "overlays" / "img_00_overlay.png")
    # the picture is annotate's drawing without an in-image legend; the legend bar below it
    drawn = annotate(read_image(images["img_00.png"]), _items(images)[0].outcome.result,
                     RenderStyle(thresholds=Thresholds(0.5), legend=False))
    assert overlay.shape[0] > 64 + 15 and overlay.shape[1:] == (80, 3)
    np.testing.assert_array_equal(overlay[:64], drawn)
    bar = overlay[64:].reshape(-1, 3)
    assert (np.abs(bar.astype(int) - class_color(0)).sum(1) == 0).sum() >= 100  # crazing's swatch
    assert not (np.abs(bar.astype(int) - class_color(1)).sum(1) == 0).any()  # 0.3 box filtered out
    assert rows[0]["overlay"] == "overlays/img_00_overlay.png" and rows[0]["compare"] == "compare/img_00_compare.png"
    assert read_image(out / "compare" / "img_00_compare.png").shape[1] > 160
    for name in ("report.html", "report.pdf", "images.csv", "defects.csv"):  # the inspection report
        assert (out / name).stat().st_size > 0
    images_csv = list(csv.DictReader((out / "images.csv").open(encoding="utf-8-sig")))
    assert [r["path"] for r in images_csv] == ["img_00.png", "img_01.bmp", "broken.jpg"]
    assert images_csv[0]["operator"] == "confirmed" and images_csv[0]["outcome"] == "TP"
    assert images_csv[2]["error"] == "bad"
    assert len(summary.rows) == 3 and summary.problems
    assert not [p for p in tmp_path.iterdir() if ".partial-" in p.name]


def test_outcomes_read_one_at_a_time_give_the_same_report(source, tmp_path):
    """Items whose outcome is read when exported (the app's stored runs): the same report,
    each outcome read while its image is written, none kept once its row is written."""
    src, images = source
    eager = _items(images)
    live = []

    def reader(outcome):
        def read():
            live.append(outcome.path)
            return outcome
        return read

    lazy = [ExportItem(i.path, reader(i.outcome), i.verdict, i.ground_truth) for i in eager]
    a = export_flagged(eager, tmp_path / "eager", src, "m", Thresholds(0.5))
    b = export_flagged(lazy, tmp_path / "lazy", src, "m", Thresholds(0.5))
    assert live == [i.path for i in eager]
    assert (tmp_path / "lazy" / "report.csv").read_text() == (tmp_path / "eager" / "report.csv").read_text()
    ja, jb = (json.loads((tmp_path / d / "report.json").read_text()) for d in ("eager", "lazy"))
    assert ja["images"] == jb["images"]
    assert all(r.outcome is None for r in (*a.rows, *b.rows))  # no label map held by the summary


def test_no_overwrite_without_permission(source, tmp_path):
    src, images = source
    out = tmp_path / "export"
    export_flagged(_items(images)[:1], out, src, "m", Thresholds(0.5))
    first = tree_hashes(out)
    with pytest.raises(ExportExistsError):
        export_flagged(_items(images)[:2], out, src, "m", Thresholds(0.5))
    assert tree_hashes(out) == first
    export_flagged(_items(images)[1:2], out, src, "m", Thresholds(0.5), overwrite=True)
    assert not (out / "originals" / "img_00.png").exists()  # the old export was replaced whole
    assert (out / "originals" / "img_01.bmp").exists()


def test_cancel_leaves_nothing(source, tmp_path):
    src, images = source
    out = tmp_path / "export"
    seen = []
    with pytest.raises(ExportCancelled):
        export_flagged(_items(images), out, src, "m", Thresholds(0.5),
                       progress=lambda d, t: seen.append(d), cancel=lambda: len(seen) >= 1)
    assert seen == [1]
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["src"]


def test_refuses_to_write_into_or_around_the_source(source, tmp_path):
    src, images = source
    before = tree_hashes(src)
    for target in (src / "export", tmp_path):
        with pytest.raises(InspectorError):
            export_flagged(_items(images), target, src, "m", Thresholds(0.5), overwrite=True)
    assert tree_hashes(src) == before


def test_the_rules_decision_goes_into_the_report(source, tmp_path):
    """With a decision function, each row carries the rules' verdict and reasons, and
    "flagged" is NG by the rules (a 0.3 box inside a 0.2-0.5 band is REVIEW, not flagged)."""
    from inspectors.rules import bind, decide_result, simple_rules

    src, images = source
    items = _items(images)
    rules = simple_rules(review=(0.2, 0.95))

    def decide(result):
        return decide_result(result, bind(rules, result.class_names))

    export_flagged(items, tmp_path / "out", src, "m", Thresholds(0.5), decide=decide)
    rows = list(csv.DictReader((tmp_path / "out" / "report.csv").open(encoding="utf-8")))
    expected = {i.path: decide(i.outcome.result) if i.outcome.result is not None else None for i in items}
    for row, item in zip(rows, items):
        d = expected[item.path]
        assert row["decision"] == ("" if d is None else d.verdict.name)
        assert row["flagged"] == ("" if d is None else str(int(d.verdict.name == "NG")))
    assert rows[0]["decision"] == "REVIEW" and rows[0]["flagged"] == "0"  # best box 0.9 < 0.95
    report = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    assert report["images"][0]["decision"]["verdict"] == "REVIEW"
