"""Overlays at the view's scale (inspectors/render/screen.py): the same text and line size on
screen at any zoom, the picture unchanged, the result scaled with it."""

import numpy as np
import pytest

from inspectors.render import RenderStyle, annotate, text
from inspectors.render.screen import enlarged, render_factor, screen_style
from inspectors.results import DetectionResult, SegmentationResult
from inspectors.rules import class_components


@pytest.mark.parametrize("shape", [(200, 200), (256, 1600), (800, 1333)])
def test_text_and_lines_keep_their_screen_size_at_any_zoom(shape):
    heights, lines, capped = [], [], []
    for zoom in (0.5, 1.0, 2.7, 6.0):
        k = render_factor(zoom, shape)
        st = screen_style(RenderStyle(), zoom, k)
        m = text.metrics((shape[0] * k, shape[1] * k), st.font_scale, st.box_thickness)
        h = text.tag_size("pit 0.93", m)[1] * zoom / k  # rendered px -> screen px
        if k < np.ceil(zoom):  # a big image at a high zoom: not enlarged further, text grows
            capped.append(h)
            continue
        heights.append(h)
        lines.append(m.line * zoom / k)
    assert len(heights) >= 2
    assert max(heights) - min(heights) <= 0.25 * min(heights)  # OpenCV rounds glyph heights
    assert all(1.0 <= w <= 3.0 for w in lines)
    assert all(h >= min(heights) for h in capped)


def test_render_factor_is_capped_by_pixels():
    assert render_factor(2.7, (200, 200)) == 3
    assert render_factor(0.4, (2000, 3000)) == 1
    assert render_factor(16.0, (1000, 1000), max_pixels=8_000_000) == 2  # sqrt(8) -> 2


def test_enlarged_repeats_pixels_and_keeps_component_order():
    rng = np.random.default_rng(1)
    img = rng.integers(0, 256, (20, 30, 3), dtype=np.uint8)
    lm = np.zeros((20, 30), np.uint8)
    lm[2:5, 3:9] = 1
    lm[10:12, 1:4] = 2
    lm[12:18, 20:22] = 1
    lm[5, 9] = 1  # diagonal neighbour: the same component with 8-connectivity
    seg = SegmentationResult(lm, ("bg", "pit", "scratch"), rng.uniform(0, 1, (20, 30)).astype(np.float32))
    big_img, big_seg = enlarged(img, seg, 3)
    assert big_img.shape == (60, 90, 3) and (big_img[::3, ::3] == img).all() and (big_img[2::3, 1::3] == img).all()
    a = class_components(seg.label_map, seg.confidence, 3)
    b = class_components(big_seg.label_map, big_seg.confidence, 3)
    assert list(a.class_ids) == list(b.class_ids)
    np.testing.assert_array_equal(b.labels[::3, ::3], a.labels)
    det = DetectionResult(np.array([[1.5, 2, 10, 12]]), np.array([0.9]), np.array([0]), ("pit",), (20, 30))
    _, big_det = enlarged(img, det, 4)
    np.testing.assert_allclose(big_det.boxes, [[6, 8, 40, 48]])
    assert big_det.image_size == (80, 120)
    # drawn on the enlarged image, the picture away from the overlay is the image repeated
    out = annotate(*enlarged(img, det, 4), screen_style(RenderStyle(), 4.0, 4))
    np.testing.assert_array_equal(out[70:, 60:], np.repeat(np.repeat(img, 4, 0), 4, 1)[70:, 60:])
