"""Semantic-segmentation metrics as PaddleSeg defines them, with a live threshold path.

The definitions follow ``paddleseg.utils.metrics`` (calculate_area, mean_iou, dice,
class_measurement, kappa): pixels whose ground truth is ``ignore_index`` are dropped;
every class, background 0 included, enters the means, a class absent from both
ground truth and prediction counting as IoU 0 and Dice 0, exactly as PaddleSeg does.

Live thresholds: :class:`SegmentationAccumulator` keeps, summed over images,
``counts[gt_class, pred_column, conf_bin]``. Column ``C`` holds prediction pixels
outside ``0..C-1`` (an ignore value in a prediction), which PaddleSeg counts in no
class. Bin ``k`` (0..100) holds the pixels whose confidence ``c`` (float32) satisfies
``k/100 <= c < (k+1)/100`` with the bounds taken as float32, so "``c >= t``" is
exact for every threshold ``t`` on the 0.01 grid; other thresholds are snapped to
the nearest grid value. Predictions without confidence count as confidence 1.0.
"""

from __future__ import annotations

from typing import Dict, Iterable, Optional, Sequence

import numpy as np

from inspectors.metrics._common import (
    GRID32,
    Pair,
    ThresholdsLike,
    snap_to_grid,
    threshold_vector,
)
from inspectors.results import SegmentationResult

N_BINS = 101


_EDGES = np.append(GRID32, np.float32(np.inf))  # bin k holds EDGES[k] <= c < EDGES[k+1]


def bin_confidences(conf: np.ndarray) -> np.ndarray:
    """Bins (0..100) of float32 confidences: ``c >= float32(k/100)`` iff ``bin >= k``.

    ``floor(c * 100)`` is off by at most one from the exact bin (float32 rounding of
    k/100), so one comparison with each neighbouring edge makes it exact, without
    an epsilon. NaN lands in bin 100 (never filtered, as ``NaN < t`` is False);
    confidences below 0 are invalid and are put in bin 0.
    """
    c = np.asarray(conf, np.float32).ravel()
    x = np.multiply(c, np.float32(100.0))
    np.floor(x, out=x)
    nan = np.isnan(c)
    if nan.any():
        x[nan] = N_BINS - 1
    np.clip(x, 0, N_BINS - 1, out=x)
    b = x.astype(np.int32)
    b -= c < _EDGES[b]
    b += c >= _EDGES[b + 1]
    np.clip(b, 0, N_BINS - 1, out=b)
    return b


def confidence_bins(pred: SegmentationResult) -> np.ndarray:
    """Flat array of confidence bins per pixel; no confidence counts as 1.0 (bin 100)."""
    if pred.confidence is None:
        return np.full(pred.label_map.size, N_BINS - 1, np.int64)
    return bin_confidences(pred.confidence)


def _flat_index(gt: SegmentationResult, pred: SegmentationResult, num_classes: int) -> np.ndarray:
    """Index into the flattened (C, C+1, 101) histogram for each non-ignored pixel."""
    if gt.label_map.shape != pred.label_map.shape:
        raise ValueError(
            f"ground truth {gt.label_map.shape} and prediction {pred.label_map.shape} "
            "label maps differ in size"
        )
    g = gt.label_map.ravel().astype(np.int64)
    p = pred.label_map.ravel().astype(np.int64)
    b = confidence_bins(pred)
    keep = g != gt.ignore_index
    g, p, b = g[keep], p[keep], b[keep]
    p = np.where(p < num_classes, p, num_classes)
    return (g * (num_classes + 1) + p) * N_BINS + b


def image_histogram(
    gt: SegmentationResult, pred: SegmentationResult, num_classes: Optional[int] = None
) -> np.ndarray:
    """``counts[gt_class, pred_column, conf_bin]`` for one image (int64)."""
    c = num_classes or len(gt.class_names)
    idx = _flat_index(gt, pred, c)
    return np.bincount(idx, minlength=c * (c + 1) * N_BINS).reshape(c, c + 1, N_BINS)


class SegmentationAccumulator:
    """Per-image histograms summed once; confusion matrices at any threshold after.

    >>> acc = SegmentationAccumulator(names); acc.add_many(pairs)
    >>> cm = acc.confusion(Thresholds(0.5, {"scratch": 0.7}))
    """

    def __init__(self, class_names: Sequence[str], background_id: int = 0) -> None:
        self.class_names = tuple(class_names)
        self.num_classes = len(self.class_names)
        self.background_id = int(background_id)
        c = self.num_classes
        self.counts = np.zeros((c, c + 1, N_BINS), np.int64)
        self._cum: Optional[np.ndarray] = None

    def add(self, gt: SegmentationResult, pred: SegmentationResult) -> None:
        self.counts += image_histogram(gt, pred, self.num_classes)
        self._cum = None

    def add_many(self, pairs: Iterable[Pair], chunk_pixels: int = 1 << 22) -> None:
        """Add many images, binning ~4 M pixels per numpy call (fast for small maps)."""
        c = self.num_classes
        size = c * (c + 1) * N_BINS
        gts, preds, confs, ignores, n = [], [], [], [], 0

        def flush() -> None:
            g = np.concatenate(gts).astype(np.int32)
            p = np.concatenate(preds).astype(np.int32)
            np.minimum(p, c, out=p)
            b = bin_confidences(np.concatenate(confs))
            ign = ignores[0] if len(set(ignores)) == 1 else np.repeat(ignores, [len(x) for x in gts])
            keep = g != ign
            idx = (g * (c + 1) + p) * N_BINS + b
            self.counts += np.bincount(idx[keep], minlength=size).reshape(self.counts.shape)

        for gt, pred in pairs:
            if gt.label_map.shape != pred.label_map.shape:
                raise ValueError(
                    f"ground truth {gt.label_map.shape} and prediction {pred.label_map.shape} "
                    "label maps differ in size"
                )
            gts.append(gt.label_map.ravel())
            preds.append(pred.label_map.ravel())
            conf = pred.confidence
            confs.append(np.ones(pred.label_map.size, np.float32) if conf is None else conf.ravel())
            ignores.append(gt.ignore_index)
            n += gts[-1].size
            if n >= chunk_pixels:
                flush()
                gts, preds, confs, ignores, n = [], [], [], [], 0
        if gts:
            flush()
        self._cum = None

    def confusion(self, thresholds: ThresholdsLike) -> np.ndarray:
        """Extended confusion matrix (C, C+1) after filtering at ``thresholds``.

        The rule of ``SegmentationResult.filtered``: a pixel of any non-background
        column whose confidence is below its class threshold becomes background;
        the extra column (prediction outside the class range) uses the background
        class's threshold, as ``filtered`` does.
        """
        if self._cum is None:
            self._cum = np.cumsum(self.counts, axis=2)
        cum = self._cum
        bg = self.background_id
        k = snap_to_grid(threshold_vector(thresholds, self.class_names))
        col_k = np.append(k, k[bg])
        col_k[bg] = 0  # background pixels are never moved
        cols = np.arange(self.num_classes + 1)
        below = np.where(col_k > 0, cum[:, cols, np.maximum(col_k - 1, 0)], 0)
        cm = cum[:, :, -1] - below
        cm[:, bg] += below.sum(axis=1)
        return cm


def confusion_matrix(pairs: Iterable[Pair], thresholds: ThresholdsLike = None) -> np.ndarray:
    """Direct path: filter every prediction, then count the extended (C, C+1) matrix."""
    cm = None
    for gt, pred in pairs:
        c = len(gt.class_names)
        if cm is None:
            cm = np.zeros((c, c + 1), np.int64)
        p = pred.filtered(thresholds) if thresholds is not None else pred
        g = gt.label_map.ravel().astype(np.int64)
        q = p.label_map.ravel().astype(np.int64)
        if g.shape != q.shape:
            raise ValueError("ground truth and prediction label maps differ in size")
        keep = g != gt.ignore_index
        g, q = g[keep], q[keep]
        q = np.where(q < c, q, c)
        cm += np.bincount(g * (c + 1) + q, minlength=c * (c + 1)).reshape(c, c + 1)
    if cm is None:
        raise ValueError("no pairs")
    return cm


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """num / den per class, 0 where den is 0 (PaddleSeg's convention)."""
    num = np.asarray(num, np.float64)
    den = np.asarray(den, np.float64)
    return np.divide(num, den, out=np.zeros_like(num), where=den != 0)


def areas(cm: np.ndarray) -> Dict[str, np.ndarray]:
    """intersect / pred / label areas per class, PaddleSeg's ``calculate_area`` outputs."""
    c = cm.shape[0]
    inner = cm[:, :c]
    return {
        "intersect_area": np.diag(inner).astype(np.int64),
        "pred_area": inner.sum(axis=0).astype(np.int64),
        "label_area": cm.sum(axis=1).astype(np.int64),
    }


def segmentation_metrics(cm: np.ndarray) -> Dict[str, object]:
    """mIoU, Dice, accuracy, Kappa, class precision / recall from a confusion matrix.

    ``accuracy`` is PaddleSeg's mean accuracy (sum of intersections / sum of
    predicted areas); NaN where it, or Kappa, is undefined (no counted pixels).
    """
    a = areas(cm)
    inter, pred, label = a["intersect_area"], a["pred_area"], a["label_area"]
    class_iou = _ratio(inter, pred + label - inter)
    class_dice = _ratio(2 * inter, pred + label)
    total_pred = float(pred.sum())
    total = float(label.sum())
    acc = float(inter.sum()) / total_pred if total_pred else float("nan")
    if total:
        po = float(inter.sum()) / total
        pe = float(np.sum(pred.astype(np.float64) * label.astype(np.float64))) / (total * total)
        kappa = (po - pe) / (1 - pe) if pe != 1 else float("nan")
    else:
        kappa = float("nan")
    return {
        "miou": float(np.mean(class_iou)),
        "class_iou": class_iou,
        "mdice": float(np.mean(class_dice)),
        "class_dice": class_dice,
        "accuracy": acc,
        "class_precision": _ratio(inter, pred),
        "class_recall": _ratio(inter, label),
        "kappa": kappa,
        **a,
    }


def segmentation_summary(cm: np.ndarray, class_names: Sequence[str]) -> dict:
    """The JSON-ready block of the evaluation report for segmentation."""
    m = segmentation_metrics(cm)
    per_class = [
        {
            "class_id": i,
            "class_name": name,
            "iou": float(m["class_iou"][i]),
            "dice": float(m["class_dice"][i]),
            "precision": float(m["class_precision"][i]),
            "recall": float(m["class_recall"][i]),
            "pixels_gt": int(m["label_area"][i]),
            "pixels_pred": int(m["pred_area"][i]),
            "pixels_correct": int(m["intersect_area"][i]),
        }
        for i, name in enumerate(class_names)
    ]
    c = cm.shape[0]
    return {
        "miou": m["miou"],
        "mdice": m["mdice"],
        "accuracy": m["accuracy"],
        "kappa": m["kappa"],
        "per_class": per_class,
        "confusion_matrix": cm[:, :c].tolist(),
        "pixels_predicted_outside_classes": cm[:, c].tolist(),
    }
