"""Error analysis: what went wrong on which image, at a confidence threshold.

Detection: every prediction gets one kind, threshold-free (the same greedy score
order as the VOC matching in ``detection``, so "correct" = a VOC true positive):

* ``correct``           -- VOC true positive (same class, IoU > 0.5, box not taken);
* ``duplicate``         -- same class, IoU > 0.5, but the box was already taken;
* ``wrong_class``       -- IoU >= 0.5 with a ground-truth box of another class;
* ``poor_localisation`` -- same class, 0.1 <= IoU, not good enough for a match;
* ``background``        -- none of the above (IoU < 0.1 with every same-class box).

The first rule that applies wins. A ground-truth box is *missed* at a threshold
when no kept prediction matched it (difficult boxes are never missed: they are not
ground truth for the VOC metrics either). The diff view and ``evaluate``'s worst
cases use the same matching (``detection.box_outcomes``). Per-class confusion: rows are ground-truth
classes plus "background", columns predicted classes plus "missed".

Segmentation: class-agnostic defect regions (8-connected components); a predicted
region touching no ground-truth defect pixel is a false positive, a ground-truth
region touching no predicted defect pixel is missed.
"""

from __future__ import annotations

from typing import Dict, List, Optional, Sequence

import numpy as np

from inspectors.metrics._common import Pair, ThresholdsLike, threshold_vector
from inspectors.metrics.detection import DetectionMatches
from inspectors.results import SegmentationResult
from inspectors.rules.components import regions_of

KINDS = ("correct", "duplicate", "wrong_class", "poor_localisation", "background", "ignored")
CORRECT, DUPLICATE, WRONG_CLASS, POOR_LOC, BACKGROUND, IGNORED = range(6)
CATEGORIES = ("false_positive", "missed", "wrong_class", "poor_localisation", "duplicate", "background")


class DetectionErrors:
    """Per-prediction error kinds and per-box match scores, computed once."""

    def __init__(
        self,
        pairs: Sequence[Pair],
        matches: Optional[DetectionMatches] = None,
        low_iou: float = 0.1,
    ) -> None:
        matches = matches or DetectionMatches(pairs)
        self.class_names = matches.class_names
        self.num_images = len(pairs)
        thr = matches.iou_threshold
        img, cls, score, kind, row = [], [], [], [], []
        g_img, g_cls, g_score, g_counted = [], [], [], []
        for i, ((gt, pred), m) in enumerate(zip(pairs, matches.images)):
            c = pred.class_ids[m.order]
            s = pred.scores[m.order]
            k = np.full(len(c), BACKGROUND, np.int8)
            r = np.full(len(c), -1, np.int64)
            match_score = np.full(len(gt), -np.inf, np.float32)
            for j in range(len(c)):
                if m.status[j] == 1:
                    k[j], r[j] = CORRECT, c[j]
                    match_score[m.gt_index[j]] = s[j]
                elif m.status[j] < 0:
                    k[j] = IGNORED
                elif m.best_iou[j] > thr:
                    k[j] = DUPLICATE
                else:
                    other = np.where(gt.class_ids != c[j], m.iou[j], -1.0)
                    if len(other) and other.max() >= thr:
                        k[j], r[j] = WRONG_CLASS, gt.class_ids[int(np.argmax(other))]
                    elif m.best_iou[j] >= low_iou:
                        k[j] = POOR_LOC
            img.append(np.full(len(c), i))
            cls.append(c)
            score.append(s)
            kind.append(k)
            row.append(r)
            g_img.append(np.full(len(gt), i))
            g_cls.append(gt.class_ids)
            g_score.append(match_score)
            g_counted.append(m.counted)
        cat = np.concatenate
        self.det_image, self.det_class, self.det_score = cat(img), cat(cls).astype(np.int64), cat(score)
        self.det_kind, self.det_gt_class = cat(kind), cat(row)
        self.gt_image, self.gt_class, self.gt_match_score = cat(g_img), cat(g_cls).astype(np.int64), cat(g_score)
        self.gt_counted = cat(g_counted).astype(bool)  # difficult boxes are never missed

    def _masks(self, thresholds: ThresholdsLike) -> Dict[str, np.ndarray]:
        thr = threshold_vector(thresholds, self.class_names)
        kept = self.det_score >= thr[self.det_class]
        k = self.det_kind
        return {
            "false_positive": kept & (k != CORRECT) & (k != IGNORED),
            "wrong_class": kept & (k == WRONG_CLASS),
            "poor_localisation": kept & (k == POOR_LOC),
            "duplicate": kept & (k == DUPLICATE),
            "background": kept & (k == BACKGROUND),
            "correct": kept & (k == CORRECT),
        }

    def _missed(self, thresholds: ThresholdsLike) -> np.ndarray:
        thr = threshold_vector(thresholds, self.class_names)
        return self.gt_counted & ~(self.gt_match_score >= thr[self.gt_class])

    def per_image(self, thresholds: ThresholdsLike) -> np.ndarray:
        """Counts (num_images, len(CATEGORIES)) in the order of :data:`CATEGORIES`."""
        masks = self._masks(thresholds)
        masks["missed"] = self._missed(thresholds)
        out = np.zeros((self.num_images, len(CATEGORIES)), np.int64)
        for j, name in enumerate(CATEGORIES):
            where = self.gt_image if name == "missed" else self.det_image
            out[:, j] = np.bincount(where[masks[name]], minlength=self.num_images)
        return out

    def totals(self, thresholds: ThresholdsLike) -> dict:
        counts = self.per_image(thresholds)
        return {
            "boxes": {n: int(counts[:, j].sum()) for j, n in enumerate(CATEGORIES)},
            "images": {n: int((counts[:, j] > 0).sum()) for j, n in enumerate(CATEGORIES)},
        }

    def confusion(self, thresholds: ThresholdsLike) -> np.ndarray:
        """(C+1, C+1): rows gt class + background, columns pred class + missed."""
        c = len(self.class_names)
        masks = self._masks(thresholds)
        kept = masks["correct"] | masks["false_positive"]
        rows = np.where(self.det_gt_class >= 0, self.det_gt_class, c)[kept]
        cols = self.det_class[kept]
        missed = self._missed(thresholds)
        rows = np.concatenate([rows, self.gt_class[missed]])
        cols = np.concatenate([cols, np.full(int(missed.sum()), c)])
        return np.bincount(rows * (c + 1) + cols, minlength=(c + 1) ** 2).reshape(c + 1, c + 1)

    def images(self, thresholds: ThresholdsLike, category: str, class_id: Optional[int] = None) -> np.ndarray:
        """Indices of images with at least one error of ``category``.

        ``class_id`` restricts to predictions of that class (ground-truth boxes
        of that class for ``missed``).
        """
        if category not in CATEGORIES:
            raise ValueError(f"unknown category {category!r}; use one of {CATEGORIES}")
        if category == "missed":
            m, where, cls = self._missed(thresholds), self.gt_image, self.gt_class
        else:
            m, where, cls = self._masks(thresholds)[category], self.det_image, self.det_class
        if class_id is not None:
            m = m & (cls == class_id)
        return np.unique(where[m])

    def cell_images(self, thresholds: ThresholdsLike, gt_row: int, pred_col: int) -> np.ndarray:
        """Images contributing to one cell of :meth:`confusion` (row C = background, col C = missed)."""
        c = len(self.class_names)
        if pred_col == c:
            m = self._missed(thresholds) & (self.gt_class == gt_row)
            return np.unique(self.gt_image[m])
        masks = self._masks(thresholds)
        kept = masks["correct"] | masks["false_positive"]
        rows = np.where(self.det_gt_class >= 0, self.det_gt_class, c)
        return np.unique(self.det_image[kept & (rows == gt_row) & (self.det_class == pred_col)])

    def records(self, thresholds: ThresholdsLike, image_ids: Optional[Sequence[str]] = None) -> List[dict]:
        """One dict per image that has any error (JSON-ready)."""
        counts = self.per_image(thresholds)
        out = []
        for i in np.flatnonzero((counts[:, :2] > 0).any(axis=1)):
            rec = {"index": int(i), **{n: int(counts[i, j]) for j, n in enumerate(CATEGORIES)}}
            if image_ids is not None:
                rec["image"] = image_ids[i]
            out.append(rec)
        return out


def region_errors(
    gt: SegmentationResult, pred: SegmentationResult, thresholds: ThresholdsLike = None, min_area: int = 1
) -> Dict[str, int]:
    """Defect regions of one segmentation pair: counts of FP and missed regions."""
    gt_mask = gt.defect_mask()
    pred_mask = pred.filtered(thresholds).defect_mask() if thresholds is not None else pred.defect_mask()

    def regions(mask: np.ndarray, other: np.ndarray):
        n, labels, stats, _ = regions_of(mask)
        big = np.flatnonzero(stats[1:, 4] >= min_area) + 1  # column 4: cv2.CC_STAT_AREA
        touched = np.unique(labels[other & (labels > 0)])
        return len(big), int(np.isin(big, touched, invert=True).sum())

    n_gt, missed = regions(gt_mask, pred_mask)
    n_pred, fp = regions(pred_mask, gt_mask)
    return {"gt_regions": n_gt, "pred_regions": n_pred, "false_positive_regions": fp, "missed_regions": missed}


def segmentation_region_errors(
    pairs: Sequence[Pair], thresholds: ThresholdsLike = None, min_area: int = 1
) -> List[Dict[str, int]]:
    return [region_errors(gt, pred, thresholds, min_area) for gt, pred in pairs]
