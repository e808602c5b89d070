"""Image-level recall / false-positive rate: hand cases, edge cases, file and chart."""

from __future__ import annotations

import re

import numpy as np
import pytest

from inspectors.metrics.image_level import (
    NO_CLEAN,
    NO_DEFECTIVE,
    NO_PREDICTIONS,
    ImageLevelCurve,
    ImageScores,
    choose_operating_point,
    image_level_curve,
    plot_tp_fp,
    write_tp_fp_list,
)
from inspectors.results import (
    ClassificationResult,
    DetectionResult,
    SegmentationResult,
    Thresholds,
)

NAMES = ("scratch", "dent")
SIZE = (50, 50)


def det(scores, classes=None):
    n = len(scores)
    boxes = np.tile([[1.0, 1.0, 9.0, 9.0]], (n, 1))
    return DetectionResult(boxes, scores, classes if classes is not None else [0] * n, NAMES, SIZE)


def hand_pairs():
    """3 defective images (top scores 0.9, 0.5, none), 2 clean (0.3, none)."""
    defect = det([1.0])
    return [
        (defect, det([0.2, 0.9])),
        (defect, det([0.5])),
        (defect, det([])),
        (det([]), det([0.3, 0.1])),
        (det([]), det([])),
    ]


def at(curve, t):
    k = int(round(t * 100))
    return curve.recall[k], curve.false_positive_rate[k]


def test_hand_computed_curve():
    c = image_level_curve(hand_pairs())
    assert (c.num_defective, c.num_clean) == (3, 2)
    assert at(c, 0.0) == pytest.approx((2 / 3, 1 / 2))
    assert at(c, 0.3) == pytest.approx((2 / 3, 1 / 2))  # a score equal to the threshold counts
    assert at(c, 0.31) == pytest.approx((2 / 3, 0.0))
    assert at(c, 0.5) == pytest.approx((2 / 3, 0.0))
    assert at(c, 0.51) == pytest.approx((1 / 3, 0.0))
    assert at(c, 0.9) == pytest.approx((1 / 3, 0.0))
    assert at(c, 0.91) == pytest.approx((0.0, 0.0))
    assert len(c.thresholds) == 101 and c.thresholds[-1] == 1.0
    assert c.recalled[51] == 1 and c.false_positives[0] == 1


def test_score_zero_box_counts_at_threshold_zero():
    c = image_level_curve([(det([1.0]), det([0.0])), (det([]), det([]))])
    assert at(c, 0.0) == (1.0, 0.0)
    assert at(c, 0.01) == (0.0, 0.0)


def random_det_pairs(seed, n=60):
    rng = np.random.default_rng(seed)
    pairs = []
    for _ in range(n):
        gt = det([1.0] * int(rng.integers(0, 2)))
        k = int(rng.integers(0, 4))
        scores = (rng.integers(0, 101, k) / 100).astype(np.float32)  # exactly on the grid
        pairs.append((gt, det(scores, rng.integers(0, 2, k))))
    return pairs


@pytest.mark.parametrize("seed", [0, 1])
def test_curve_agrees_with_is_defective(seed):
    """Every point against the result types' own is_defective (an independent path)."""
    pairs = random_det_pairs(seed)
    c = image_level_curve(pairs)
    gt = np.array([len(g) > 0 for g, _ in pairs])
    for k, t in enumerate(np.arange(101) / 100):
        hit = np.array([p.is_defective(float(t)) for _, p in pairs])
        assert c.recall[k] == pytest.approx(hit[gt].mean()), t
        assert c.false_positive_rate[k] == pytest.approx(hit[~gt].mean()), t


@pytest.mark.parametrize("seed", [2, 3])
def test_per_class_thresholds_agree_with_is_defective(seed):
    pairs = random_det_pairs(seed)
    scores = ImageScores.from_pairs(pairs)
    for t in (Thresholds(0.5, {"dent": 0.9}), Thresholds(0.95, {0: 0.1}), 0.33):
        hit = np.array([p.is_defective(t) for _, p in pairs])
        np.testing.assert_array_equal(scores.predicted(t), hit)


def test_segmentation_and_classification_images():
    names = ("bg", "scratch")
    clean = SegmentationResult(np.zeros((4, 4), int), names)
    defect = SegmentationResult(np.eye(4, dtype=int), names)
    conf = np.full((4, 4), 0.4, np.float32)
    conf[0, 0] = 0.8
    pairs = [
        (defect, SegmentationResult(np.eye(4, dtype=int), names, conf)),  # best defect pixel 0.8
        (defect, SegmentationResult(np.zeros((4, 4), int), names, conf)),  # no defect pixel at all
        (clean, SegmentationResult(np.eye(4, dtype=int), names)),  # no confidence: 1.0
        (SegmentationResult(np.full((4, 4), 255), names), SegmentationResult(np.zeros((4, 4), int), names)),
    ]
    c = image_level_curve(pairs)
    assert (c.num_defective, c.num_clean) == (2, 2)
    assert at(c, 0.8) == (0.5, 0.5) and at(c, 0.81) == (0.0, 0.5) and at(c, 1.0) == (0.0, 0.5)

    cls = ("ok", "scratch", "dent")
    pairs = [
        (ClassificationResult.one_hot(1, cls), ClassificationResult([0.2, 0.7, 0.1], cls)),
        (ClassificationResult.one_hot(2, cls), ClassificationResult([0.6, 0.1, 0.3], cls)),  # top-1 "ok"
        (ClassificationResult.one_hot(0, cls), ClassificationResult([0.3, 0.1, 0.6], cls)),
    ]
    c = image_level_curve(pairs)
    assert at(c, 0.6) == (0.5, 1.0) and at(c, 0.61) == (0.5, 0.0) and at(c, 0.71) == (0.0, 0.0)
    assert ImageScores.from_pairs(pairs).at(Thresholds(0.5, {"dent": 0.65}))["false_positive_rate"] == 0.0


def test_edge_cases():
    no_clean = image_level_curve([(det([1.0]), det([0.5]))])
    assert np.isnan(no_clean.false_positive_rate).all() and NO_CLEAN in no_clean.notes
    assert at(no_clean, 0.5)[0] == 1.0
    all_clean = image_level_curve([(det([]), det([0.5])), (det([]), det([]))])
    assert np.isnan(all_clean.recall).all() and NO_DEFECTIVE in all_clean.notes
    assert at(all_clean, 0.5)[1] == 0.5
    nothing = image_level_curve([(det([1.0]), det([])), (det([]), det([]))])
    assert (nothing.recall == 0).all() and (nothing.false_positive_rate == 0).all()
    assert NO_PREDICTIONS in nothing.notes
    scores = ImageScores.from_pairs([(det([1.0]), det([0.5]))]).at(0.5)
    assert scores["recall"] == 1.0 and np.isnan(scores["false_positive_rate"])
    assert choose_operating_point(all_clean, 0.9) is None
    p = choose_operating_point(no_clean, 0.9, "lowest_fpr")  # undefined FPR: highest threshold
    assert p.threshold == 0.5 and p.recall == 1.0


def seed_curve():
    """Rows 0.85 .. 0.99 of PaddleX's published tp_fp_list.md (aluminium, seed 002)."""
    recall = [0.958904] * 8 + [0.955479] * 5 + [0.941781, 0.893836]
    fpr = [0.014815] * 5 + [0.007407] * 8 + [0.0, 0.0]
    t = np.round(np.arange(85, 100) / 100, 2)
    n = len(t)
    return ImageLevelCurve(t, np.array(recall), np.array(fpr), np.zeros(n), np.zeros(n), 292, 135)


def test_operating_point_reproduces_the_seed_choice():
    c = seed_curve()
    p = choose_operating_point(c, 0.95, "lowest_fpr")
    assert (p.threshold, p.recall, p.false_positive_rate) == (0.90, 0.958904, 0.007407)
    q = choose_operating_point(c, 0.95, "highest_threshold")
    assert (q.threshold, q.recall) == (0.97, 0.955479)
    assert choose_operating_point(c, 0.99) is None
    r = choose_operating_point(c, 0.9, "lowest_fpr")  # FPR 0 reachable at 0.98
    assert r.threshold == 0.98
    with pytest.raises(ValueError):
        choose_operating_point(c, 0.9, "best")


def test_tp_fp_list_format(tmp_path):
    path = write_tp_fp_list(tmp_path / "tp_fp_list.txt", image_level_curve(hand_pairs()))
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "| score | recall rate | false-positive rate |"
    assert lines[1] == "| -- | -- | -- |"
    assert len(lines) == 2 + 101
    row = re.compile(r"^\| \d\.\d{6} \| \d\.\d{6} \| \d\.\d{6} \|$")
    assert all(row.match(x) for x in lines[2:])
    assert lines[2 + 30] == "| 0.300000 | 0.666667 | 0.500000 |"
    assert lines[2 + 51] == "| 0.510000 | 0.333333 | 0.000000 |"
    nan_lines = write_tp_fp_list(tmp_path / "b.txt", image_level_curve([(det([1.0]), det([0.5]))]))
    assert nan_lines.read_text().splitlines()[2] == "| 0.000000 | 1.000000 | nan |"


def test_chart_is_written(tmp_path):
    c = image_level_curve(hand_pairs())
    p = choose_operating_point(c, 0.6)
    out = plot_tp_fp(tmp_path / "image-level_tp_fp.png", c, p, dpi=60)
    data = out.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 5000
    plot_tp_fp(tmp_path / "nan.png", image_level_curve([(det([1.0]), det([0.5]))]), dpi=40)
    assert (tmp_path / "nan.png").stat().st_size > 1000


def test_image_score_is_the_results_defect_score():
    rng = np.random.default_rng(4)
    names = ("bg", "scratch", "dent")
    preds = [p for _, p in random_det_pairs(5)]
    for _ in range(20):
        lm = rng.integers(0, 3, (6, 6))
        lm[rng.random((6, 6)) < 0.1] = 255
        preds.append(SegmentationResult(lm, names, rng.random((6, 6)).astype(np.float32)))
        preds.append(ClassificationResult(rng.dirichlet(np.ones(3)), ("ok", "scratch", "dent")))
    for p in preds:
        s = ImageScores.from_pairs([(p, p)]).image_scores[0]
        if np.isfinite(s):
            assert s == np.float32(p.defect_score())
        else:
            assert not p.is_defective(0.0)
