"""The legend outside the image: the viewer draws none over the picture and lists the
classes and the decision marks in a strip below the panes."""

import numpy as np
import pytest

pytest.importorskip("pytestqt")

from PySide6.QtGui import QImage  # noqa: E402

from app.widgets.viewer import SIDE_BY_SIDE, Viewer  # noqa: E402
from inspectors.render import RenderStyle, annotate  # noqa: E402
from inspectors.render.screen import enlarged, render_factor, screen_style  # noqa: E402
from inspectors.results import SegmentationResult  # noqa: E402
from inspectors.rules import Rules, bind, decide_result  # noqa: E402


def _pixmap_bgr(view) -> np.ndarray:
    img = view._item.pixmap().toImage().convertToFormat(QImage.Format.Format_RGB888)
    arr = np.frombuffer(img.constBits(), np.uint8).reshape(img.height(), img.bytesPerLine())
    return arr[:, : img.width() * 3].reshape(img.height(), img.width(), 3)[:, :, ::-1].copy()


def _seg():
    rng = np.random.default_rng(3)
    img = rng.integers(40, 200, (120, 160, 3), dtype=np.uint8)
    lm = np.zeros((120, 160), np.uint8)
    lm[10:40, 100:150] = 1
    lm[70:110, 5:60] = 2
    return img, SegmentationResult(lm, ("background", "crack", "blowhole"), np.full((120, 160), 0.9, np.float32))


def test_viewer_draws_no_legend_over_the_image_and_lists_classes_below(qtbot):
    img, seg = _seg()
    v = Viewer()
    qtbot.addWidget(v)
    v.resize(700, 500)
    v.show()
    qtbot.waitExposed(v)
    v.set_content(img, None, seg)
    view = v.single.view
    k = round(1.0 / view._item.scale())
    zoom = v.overlay.rendered[view]
    assert render_factor(zoom, img.shape) == k
    big, res = enlarged(img, seg, k)
    style = screen_style(RenderStyle(), zoom, k)
    without = annotate(big, res, style.with_(legend=False))
    with_legend = annotate(big, res, style)
    shown = _pixmap_bgr(view)
    assert shown.shape == without.shape
    assert (with_legend != without).any()  # the in-image legend would have changed pixels
    np.testing.assert_array_equal(shown, without)
    assert v.legend.isVisible()
    assert v.legend.names() == ["crack", "blowhole"]


def test_legend_strip_explains_the_decision_marks_side_by_side(qtbot):
    img, seg = _seg()
    v = Viewer()
    qtbot.addWidget(v)
    v.resize(900, 500)
    v.show()
    qtbot.waitExposed(v)
    decision = decide_result(seg, bind(Rules(), seg.class_names))
    v._decision = decision
    v.set_mode(SIDE_BY_SIDE)
    v.set_content(img, None, seg)
    v._decision = decision
    v.refresh()
    names = v.legend.names()
    assert names[:2] == ["crack", "blowhole"]
    assert any("REVIEW" in n for n in names) and any("ignored" in n for n in names)
    v.set_mode("original")
    assert not v.legend.isVisible()


def test_many_classes_wrap_instead_of_widening_the_viewer(qtbot):
    from app.widgets.legend_strip import LegendStrip
    from inspectors.render.legend import IGNORED_NOTE, REVIEW_NOTE, LegendEntry

    strip = LegendStrip()
    qtbot.addWidget(strip)
    entries = [LegendEntry(i, f"defect_class_{i}", (40, 80, 200)) for i in range(12)]
    strip.set_entries(entries, [REVIEW_NOTE, IGNORED_NOTE])
    assert strip.minimumSizeHint().width() < 300  # a 1280x720 window leaves the viewer ~580 px
    assert strip.names()[:2] == ["defect_class_0", "defect_class_1"] and len(strip.names()) == 14
    strip.set_entries([])
    assert strip.isHidden()
