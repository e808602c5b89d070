"""Renderers on hand-built results: colours where boxes / masks must be, input untouched."""

import numpy as np
import pytest

from inspectors.render import (
    FALSE_POSITIVE,
    HIT,
    MISS,
    RenderStyle,
    annotate,
    class_color,
    compare,
    diff,
    match_boxes,
)
from inspectors.results import ClassificationResult, DetectionResult, SegmentationResult, Thresholds

GRAY = 100


def _img(h=200, w=200):
    return np.full((h, w, 3), GRAY, np.uint8)


def _det(boxes, scores, ids, names=("crazing", "scratches"), size=(200, 200)):
    return DetectionResult(np.array(boxes, float), np.array(scores), np.array(ids), names, size)


def _seg(h=200, w=200, value=2, conf=0.8):
    lm = np.zeros((h, w), np.uint8)
    lm[50:100, 60:120] = value
    return SegmentationResult(lm, ("background", "a", "b"), np.full((h, w), conf, np.float32))


def test_box_outline_drawn_in_class_colour_and_input_unchanged():
    img = _img()
    before = img.copy()
    out = annotate(img, _det([[20, 60, 120, 150]], [0.9], [1]))
    np.testing.assert_array_equal(img, before)
    assert out is not img
    assert tuple(out[100, 20]) == class_color(1)  # left edge of the box
    assert tuple(out[100, 70]) == (GRAY,) * 3  # inside the box stays untouched
    assert tuple(out[180, 180]) == (GRAY,) * 3


def test_box_label_is_drawn_and_kept_inside_the_image():
    out = annotate(_img(), _det([[0, 0, 50, 50]], [0.9], [0]))
    # the label for a box at the top edge goes inside the box, near the top-left corner
    patch = out[2:14, 2:40].reshape(-1, 3)
    assert (patch == class_color(0)).all(axis=1).mean() > 0.3


def test_thresholds_hide_low_boxes_and_hidden_classes_are_not_drawn():
    res = _det([[20, 20, 80, 80], [120, 120, 180, 180]], [0.3, 0.9], [0, 1])
    out = annotate(_img(), res, RenderStyle(thresholds=Thresholds(0.5)))
    assert tuple(out[50, 20]) == (GRAY,) * 3
    assert tuple(out[150, 120]) == class_color(1)
    out = annotate(_img(), res, RenderStyle(hidden_classes=frozenset({"scratches"})))
    assert tuple(out[150, 120]) == (GRAY,) * 3
    assert tuple(out[50, 20]) == class_color(0)


def test_mask_blends_class_colour_background_never_painted():
    seg = _seg()
    out = annotate(_img(), seg, RenderStyle(mask_opacity=0.5, contours=False, legend=False))
    expected = (np.array(class_color(2)) * 0.5 + GRAY * 0.5 + 0.5).astype(np.uint8)
    np.testing.assert_array_equal(out[75, 90], expected)
    assert tuple(out[150, 20]) == (GRAY,) * 3  # background pixel untouched
    full = annotate(_img(), seg, RenderStyle(mask_opacity=1.0, contours=False, legend=False))
    assert tuple(full[75, 90]) == class_color(2)


def test_mask_contour_and_threshold():
    seg = _seg(conf=0.4)
    out = annotate(_img(), seg, RenderStyle(legend=False))
    assert tuple(out[50, 90]) == class_color(2)  # contour on the top edge
    out = annotate(_img(), seg, RenderStyle(thresholds=Thresholds(0.5), legend=False))
    assert tuple(out[75, 90]) == (GRAY,) * 3


def test_segmentation_on_a_gray_strip():
    img = np.full((256, 1600), 90, np.uint8)
    lm = np.zeros((256, 1600), np.uint8)
    lm[100:150, 1000:1200] = 1
    out = annotate(img, SegmentationResult(lm, ("bg", "scratch")), RenderStyle(mask_opacity=1.0, contours=False))
    assert out.shape == (256, 1600, 3)
    assert tuple(out[120, 1100]) == class_color(1)
    assert img.ndim == 2 and (img == 90).all()


def test_classification_banner_shows_top_class():
    res = ClassificationResult(np.array([0.05, 0.9, 0.05]), ("ok", "crazing", "scratches"))
    out = annotate(_img(), res)
    top = out[:14].reshape(-1, 3).astype(int)
    assert (np.abs(top - class_color(1)).max(axis=1) < 12).any()  # label text in the class colour
    assert (out[:14] < GRAY).any()  # dark banner behind it
    assert tuple(out[150, 100]) == (GRAY,) * 3


def test_compare_puts_ground_truth_left_and_prediction_right():
    gt = _det([[20, 60, 120, 150]], [1.0], [0])
    pred = _det([[20, 60, 120, 150]], [0.8], [1])
    out = compare(_img(), gt, pred, RenderStyle(labels=False))
    assert out.shape[1] > 400 and out.shape[0] > 200
    title = out.shape[0] - 200
    assert tuple(out[title + 100, 20]) == class_color(0)
    assert tuple(out[title + 100, 200 + 6 + 20]) == class_color(1)


def test_compare_stacks_wide_strips_vertically():
    out = compare(np.zeros((64, 400, 3), np.uint8), None, None)
    assert out.shape[1] == 400 and out.shape[0] > 128


def test_diff_marks_hits_false_positives_and_misses_for_boxes():
    gt = _det([[10, 10, 60, 60], [120, 20, 180, 80]], [1, 1], [0, 1])
    pred = _det([[12, 12, 60, 60], [100, 120, 160, 180]], [0.9, 0.8], [0, 1])
    pred_hit, gt_hit = match_boxes(gt, pred)
    assert pred_hit.tolist() == [True, False] and gt_hit.tolist() == [True, False]
    out = diff(_img(), gt, pred)
    assert tuple(out[30, 12]) == HIT
    assert tuple(out[150, 100]) == FALSE_POSITIVE
    assert tuple(out[50, 120]) == MISS


def test_diff_segmentation_pixels():
    gt_lm = np.zeros((200, 200), np.uint8)
    gt_lm[110:140, 10:40] = 1
    gt_lm[160:190, 60:90] = 1
    pred_lm = np.zeros((200, 200), np.uint8)
    pred_lm[110:140, 10:40] = 1
    pred_lm[110:140, 60:90] = 1
    gt = SegmentationResult(gt_lm, ("bg", "a"))
    pred = SegmentationResult(pred_lm, ("bg", "a"), np.full((200, 200), 0.9, np.float32))
    out = diff(np.full((200, 200, 3), 0, np.uint8), gt, pred, opacity=1.0)
    assert tuple(out[125, 25]) == HIT
    assert tuple(out[125, 75]) == FALSE_POSITIVE
    assert tuple(out[175, 75]) == MISS
    assert tuple(out[195, 5]) == (0, 0, 0)


@pytest.mark.parametrize("pred_id,colour", [(1, HIT), (2, FALSE_POSITIVE)])
def test_diff_classification(pred_id, colour):
    names = ("ok", "crazing", "scratches")
    gt = ClassificationResult.one_hot(1, names)
    p = np.full(3, 0.05)
    p[pred_id] = 0.9
    out = diff(_img(), gt, ClassificationResult(p, names), Thresholds(0.5))
    banner = out[:30].reshape(-1, 3).astype(int)
    assert (np.abs(banner - colour).max(axis=1) < 12).sum() > 10
