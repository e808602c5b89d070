"""The pixel readout, the hovered defect's tooltip and the zoom presets, checked against numpy
and hand-built defects."""

import re

import numpy as np
import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import QPoint  # noqa: E402

from app.widgets.pixel_readout import defect_at, defect_tooltip, pixel_text, result_text  # noqa: E402
from app.widgets.view_status import ViewStatus  # noqa: E402
from app.widgets.viewer import Viewer  # noqa: E402
from inspectors.results import DetectionResult, SegmentationResult  # noqa: E402
from inspectors.rules import Decision, Defect, ImageVerdict  # noqa: E402


def test_pixel_text_reads_the_numpy_image():
    rng = np.random.default_rng(3)
    bgr = rng.integers(0, 256, (30, 40, 3), dtype=np.uint8)
    b, g, r = bgr[7, 12]
    assert pixel_text(bgr, 12, 7) == f"x 12  y 7  RGB {r}, {g}, {b}"
    gray = rng.integers(0, 256, (30, 40), dtype=np.uint8)
    assert pixel_text(gray, 39, 29) == f"x 39  y 29  gray {gray[29, 39]}"
    assert pixel_text(gray, 40, 0) == ""


def test_result_text_segmentation_and_detection():
    lm = np.zeros((20, 30), np.uint8)
    lm[5:10, 6:12] = 1
    conf = np.linspace(0, 1, 600, dtype=np.float32).reshape(20, 30)
    seg = SegmentationResult(lm, ("background", "pit"), conf)
    assert result_text(seg, 8, 6) == f"class pit  confidence {conf[6, 8]:.2f}"
    assert result_text(seg, 0, 0).startswith("class background")
    det = DetectionResult(np.array([[0, 0, 20, 20], [5, 5, 10, 10]], float), np.array([0.4, 0.8]),
                          np.array([0, 1]), ("pit", "scratch"), (30, 30))
    assert result_text(det, 7, 7) == "box scratch 0.80"  # two boxes: the best score
    assert result_text(det, 15, 15) == "box pit 0.40"
    assert result_text(det, 25, 25) == ""


def _defect(i, box, kept=True, level="NG", area_mm2=None, length_mm=None):
    w, h = box[2] - box[0], box[3] - box[1]
    return Defect(i, 1, "pit", 0.87, float(w * h), float(max(w, h)), area_mm2, length_mm,
                  ((box[0] + box[2]) / 2, (box[1] + box[3]) / 2), box, kept, level if kept else None,
                  () if kept else ("area below 50 px",))


def test_hover_finds_the_smallest_defect_and_describes_it():
    big, small = _defect(0, (0, 0, 40, 30)), _defect(1, (10, 10, 20, 15), level="REVIEW", area_mm2=1.25,
                                                     length_mm=2.5)
    decision = Decision(ImageVerdict.NG, (), (big, small))
    assert defect_at(decision, 12, 12) is small
    assert defect_at(decision, 30, 25) is big
    assert defect_at(decision, 50, 25) is None
    assert defect_tooltip(small) == ("pit  score 0.87\nREVIEW  (to review)\narea 50 px  (1.25 mm²)\n"
                                     "size 10 x 5 px  (length 2.5 mm)")
    assert defect_tooltip(big) == "pit  score 0.87\nNG\narea 1200 px\nsize 40 x 30 px  (length 40 px)"


def test_status_readout_follows_the_cursor_and_zoom_presets(qtbot):
    v = Viewer()
    qtbot.addWidget(v)
    v.resize(600, 400)
    v.show()
    qtbot.waitExposed(v)
    rng = np.random.default_rng(5)
    img = rng.integers(0, 256, (100, 120, 3), dtype=np.uint8)
    v.set_content(img, None, None)
    status = ViewStatus(v)
    with qtbot.waitSignal(v.zoom_changed) as zoomed:
        v.set_zoom(2.0)
    assert zoomed.args == [2.0] and status.zoom.text() == "Zoom 200 %"
    view = v.single.view
    origin = view.mapFromScene(0.0, 0.0)
    point = origin + QPoint(2 * 30 + 1, 2 * 17 + 1)  # image pixel (30, 17) at 200 %
    with qtbot.waitSignal(v.readout_changed) as got:
        qtbot.mouseMove(view.viewport(), point)
    b, g, r = img[17, 30]
    assert got.args == [f"x 30  y 17  RGB {r}, {g}, {b}"]
    assert status.readout.text() == got.args[0]
    assert re.fullmatch(r"Zoom \d+ %", status.zoom.text())


def test_overlay_is_redrawn_at_the_new_zoom(qtbot):
    """Zooming in redraws the overlay on the image enlarged to the zoom (thin lines, same text)."""
    v = Viewer()
    qtbot.addWidget(v)
    v.resize(500, 400)
    v.show()
    qtbot.waitExposed(v)
    img = np.full((50, 60, 3), 80, np.uint8)
    det = DetectionResult(np.array([[5, 5, 30, 30]], float), np.array([0.9]), np.array([0]), ("pit",), (50, 60))
    v.set_content(img, None, det)
    view = v.single.view
    v.set_zoom(4.0)
    qtbot.waitUntil(lambda: view._item.pixmap().width() == 60 * 4)
    assert view._item.scale() == pytest.approx(0.25)
    assert view.sceneRect().width() == pytest.approx(60)  # positions stay in image pixels
