"""Model A against model B (inspectors.metrics.compare): McNemar, the table, disagreement."""

import numpy as np
import pytest

from inspectors.metrics.compare import (
    correct,
    image_disagreement,
    mcnemar,
    mcnemar_exact,
    metric_table,
)
from inspectors.results import DetectionResult, Thresholds
from inspectors.rules import ImageVerdict


def test_mcnemar_hand_computed():
    # 1 vs 7 discordant: n = 8, P(X <= 1) = (1 + 8) / 256, two-sided 18 / 256
    assert mcnemar_exact(1, 7) == pytest.approx(18 / 256)
    assert mcnemar_exact(7, 1) == pytest.approx(18 / 256)
    # 0 vs 5: 2 / 32; equal counts: 1 (capped); no discordant image: 1
    assert mcnemar_exact(0, 5) == pytest.approx(2 / 32)
    assert mcnemar_exact(3, 3) == 1.0 and mcnemar_exact(0, 0) == 1.0


@pytest.mark.parametrize("b,c", [(1, 7), (0, 5), (12, 30), (40, 41), (0, 1), (100, 70)])
def test_mcnemar_matches_scipy_binomtest(b, c):
    stats = pytest.importorskip("scipy.stats")
    assert mcnemar_exact(b, c) == pytest.approx(stats.binomtest(b, b + c, 0.5).pvalue, rel=1e-9)


def test_mcnemar_counts_from_correctness():
    ok, rv, ng = int(ImageVerdict.OK), int(ImageVerdict.REVIEW), int(ImageVerdict.NG)
    gt = np.array([1, 1, 1, 0, 0, 0], bool)
    a = correct(np.array([ng, rv, ok, ok, ng, -1]), gt)  # right, right, escape, right, false reject, none
    b = correct(np.array([ok, ng, ng, ok, ok, ok]), gt)
    np.testing.assert_array_equal(a, [1, 1, 0, 1, 0, 0])
    np.testing.assert_array_equal(b, [0, 1, 1, 1, 1, 1])
    m = mcnemar(a, b)
    assert (m.both_right, m.a_only, m.b_only, m.both_wrong) == (2, 1, 3, 0)
    assert m.p_value == pytest.approx(2 * (1 + 4) / 16)


def _report(task, acc, per_class, recall, escapes):
    return {"task": task, "class_names": ["a", "b"],
            "metrics": {"accuracy": acc, "per_class": [{"recall": r} for r in per_class]},
            "image_level": {"recall": recall, "false_positive_rate": None},
            "decision": {"escapes": escapes}}


def test_metric_table_values_and_differences():
    t = metric_table([_report("classification", 0.8, [0.5, 1.0], 0.9, 3),
                      _report("classification", 0.6, [0.75, None], 1.0, 0)])
    rows = {r["metric"]: r for r in t["overall"]}
    assert rows["top-1 accuracy"]["values"] == [0.8, 0.6]
    assert rows["top-1 accuracy"]["diff"][0] == pytest.approx(-0.2)
    assert rows["escapes"]["diff"] == [-3.0]
    assert "image-level false-alarm rate" not in rows  # undefined for both: left out
    per = {r["class"]: r for r in t["per_class"]}
    assert per["a"]["diff"][0] == pytest.approx(0.25) and per["b"]["diff"] == [None]
    with pytest.raises(ValueError):
        metric_table([_report("classification", 1, [1, 1], 1, 0), {**_report("x", 1, [], 1, 0), "task": "detection"}])


def _det(boxes, classes, scores=None):
    boxes = np.array(boxes, np.float32).reshape(-1, 4)
    scores = np.ones(len(boxes), np.float32) if scores is None else np.array(scores, np.float32)
    return DetectionResult(boxes, scores, np.array(classes, np.int32), ("crack", "spot"), (100, 100))


def test_disagreement_by_the_box_matching():
    gt = _det([[10, 10, 30, 30], [50, 50, 80, 80]], [0, 1])
    a = _det([[10, 10, 30, 30], [50, 50, 80, 80]], [0, 1], [0.9, 0.8])  # finds both
    b = _det([[11, 11, 30, 30], [0, 0, 5, 5]], [0, 1], [0.9, 0.9])  # finds the crack, a false spot
    t = Thresholds(0.5)
    d = image_disagreement(a, b, ImageVerdict.NG, ImageVerdict.NG, ("crack", "spot"), ("crack", "spot"), t, t, gt)
    assert (d.verdict_differs, d.classes_differ, d.found_by_a_only, d.found_by_b_only) == (False, False, 1, 0)
    # B's threshold above its crack's score: it misses both; its own verdict OK
    d2 = image_disagreement(a, b, ImageVerdict.NG, ImageVerdict.OK, ("crack", "spot"), (), t, Thresholds(0.95), gt)
    assert (d2.verdict_differs, d2.classes_differ, d2.found_by_a_only) == (True, True, 2)
    assert d2.score > d.score > 0
    same = image_disagreement(a, a, ImageVerdict.NG, ImageVerdict.NG, ("crack",), ("crack",), t, t, gt)
    assert not same.any and same.score == 0
