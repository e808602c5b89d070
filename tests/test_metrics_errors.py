"""Error analysis on hand-built images where every kind of error is known."""

from __future__ import annotations

import numpy as np

from inspectors.metrics.errors import CATEGORIES, DetectionErrors, region_errors
from inspectors.results import DetectionResult, SegmentationResult, Thresholds

NAMES = ("scratch", "dent")


def pairs():
    gt = DetectionResult(
        [[0, 0, 10, 10], [20, 20, 30, 30], [40, 40, 50, 50]], np.ones(3), [0, 1, 0], NAMES, (100, 100)
    )
    pred = DetectionResult(
        [
            [20, 20, 30, 30],  # 0.7 scratch on the dent box: wrong class
            [0, 0, 10, 10],  # 0.9 scratch: correct
            [40, 40, 50, 44],  # 0.6 scratch, IoU 55/121 with its box: poor localisation
            [0, 0, 10, 10],  # 0.8 scratch again: duplicate
            [70, 70, 80, 80],  # 0.5 dent on nothing: background
        ],
        [0.7, 0.9, 0.6, 0.8, 0.5],
        [0, 0, 0, 0, 1],
        NAMES,
        (100, 100),
    )
    clean = DetectionResult.empty(NAMES, (100, 100))
    stray = DetectionResult([[0, 0, 5, 5]], [0.4], [1], NAMES, (100, 100))
    return [(gt, pred), (clean, stray)]


def counts(errors, t):
    return dict(zip(CATEGORIES, errors.per_image(t)[0].tolist())), dict(zip(CATEGORIES, errors.per_image(t)[1].tolist()))


def test_each_kind_is_found():
    e = DetectionErrors(pairs())
    first, second = counts(e, 0.0)
    assert first == {
        "false_positive": 4, "missed": 2, "wrong_class": 1,
        "poor_localisation": 1, "duplicate": 1, "background": 1,
    }
    assert second == {"false_positive": 1, "missed": 0, "wrong_class": 0,
                      "poor_localisation": 0, "duplicate": 0, "background": 1}
    first, _ = counts(e, 0.85)  # only the correct box is left
    assert first["false_positive"] == 0 and first["missed"] == 2
    first, _ = counts(e, 0.95)  # nothing left: all three boxes missed
    assert first["missed"] == 3
    first, _ = counts(e, Thresholds(0.0, {"scratch": 0.65}))
    assert (first["wrong_class"], first["poor_localisation"], first["background"]) == (1, 0, 1)


def test_confusion_and_image_filters():
    e = DetectionErrors(pairs())
    # rows scratch, dent, background; columns scratch, dent, missed
    np.testing.assert_array_equal(e.confusion(0.0), [[1, 0, 1], [1, 0, 1], [2, 2, 0]])
    assert e.images(0.0, "wrong_class").tolist() == [0]
    assert e.images(0.0, "background").tolist() == [0, 1]
    assert e.images(0.45, "background").tolist() == [0]
    assert e.images(0.0, "background", class_id=0).tolist() == []
    assert e.images(0.0, "missed", class_id=1).tolist() == [0]
    assert e.cell_images(0.0, 2, 1).tolist() == [0, 1]
    assert e.cell_images(0.0, 1, 0).tolist() == [0]
    assert e.cell_images(0.0, 0, 2).tolist() == [0]
    recs = e.records(0.0, ["a.jpg", "b.jpg"])
    assert [r["image"] for r in recs] == ["a.jpg", "b.jpg"] and recs[0]["duplicate"] == 1
    totals = e.totals(0.0)
    assert totals["boxes"]["false_positive"] == 5 and totals["images"]["missed"] == 1


def test_segmentation_regions():
    names = ("bg", "scratch")
    gt = np.zeros((20, 20), int)
    gt[1:4, 1:4] = 1  # found
    gt[10:13, 10:13] = 1  # missed
    pred = np.zeros((20, 20), int)
    pred[2:5, 2:5] = 1  # overlaps the first region
    pred[15:18, 1:3] = 1  # false positive
    conf = np.full((20, 20), 0.9, np.float32)
    conf[15:18, 1:3] = 0.3
    r = region_errors(SegmentationResult(gt, names), SegmentationResult(pred, names, conf))
    assert r == {"gt_regions": 2, "pred_regions": 2, "false_positive_regions": 1, "missed_regions": 1}
    r = region_errors(SegmentationResult(gt, names), SegmentationResult(pred, names, conf), 0.5)
    assert (r["pred_regions"], r["false_positive_regions"], r["missed_regions"]) == (1, 0, 1)
