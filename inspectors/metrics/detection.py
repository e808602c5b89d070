"""VOC mAP@0.5 as PaddleDetection computes it, with a live threshold path.

Matching replicates ``ppdet.metrics.map_utils.DetectionMAP.update``: each prediction
takes the same-class ground-truth box of highest IoU (first one on ties); it is a
true positive if that IoU is strictly above 0.5 and the box is not taken yet, a
false positive otherwise; a prediction whose best box is *difficult* is dropped
(unless ``evaluate_difficult``), and difficult boxes do not count as ground truth.
ppdet processes an image's predictions in the order given; we sort them by score
first (stable), as the VOC devkit does, so the two agree for score-sorted model
output. Box convention: ``plus_one=True`` (default) is PaddleDetection's VOC pixel
convention, ``is_bbox_normalized=False``: width = x2 - x1 + 1; ``plus_one=False``
is the continuous convention (``is_bbox_normalized=True``, and COCO).

AP variants: ``'11point'`` (VOC2007, ppdet's ``map_type='11point'``), ``'area'``
(all-point interpolation, VOC2010+, ``ppdet.metrics.map_utils.compute_ap``) and
``'integral'`` (ppdet's ``map_type='integral'``: area under the raw, un-interpolated
precision steps). mAP averages the classes that have ground truth; a class with
ground truth and no prediction has AP 0; mAP is NaN (not ppdet's 0) without any.

Live: greedy matching in score order makes a prediction's TP flag independent of
the predictions below it, so the predictions kept at a threshold are a prefix of
each class's score-sorted list; per-class thresholds just cut each list elsewhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence

import numpy as np

from inspectors.metrics._common import GRID32, Pair, ThresholdsLike, safe_div, threshold_vector
from inspectors.results import DetectionResult

AP_METHODS = ("area", "11point", "integral")
BOX_CONVENTION = {
    True: "pixel boxes, width = x2 - x1 + 1 (PaddleDetection VOC, is_bbox_normalized=False)",
    False: "continuous boxes, width = x2 - x1 (is_bbox_normalized=True / COCO)",
}


def box_iou(a: np.ndarray, b: np.ndarray, plus_one: bool = True) -> np.ndarray:
    """IoU matrix (len(a), len(b)) in float64, ppdet's ``jaccard_overlap`` rule.

    Boxes that do not overlap in the strict sense (touching edges) get 0 even with
    the +1 convention, as in ppdet.
    """
    a = np.asarray(a, np.float64).reshape(-1, 4)
    b = np.asarray(b, np.float64).reshape(-1, 4)
    norm = 1.0 if plus_one else 0.0
    A, B = a[:, None, :], b[None, :, :]
    iw = (np.minimum(A[..., 2], B[..., 2]) - np.maximum(A[..., 0], B[..., 0])) + norm
    ih = (np.minimum(A[..., 3], B[..., 3]) - np.maximum(A[..., 1], B[..., 1])) + norm
    inter = iw * ih
    area_a = ((a[:, 2] - a[:, 0]) + norm) * ((a[:, 3] - a[:, 1]) + norm)
    area_b = ((b[:, 2] - b[:, 0]) + norm) * ((b[:, 3] - b[:, 1]) + norm)
    union = (area_a[:, None] + area_b[None, :]) - inter
    disjoint = (
        (A[..., 0] >= B[..., 2]) | (A[..., 2] <= B[..., 0]) | (A[..., 1] >= B[..., 3]) | (A[..., 3] <= B[..., 1])
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        iou = inter / union
    iou[disjoint] = 0.0
    return iou


@dataclass(frozen=True)
class ImageMatch:
    """VOC matching of one image; prediction arrays are in score-sorted order."""

    order: np.ndarray  # prediction indices, highest score first
    status: np.ndarray  # int8: 1 true positive, 0 false positive, -1 dropped (difficult)
    gt_index: np.ndarray  # best same-class ground-truth box, -1 if the class has none
    best_iou: np.ndarray  # IoU with it, -1.0 if none
    iou: np.ndarray  # (P, G) IoU of sorted predictions with all ground-truth boxes
    counted: np.ndarray  # bool per ground-truth box: False for difficult boxes (not ground truth)


def match_image(
    gt: DetectionResult,
    pred: DetectionResult,
    iou_threshold: float = 0.5,
    plus_one: bool = True,
    difficult: Optional[np.ndarray] = None,
    evaluate_difficult: bool = False,
) -> ImageMatch:
    """THE box matching of the project (mAP, error analysis, the diff view, evaluate's worst
    cases): ppdet's VOC rule as described in the module docstring, on one image."""
    order = np.argsort(-pred.scores, kind="stable")
    cls = pred.class_ids[order]
    iou = box_iou(pred.boxes[order], gt.boxes, plus_one)
    n_pred, n_gt = iou.shape
    status = np.zeros(n_pred, np.int8)
    hard = np.zeros(n_gt, bool) if difficult is None or evaluate_difficult else np.asarray(difficult, bool)
    if hard.shape != (n_gt,):
        raise ValueError(f"{hard.size} difficult flags for {n_gt} ground-truth boxes")
    if n_gt == 0:
        return ImageMatch(order, status, np.full(n_pred, -1), np.full(n_pred, -1.0), iou, ~hard)
    masked = np.where(cls[:, None] == gt.class_ids[None, :], iou, -1.0)
    best = masked.argmax(axis=1)
    best_iou = masked[np.arange(n_pred), best]
    best = np.where(best_iou >= 0, best, -1)
    taken = np.zeros(n_gt, bool)
    for i in np.flatnonzero(best_iou > iou_threshold):
        g = best[i]
        if hard[g]:
            status[i] = -1
        elif not taken[g]:
            taken[g] = True
            status[i] = 1
    return ImageMatch(order, status, best, best_iou, iou, ~hard)


@dataclass(frozen=True)
class BoxOutcomes:
    """:func:`match_image` of one image, back in the prediction's and ground truth's own order."""

    pred: np.ndarray  # int8 per prediction: 1 hit (true positive), 0 false positive, -1 ignored (difficult)
    gt_matched: np.ndarray  # bool per ground-truth box: a prediction matched it
    gt_counted: np.ndarray  # bool per ground-truth box: False for difficult boxes

    @property
    def missed(self) -> np.ndarray:
        """Ground-truth boxes no prediction matched (difficult boxes are never missed)."""
        return self.gt_counted & ~self.gt_matched

    def counts(self) -> tuple:
        """(true positives, false positives, false negatives)."""
        return int((self.pred == 1).sum()), int((self.pred == 0).sum()), int(self.missed.sum())


def box_outcomes(gt: DetectionResult, pred: DetectionResult, *args, **kwargs) -> BoxOutcomes:
    """Hit / false positive / ignored per prediction and matched / missed per ground-truth
    box: :func:`match_image` (same arguments) in the results' own order. Threshold ``pred``
    first (``pred.filtered(t)``): greedy score order makes that the metrics' cut at ``t``."""
    m = match_image(gt, pred, *args, **kwargs)
    status = np.empty(len(m.order), np.int8)
    status[m.order] = m.status
    matched = np.zeros(len(gt), bool)
    matched[m.gt_index[m.status == 1]] = True
    return BoxOutcomes(status, matched, m.counted)


def precision_recall(tp: np.ndarray, num_gt: int) -> tuple:
    """Cumulative precision and recall along score-sorted TP flags (float64)."""
    tpc = np.cumsum(np.asarray(tp, bool), dtype=np.int64)
    n = np.arange(1, len(tpc) + 1)
    precision = tpc / n
    recall = tpc / num_gt if num_gt else np.full(len(tpc), np.nan)
    return precision, recall


def average_precision(tp: np.ndarray, num_gt: int, method: str = "area") -> float:
    """AP of one class from its score-sorted TP flags; NaN without ground truth."""
    if method not in AP_METHODS:
        raise ValueError(f"unknown AP method {method!r}; use one of {AP_METHODS}")
    if num_gt == 0:
        return float("nan")
    if len(tp) == 0:
        return 0.0
    precision, recall = precision_recall(tp, num_gt)
    envelope = np.maximum.accumulate(precision[::-1])[::-1]
    if method == "11point":
        idx = np.searchsorted(recall, np.arange(11) / 10.0, side="left")
        vals = [float(envelope[i]) if i < len(tp) else 0.0 for i in idx]
        return sum(vals) / 11.0
    hits = np.flatnonzero(tp)
    if not len(hits):
        return 0.0
    gaps = np.diff(recall[hits], prepend=0.0)
    steps = envelope[hits] if method == "area" else precision[hits]
    return float(np.sum(gaps * steps))


class DetectionMatches:
    """Threshold-free VOC matching of a dataset, kept per class in score order."""

    def __init__(
        self,
        pairs: Sequence[Pair],
        iou_threshold: float = 0.5,
        plus_one: bool = True,
        difficult: Optional[Sequence[np.ndarray]] = None,
        evaluate_difficult: bool = False,
    ) -> None:
        if not len(pairs):
            raise ValueError("no pairs")
        self.class_names = pairs[0][0].class_names
        self.iou_threshold = float(iou_threshold)
        self.plus_one = bool(plus_one)
        c = len(self.class_names)
        self.images: List[ImageMatch] = []
        self.num_gt = np.zeros(c, np.int64)
        scores, flags, cls_ids = [], [], []
        for i, (gt, pred) in enumerate(pairs):
            diff = None if difficult is None else np.asarray(difficult[i], bool)
            m = match_image(gt, pred, iou_threshold, plus_one, diff, evaluate_difficult)
            self.images.append(m)
            self.num_gt += np.bincount(gt.class_ids[m.counted], minlength=c)
            keep = m.status >= 0
            scores.append(pred.scores[m.order][keep])
            flags.append(m.status[keep] == 1)
            cls_ids.append(pred.class_ids[m.order][keep])
        s, f, k = np.concatenate(scores), np.concatenate(flags), np.concatenate(cls_ids)
        self.scores: List[np.ndarray] = []  # per class, descending float32
        self.tp: List[np.ndarray] = []  # per class, bool, same order
        for cid in range(c):
            sel = k == cid
            order = np.argsort(-s[sel], kind="stable")
            self.scores.append(s[sel][order])
            self.tp.append(f[sel][order])
        self._neg = [-x for x in self.scores]
        self._tpc = [np.concatenate(([0], np.cumsum(t, dtype=np.int64))) for t in self.tp]

    def kept(self, thresholds: ThresholdsLike) -> np.ndarray:
        """Number of predictions per class with score >= its threshold (float32)."""
        thr = threshold_vector(thresholds, self.class_names)
        return np.array([np.searchsorted(n, -t, side="right") for n, t in zip(self._neg, thr)], np.int64)

    def summary(self, thresholds: ThresholdsLike = None, methods: Sequence[str] = ("area", "11point")) -> dict:
        """mAP per method, counts, precision / recall per class at ``thresholds``."""
        n = self.kept(thresholds)
        per_class = []
        aps: Dict[str, List[float]] = {m: [] for m in methods}
        tot = np.zeros(3, np.int64)
        for cid, name in enumerate(self.class_names):
            k, g = int(n[cid]), int(self.num_gt[cid])
            tp = int(self._tpc[cid][k])
            row = {
                "class_id": cid, "class_name": name, "num_gt": g, "num_pred": k,
                "tp": tp, "fp": k - tp, "fn": g - tp,
                "precision": safe_div(tp, k), "recall": safe_div(tp, g),
            }
            for m in methods:
                row[f"ap_{m}"] = average_precision(self.tp[cid][:k], g, m)
                if g:
                    aps[m].append(row[f"ap_{m}"])
            tot += (tp, k - tp, g - tp)
            per_class.append(row)
        tp, fp, fn = (int(v) for v in tot)
        return {
            "iou_threshold": self.iou_threshold,
            "box_convention": BOX_CONVENTION[self.plus_one],
            "voc_map": {m: float(np.mean(v)) if v else float("nan") for m, v in aps.items()},
            "totals": {
                "num_gt": tp + fn, "num_pred": tp + fp, "tp": tp, "fp": fp, "fn": fn,
                "precision": safe_div(tp, tp + fp), "recall": safe_div(tp, tp + fn),
            },
            "per_class": per_class,
        }

    def pr_curves(self, grid: np.ndarray = GRID32) -> List[dict]:
        """Per class precision / recall when thresholding at each score in ``grid``."""
        out = []
        for cid, name in enumerate(self.class_names):
            n = np.searchsorted(self._neg[cid], -np.asarray(grid, np.float32), side="right")
            tp = self._tpc[cid][n]
            g = int(self.num_gt[cid])
            with np.errstate(divide="ignore", invalid="ignore"):
                prec = np.where(n > 0, tp / np.maximum(n, 1), np.nan)
                rec = tp / g if g else np.full(len(n), np.nan)
            out.append({"class_id": cid, "class_name": name, "thresholds": np.asarray(grid, np.float64).round(6),
                        "precision": prec, "recall": rec})
        return out


def voc_map(
    pairs: Sequence[Pair],
    thresholds: ThresholdsLike = None,
    iou_threshold: float = 0.5,
    plus_one: bool = True,
    difficult: Optional[Sequence[np.ndarray]] = None,
    evaluate_difficult: bool = False,
) -> dict:
    """Direct path: filter each prediction at ``thresholds``, then match and compute."""
    filtered = [(gt, pred.filtered(thresholds)) for gt, pred in pairs]
    return DetectionMatches(filtered, iou_threshold, plus_one, difficult, evaluate_difficult).summary(
        None, AP_METHODS
    )
