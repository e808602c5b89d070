"""evaluate() / LiveEvaluator: JSON output, and the live path equal to filter-then-compute."""

from __future__ import annotations

import json

import numpy as np
import pytest

from inspectors.metrics import LiveEvaluator, coco_map, evaluate, voc_map
from inspectors.metrics.segmentation import confusion_matrix, segmentation_metrics
from inspectors.results import (
    ClassificationResult,
    DetectionResult,
    SegmentationResult,
    Thresholds,
)

DET = ("scratch", "dent", "stain")
SEG = ("background", "scratch", "dent", "stain")
CLS = ("ok", "scratch", "dent")


def det_pairs(seed, n=40):
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n):
        g = int(rng.integers(0, 3))
        xy = rng.uniform(0, 100, (g, 2))
        gb = np.hstack([xy, xy + rng.uniform(10, 40, (g, 2))])
        gc = rng.integers(0, 3, g)
        pb = np.vstack([gb + rng.normal(0, 2, gb.shape), np.hstack([xy[:1] + 50, xy[:1] + 70])])
        pc = np.r_[gc, rng.integers(0, 3, min(g, 1))]
        pb[:, 2:] = np.maximum(pb[:, 2:], pb[:, :2] + 1)
        scores = rng.integers(0, 101, len(pb)) / 100
        out.append((DetectionResult(gb, np.ones(g), gc, DET, (200, 200)),
                    DetectionResult(pb, scores, pc, DET, (200, 200))))
    return out


def seg_pairs(seed, n=12):
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n):
        gt = np.zeros((16, 16), int)
        if rng.random() < 0.7:
            y, x = rng.integers(0, 12, 2)
            gt[y:y + 4, x:x + 4] = rng.integers(1, 4)
        pred = np.where(rng.random((16, 16)) < 0.9, gt, rng.integers(0, 4, (16, 16)))
        conf = (rng.integers(0, 101, (16, 16)) / 100).astype(np.float32)
        out.append((SegmentationResult(gt, SEG), SegmentationResult(pred, SEG, conf)))
    return out


def cls_pairs(seed, n=50):
    rng = np.random.default_rng(seed)
    p = rng.dirichlet(np.ones(3), n)
    return [(ClassificationResult.one_hot(int(g), CLS), ClassificationResult(q, CLS))
            for g, q in zip(rng.integers(0, 3, n), p)]


TRIALS = [None, 0.25, 0.6, Thresholds(0.3, {"dent": 0.8}), Thresholds(0.9, {0: 0.05, "stain": 0.5})]


def image_level_direct(pairs, t):
    hit = np.array([p.is_defective(t) for _, p in pairs])
    gt = np.array([g.is_defective() if g.task != "classification" else g.class_id not in g.clean_ids
                   for g, _ in pairs])
    return hit[gt].mean() if gt.any() else None, hit[~gt].mean() if (~gt).any() else None


@pytest.mark.parametrize("seed", [0, 1])
def test_live_detection_equals_direct(seed):
    pairs = det_pairs(seed)
    live = LiveEvaluator(pairs)
    for t in TRIALS:
        got = live.at(t)
        ref = voc_map(pairs, t)
        assert got["metrics"]["voc_map"]["area"] == pytest.approx(ref["voc_map"]["area"])
        assert got["metrics"]["voc_map"]["11point"] == pytest.approx(ref["voc_map"]["11point"])
        assert [r["tp"] for r in got["metrics"]["per_class"]] == [r["tp"] for r in ref["per_class"]]
        assert got["metrics"]["coco"]["map"] == pytest.approx(coco_map(pairs, t)["map"], abs=1e-12)
        il = got["image_level"]
        assert (il["recall"], il["false_positive_rate"]) == pytest.approx(image_level_direct(pairs, t))


@pytest.mark.parametrize("seed", [0, 1])
def test_live_segmentation_equals_direct(seed):
    pairs = seg_pairs(seed)
    live = LiveEvaluator(pairs)
    trials = [None, 0.25, 0.6, Thresholds(0.3, {"dent": 0.8}), Thresholds(0.9, {0: 0.05, "stain": 0.5})]
    for t in trials:
        got = live.at(t)
        ref = segmentation_metrics(confusion_matrix(pairs, t))
        assert got["metrics"]["miou"] == pytest.approx(ref["miou"])
        assert got["metrics"]["kappa"] == pytest.approx(ref["kappa"])
        assert [r["iou"] for r in got["metrics"]["per_class"]] == pytest.approx(list(ref["class_iou"]))
        il = got["image_level"]
        assert (il["recall"], il["false_positive_rate"]) == pytest.approx(image_level_direct(pairs, t))


def test_segmentation_thresholds_snap_to_grid():
    pairs = seg_pairs(3)
    live = LiveEvaluator(pairs)
    got = live.at(0.504)
    assert got["thresholds"]["effective"] == [0.5] * len(SEG)
    assert got["metrics"]["miou"] == pytest.approx(segmentation_metrics(confusion_matrix(pairs, 0.5))["miou"])


def test_live_classification_and_image_level():
    pairs = cls_pairs(0)
    live = LiveEvaluator(pairs)
    for t in TRIALS:
        got = live.at(t)
        il = got["image_level"]
        assert (il["recall"], il["false_positive_rate"]) == pytest.approx(image_level_direct(pairs, t))
        assert got["metrics"]["accuracy"] == pytest.approx(
            np.mean([g.class_id == p.class_id for g, p in pairs]))


@pytest.mark.parametrize("maker", [det_pairs, seg_pairs, cls_pairs])
def test_evaluate_is_json(maker):
    pairs = maker(5)
    out = evaluate(pairs, thresholds=Thresholds(0.4, {"dent": 0.7}), image_ids=[f"{i}.png" for i in range(len(pairs))])
    text = json.dumps(out, allow_nan=False)
    back = json.loads(text)
    assert back["task"] == pairs[0][0].task and back["num_images"] == len(pairs)
    assert len(back["image_level_curve"]["recall"]) == 101
    assert set(back["operating_points"]) == {"min_recall", "lowest_fpr", "highest_threshold"}
    assert {"metrics", "image_level", "thresholds", "per_image_errors"} <= set(back)
    if back["task"] == "detection":
        live = LiveEvaluator(pairs).at(Thresholds(0.4, {"dent": 0.7}))
        assert back["metrics"]["coco"]["map"] == pytest.approx(live["metrics"]["coco"]["map"], abs=1e-12)
        assert len(back["metrics"]["pr_curves"]) == len(DET)


def test_undefined_values_become_null():
    gt = DetectionResult([[0, 0, 9, 9]], [1], [0], DET, (20, 20))
    out = evaluate([(gt, DetectionResult.empty(DET, (20, 20)))])
    json.dumps(out, allow_nan=False)
    assert out["image_level"]["false_positive_rate"] is None  # no defect-free image
    assert out["metrics"]["per_class"][1]["ap_area"] is None  # no ground truth of "dent"
    assert out["metrics"]["voc_map"]["area"] == 0.0


def test_image_filters():
    pairs = det_pairs(2)
    live = LiveEvaluator(pairs, coco=False)
    hit = np.array([p.is_defective(0.5) for _, p in pairs])
    gt = np.array([len(g) > 0 for g, _ in pairs])
    assert live.images_with(0.5, "image_false_positive").tolist() == np.flatnonzero(hit & ~gt).tolist()
    assert live.images_with(0.5, "image_missed").tolist() == np.flatnonzero(~hit & gt).tolist()
    assert set(live.images_with(0.5, "missed")) >= set(np.flatnonzero(~hit & gt))
    with pytest.raises(ValueError):
        live.images_with(0.5, "nonsense")


def test_mixed_class_lists_are_rejected():
    gt = DetectionResult.empty(DET, (9, 9))
    with pytest.raises(ValueError, match="class names differ"):
        LiveEvaluator([(gt, DetectionResult.empty(("a", "b", "c"), (9, 9)))])
    with pytest.raises(ValueError):
        evaluate([])
