"""Segmentation metrics against PaddleSeg's own functions, sklearn and hand-computed cases."""

from __future__ import annotations

import pycocotools.coco  # noqa: F401  (before paddle: the two clash on zlib otherwise)

# isort: split
import numpy as np
import paddle
import pytest
from paddleseg.utils import metrics as psm
from sklearn.metrics import confusion_matrix as sk_confusion

from inspectors.metrics.segmentation import (
    SegmentationAccumulator,
    confidence_bins,
    confusion_matrix,
    segmentation_metrics,
)
from inspectors.results import SegmentationResult, Thresholds

NAMES = ("background", "scratch", "dent", "stain", "crack", "never_seen")


class _Paddle:
    """paddle with a 1-D ``sum``: PaddleSeg 2.8's calculate_area concatenates the
    sums, which Paddle 2.6 returns as 0-D tensors (``concat`` then fails)."""

    def __getattr__(self, name):
        return getattr(paddle, name)

    @staticmethod
    def sum(x, *args, **kwargs):
        return paddle.reshape(paddle.sum(x, *args, **kwargs), [1])


@pytest.fixture()
def paddleseg_metrics(monkeypatch):
    monkeypatch.setattr(psm, "paddle", _Paddle())
    return psm


def random_pairs(seed: int, n: int = 6, shape=(24, 32), used: int = 5, grid_conf: bool = True):
    """Random maps over classes 0..used-1 (the last class never appears), 10% ignore."""
    rng = np.random.default_rng(seed)
    pairs = []
    for i in range(n):
        gt = rng.integers(0, used, shape)
        gt[rng.random(shape) < 0.1] = 255
        pred = np.where(rng.random(shape) < 0.6, np.where(gt == 255, 0, gt), rng.integers(0, used, shape))
        conf = rng.random(shape).astype(np.float32)
        if grid_conf:  # confidences exactly on the grid and one ulp below it
            on = rng.random(shape) < 0.3
            conf[on] = (rng.integers(0, 101, shape) / 100).astype(np.float32)[on]
            below = rng.random(shape) < 0.1
            conf[below] = np.nextafter(conf[below], np.float32(0))
        if i == n - 1:
            conf = None  # a model without a confidence output
        pairs.append((SegmentationResult(gt, NAMES), SegmentationResult(pred, NAMES, conf)))
    return pairs


def paddleseg_reference(pm, pairs, thresholds):
    inter = pred_area = label_area = 0
    for gt, pred in pairs:
        p = pred.filtered(thresholds)
        i, pa, la = pm.calculate_area(
            paddle.to_tensor(p.label_map.astype("int64")),
            paddle.to_tensor(gt.label_map.astype("int64")),
            len(NAMES),
            ignore_index=255,
        )
        inter, pred_area, label_area = inter + i, pred_area + pa, label_area + la
    class_iou, miou = pm.mean_iou(inter, pred_area, label_area)
    class_dice, mdice = pm.dice(inter, pred_area, label_area)
    macc, precision, recall = pm.class_measurement(inter, pred_area, label_area)
    class_acc, acc = pm.accuracy(inter, pred_area)
    kappa = pm.kappa(inter, pred_area, label_area)
    return locals()


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize(
    "thresholds", [None, 0.5, Thresholds(0.3, {"scratch": 0.71, 3: 0.9}), Thresholds(1.0)]
)
def test_matches_paddleseg(paddleseg_metrics, seed, thresholds):
    pairs = random_pairs(seed)
    ref = paddleseg_reference(paddleseg_metrics, pairs, thresholds)
    m = segmentation_metrics(confusion_matrix(pairs, thresholds))
    assert m["miou"] == pytest.approx(ref["miou"], abs=1e-12)
    assert m["mdice"] == pytest.approx(ref["mdice"], abs=1e-12)
    assert m["accuracy"] == pytest.approx(ref["macc"], abs=1e-12)
    assert m["accuracy"] == pytest.approx(ref["acc"], abs=1e-12)
    assert m["kappa"] == pytest.approx(ref["kappa"], abs=1e-12)
    np.testing.assert_allclose(m["class_iou"], ref["class_iou"], atol=1e-12)
    np.testing.assert_allclose(m["class_dice"], ref["class_dice"], atol=1e-12)
    np.testing.assert_allclose(m["class_precision"], ref["precision"], atol=1e-12)
    np.testing.assert_allclose(m["class_recall"], ref["recall"], atol=1e-12)
    np.testing.assert_array_equal(m["intersect_area"], ref["inter"].numpy())
    np.testing.assert_array_equal(m["pred_area"], ref["pred_area"].numpy())
    np.testing.assert_array_equal(m["label_area"], ref["label_area"].numpy())
    # the class that never appears counts as IoU 0 in the mean, as in PaddleSeg
    assert m["class_iou"][-1] == 0.0


def test_prediction_ignore_value_counts_in_no_class(paddleseg_metrics):
    gt = np.array([[0, 1, 1, 255], [2, 2, 0, 1]])
    pred = np.array([[0, 1, 255, 1], [2, 255, 0, 0]])
    pairs = [(SegmentationResult(gt, NAMES), SegmentationResult(pred, NAMES))]
    ref = paddleseg_reference(paddleseg_metrics, pairs, None)
    m = segmentation_metrics(confusion_matrix(pairs))
    np.testing.assert_array_equal(m["label_area"], ref["label_area"].numpy())
    np.testing.assert_array_equal(m["pred_area"], ref["pred_area"].numpy())
    assert m["miou"] == pytest.approx(ref["miou"])


def test_hand_computed_case():
    names = ("bg", "defect")
    gt = np.array([[0, 0, 1, 1], [0, 255, 1, 0]])
    pred = np.array([[0, 1, 1, 1], [0, 1, 0, 0]])
    m = segmentation_metrics(confusion_matrix([(SegmentationResult(gt, names), SegmentationResult(pred, names))]))
    # 7 counted pixels. bg: gt 4, pred 4, both 3 -> IoU 3/5. defect: gt 3, pred 3 (the
    # ignored pixel does not count), both 2 -> IoU 2/4.
    np.testing.assert_allclose(m["class_iou"], [0.6, 0.5])
    assert m["miou"] == pytest.approx(0.55)
    np.testing.assert_allclose(m["class_dice"], [6 / 8, 4 / 6])
    assert m["accuracy"] == pytest.approx(5 / 7)
    np.testing.assert_allclose(m["class_precision"], [3 / 4, 2 / 3])
    np.testing.assert_allclose(m["class_recall"], [3 / 4, 2 / 3])
    # PaddleSeg's kappa: po = 5/7, pe = (4*4 + 3*3) / 7^2
    po, pe = 5 / 7, 25 / 49
    assert m["kappa"] == pytest.approx((po - pe) / (1 - pe))


def test_confusion_matches_sklearn():
    pairs = random_pairs(7, grid_conf=False)
    cm = confusion_matrix(pairs)
    g = np.concatenate([gt.label_map.ravel() for gt, _ in pairs])
    p = np.concatenate([pred.label_map.ravel() for _, pred in pairs])
    keep = g != 255
    np.testing.assert_array_equal(cm[:, : len(NAMES)], sk_confusion(g[keep], p[keep], labels=range(len(NAMES))))


def test_empty_counts_are_undefined_not_zero():
    gt = np.full((3, 3), 255)
    m = segmentation_metrics(confusion_matrix([(SegmentationResult(gt, NAMES), SegmentationResult(gt * 0, NAMES))]))
    assert np.isnan(m["accuracy"]) and np.isnan(m["kappa"])
    assert m["miou"] == 0.0


def test_bins_are_exact_on_the_grid():
    grid = (np.arange(101) / 100).astype(np.float32)
    rng = np.random.default_rng(0)
    conf = np.concatenate([
        grid,
        np.nextafter(grid, np.float32(0))[1:],  # one ulp below each grid value
        np.nextafter(grid, np.float32(2)),  # one ulp above
        rng.random(5000).astype(np.float32),
        [np.float32(1.5), np.float32(np.inf), np.float32("nan")],
    ])
    pred = SegmentationResult(np.ones((1, len(conf)), np.uint8), ("bg", "d"), conf.reshape(1, -1))
    bins = confidence_bins(pred)
    for k in range(101):
        assert np.array_equal(bins >= k, ~(conf < grid[k])), k
    np.testing.assert_array_equal(bins, np.clip(np.searchsorted(grid, conf, side="right") - 1, 0, 100))
    assert bins[-1] == 100  # NaN is never filtered (NaN < t is False)


@pytest.mark.parametrize("seed", [3, 4, 5, 6])
def test_live_histogram_equals_filtering_first(seed):
    pairs = random_pairs(seed, n=5)
    acc = SegmentationAccumulator(NAMES)
    acc.add_many(pairs[:2])
    for gt, pred in pairs[2:]:
        acc.add(gt, pred)
    rng = np.random.default_rng(seed)
    trials = [None, 0.0, 1.0, 0.5, 0.01, 0.99]
    trials += [Thresholds(float(rng.integers(0, 101)) / 100,
                          {int(c): float(rng.integers(0, 101)) / 100 for c in rng.choice(6, 3, replace=False)})
               for _ in range(8)]
    trials.append(Thresholds(0.37, {0: 0.9}))  # the background threshold acts on prediction ignore pixels
    for t in trials:
        np.testing.assert_array_equal(acc.confusion(t), confusion_matrix(pairs, t), err_msg=str(t))


def test_live_histogram_with_ignore_pixels_in_prediction():
    gt = np.array([[1, 1, 0, 0]])
    pred = np.array([[255, 1, 255, 0]])
    conf = np.array([[0.2, 0.2, 0.8, 0.4]], np.float32)
    pairs = [(SegmentationResult(gt, ("bg", "d")), SegmentationResult(pred, ("bg", "d"), conf))]
    acc = SegmentationAccumulator(("bg", "d"))
    acc.add_many(pairs)
    for t in (0.1, 0.3, 0.9, Thresholds(0.5, {"d": 0.1})):
        np.testing.assert_array_equal(acc.confusion(t), confusion_matrix(pairs, t))


def test_mismatched_sizes_raise():
    a = SegmentationResult(np.zeros((2, 2), int), NAMES)
    b = SegmentationResult(np.zeros((2, 3), int), NAMES)
    with pytest.raises(ValueError):
        SegmentationAccumulator(NAMES).add(a, b)
