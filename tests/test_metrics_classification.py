"""Classification metrics against scikit-learn and a hand-computed case."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import confusion_matrix, precision_recall_fscore_support, top_k_accuracy_score

from inspectors.metrics.classification import ClassificationData, classification_metrics
from inspectors.results import ClassificationResult

NEU = ("crazing", "inclusion", "patches", "pitted_surface", "rolled-in_scale", "scratches")


def random_pairs(seed: int, n: int = 200, names=NEU):
    rng = np.random.default_rng(seed)
    c = len(names)
    gt_ids = rng.integers(0, c - 1, n)  # the last class is never ground truth
    logits = rng.normal(0, 1, (n, c))
    logits[np.arange(n), gt_ids] += 1.5
    probs = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    pairs = [(ClassificationResult.one_hot(int(g), names), ClassificationResult(p, names)) for g, p in zip(gt_ids, probs)]
    return pairs, gt_ids, probs


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_against_sklearn(seed):
    pairs, y, probs = random_pairs(seed)
    pred = probs.argmax(axis=1)
    m = classification_metrics(pairs, ks=(1, 2, 3))
    labels = list(range(len(NEU)))
    np.testing.assert_array_equal(m["confusion_matrix"], confusion_matrix(y, pred, labels=labels))
    prec, rec, _, support = precision_recall_fscore_support(y, pred, labels=labels, zero_division=np.nan)
    np.testing.assert_allclose([r["precision"] for r in m["per_class"]], prec, equal_nan=True)
    np.testing.assert_allclose([r["recall"] for r in m["per_class"]], rec, equal_nan=True)
    assert [r["support"] for r in m["per_class"]] == list(support)
    assert m["accuracy"] == pytest.approx(np.mean(pred == y))
    for k in (1, 2, 3):
        ref = top_k_accuracy_score(y, probs.astype(np.float32), k=k, labels=labels)
        assert m["topk"][str(k)] == pytest.approx(ref)
    macro_p, macro_r, _, _ = precision_recall_fscore_support(
        y, pred, labels=labels[:-1], average="macro", zero_division=np.nan
    )
    assert m["macro_recall"] == pytest.approx(macro_r)


def test_hand_computed():
    names = ("ok", "scratch", "dent")
    rows = [  # (gt, probabilities)
        (0, [0.7, 0.2, 0.1]),
        (1, [0.1, 0.6, 0.3]),
        (1, [0.5, 0.1, 0.4]),  # top-2 wrong too: rank 3
        (2, [0.2, 0.5, 0.3]),  # top-2 right
    ]
    pairs = [(ClassificationResult.one_hot(g, names), ClassificationResult(p, names)) for g, p in rows]
    m = classification_metrics(pairs, ks=(1, 2, 5))
    assert m["accuracy"] == pytest.approx(0.5)
    assert m["topk"]["2"] == pytest.approx(0.75)
    assert m["topk"]["3"] == pytest.approx(1.0)  # k is capped at the number of classes
    assert m["confusion_matrix"] == [[1, 0, 0], [1, 1, 0], [0, 1, 0]]
    p = [r["precision"] for r in m["per_class"]]
    r = [r["recall"] for r in m["per_class"]]
    assert p[:2] == pytest.approx([0.5, 0.5]) and np.isnan(p[2])  # "dent" never predicted
    assert r == pytest.approx([1.0, 0.5, 0.0])
    data = ClassificationData(pairs)
    assert data.misclassified().tolist() == [2, 3]
    assert data.misclassified(gt_class=2, pred_class=1).tolist() == [3]


def test_topk_ties_follow_result_topk():
    names = ("a", "b", "c")
    pairs = [(ClassificationResult.one_hot(2, names), ClassificationResult([0.4, 0.3, 0.3], names))]
    ranked = [i for i, _, _ in pairs[0][1].topk(3)]
    data = ClassificationData(pairs)
    assert data.topk_accuracy(2) == float(2 in ranked[:2])
