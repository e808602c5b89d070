"""Image classification metrics: top-1 / top-k accuracy, confusion, per-class P/R.

These do not depend on the confidence threshold (thresholds only decide whether an
image is reported as defective, see ``image_level``). Ground truth is a one-hot
ClassificationResult; its class is its arg-max. Ties in top-k follow
``ClassificationResult.topk`` (stable order: the lower class id first).
"""

from __future__ import annotations

from typing import Optional, Sequence

import numpy as np

from inspectors.metrics._common import Pair, safe_div


class ClassificationData:
    """Ground-truth ids and predicted probabilities of a dataset, as arrays."""

    def __init__(self, pairs: Sequence[Pair]) -> None:
        if not len(pairs):
            raise ValueError("no pairs")
        self.class_names = pairs[0][0].class_names
        self.gt = np.array([gt.class_id for gt, _ in pairs], np.int64)
        self.probs = np.stack([pred.probabilities for _, pred in pairs]).astype(np.float32)
        self.pred = np.argmax(self.probs, axis=1)
        # rank of the ground-truth class in each stable top-k ordering (0 = top-1)
        order = np.argsort(-self.probs, axis=1, kind="stable")
        self.gt_rank = np.argmax(order == self.gt[:, None], axis=1)

    @property
    def num_classes(self) -> int:
        return len(self.class_names)

    def topk_accuracy(self, k: int) -> float:
        return float(np.mean(self.gt_rank < k))

    def confusion(self) -> np.ndarray:
        """(C, C) counts, rows = ground truth, columns = prediction."""
        c = self.num_classes
        return np.bincount(self.gt * c + self.pred, minlength=c * c).reshape(c, c)

    def misclassified(self, gt_class: Optional[int] = None, pred_class: Optional[int] = None) -> np.ndarray:
        """Indices of wrongly classified images, optionally for one (gt, pred) cell."""
        m = self.gt != self.pred
        if gt_class is not None:
            m &= self.gt == gt_class
        if pred_class is not None:
            m &= self.pred == pred_class
        return np.flatnonzero(m)

    def summary(self, ks: Sequence[int] = (1, 5)) -> dict:
        """Accuracy, top-k, per-class precision / recall (NaN when undefined)."""
        cm = self.confusion()
        tp = np.diag(cm)
        per_class = []
        for i, name in enumerate(self.class_names):
            per_class.append({
                "class_id": i,
                "class_name": name,
                "support": int(cm[i].sum()),
                "num_pred": int(cm[:, i].sum()),
                "precision": safe_div(tp[i], cm[:, i].sum()),
                "recall": safe_div(tp[i], cm[i].sum()),
            })
        prec = np.array([r["precision"] for r in per_class])
        rec = np.array([r["recall"] for r in per_class])
        return {
            "accuracy": self.topk_accuracy(1),
            "topk": {str(min(k, self.num_classes)): self.topk_accuracy(k) for k in ks},
            "macro_precision": _nanmean(prec),
            "macro_recall": _nanmean(rec),
            "per_class": per_class,
            "confusion_matrix": cm.tolist(),
        }


def _nanmean(v: np.ndarray) -> float:
    v = v[~np.isnan(v)]
    return float(v.mean()) if len(v) else float("nan")


def classification_metrics(pairs: Sequence[Pair], ks: Sequence[int] = (1, 5)) -> dict:
    return ClassificationData(pairs).summary(ks)
