"""One evaluation entry point for the CLI and the GUI, and its live counterpart.

``evaluate(pairs, task, thresholds)`` returns a JSON-serialisable dict (NaN and
infinities become None: "undefined"). ``LiveEvaluator(pairs)`` precomputes every
threshold-free quantity once; ``at(thresholds)`` then returns the same live blocks
(``metrics``, ``image_level``, ``errors``) in milliseconds. Segmentation
thresholds are snapped to the 0.01 grid (see ``segmentation``); the snapped values
are reported under ``thresholds.effective``.
"""

from __future__ import annotations

from typing import Optional, Sequence

import numpy as np

from inspectors.metrics._common import (
    Pair,
    ThresholdsLike,
    as_thresholds,
    check_pairs,
    jsonable,
    snap_to_grid,
)
from inspectors.metrics.classification import ClassificationData
from inspectors.metrics.coco import CocoMatches, coco_map
from inspectors.metrics.detection import DetectionMatches
from inspectors.metrics.errors import CATEGORIES, DetectionErrors, segmentation_region_errors
from inspectors.metrics.image_level import ImageLevelCurve, ImageScores, choose_operating_point
from inspectors.metrics.segmentation import SegmentationAccumulator, segmentation_summary
from inspectors.results import Thresholds


class LiveEvaluator:
    """Built once from (ground truth, prediction) pairs; ``at(thresholds)`` is fast.

    ``coco=True`` also keeps a replica of pycocotools' matching so COCO mAP is
    live too (detection only; it costs construction time, not ``at()`` time).
    ``difficult``: optional per-image bool arrays over the ground-truth boxes
    (VOC difficult flags, PaddleDetection's handling).
    """

    def __init__(
        self,
        pairs: Sequence[Pair],
        task: Optional[str] = None,
        *,
        coco: bool = True,
        iou_threshold: float = 0.5,
        plus_one: bool = True,
        difficult: Optional[Sequence[np.ndarray]] = None,
        topk: Sequence[int] = (1, 5),
    ) -> None:
        self.task, self.class_names = check_pairs(pairs, task)
        self.num_images = len(pairs)
        self.scores = ImageScores.from_pairs(pairs)
        self.matches = self.coco = self.errors = self.segmentation = self.classification = None
        if self.task == "detection":
            self.matches = DetectionMatches(pairs, iou_threshold, plus_one, difficult)
            self.coco = CocoMatches(pairs) if coco else None
            self.errors = DetectionErrors(pairs, self.matches)
        elif self.task == "segmentation":
            self.segmentation = SegmentationAccumulator(self.class_names, pairs[0][1].background_id)
            self.segmentation.add_many(pairs)
        else:
            self.classification = ClassificationData(pairs)
            self._cls_summary = self.classification.summary(topk)

    @classmethod
    def from_segmentation_counts(
        cls,
        class_names: Sequence[str],
        background_id: int,
        counts: np.ndarray,
        gt_defective: np.ndarray,
        class_scores: np.ndarray,
    ) -> LiveEvaluator:
        """A segmentation evaluator from pixel histograms summed elsewhere (the app sums
        each image's share once and drops its masks: memory stays flat over a day's strips).

        ``counts``: (C, C + 1, 101) as :func:`segmentation.image_histogram` summed over the
        images; ``gt_defective`` (N,) and ``class_scores`` (N, C) as :class:`ImageScores`.
        """
        self = cls.__new__(cls)
        self.task, self.class_names = "segmentation", tuple(class_names)
        self.num_images = len(gt_defective)
        self.scores = ImageScores(np.asarray(gt_defective, bool), np.asarray(class_scores), self.class_names)
        self.matches = self.coco = self.errors = self.classification = None
        self.segmentation = SegmentationAccumulator(self.class_names, background_id)
        if counts.shape != self.segmentation.counts.shape:
            raise ValueError(f"counts of shape {counts.shape} for {len(self.class_names)} classes")
        self.segmentation.counts = counts.astype(np.int64)
        return self

    def effective(self, thresholds: ThresholdsLike) -> Thresholds:
        """The thresholds actually applied (segmentation: snapped to 0.01)."""
        t = as_thresholds(thresholds)
        if self.task != "segmentation":
            return t
        k = snap_to_grid(t.vector(self.class_names))
        return Thresholds(float(snap_to_grid([t.default])[0]) / 100, {i: float(v) / 100 for i, v in enumerate(k)})

    def at(self, thresholds: ThresholdsLike = None) -> dict:
        """Metrics, image-level rates and error counts at ``thresholds`` (JSON-ready)."""
        given = as_thresholds(thresholds)
        t = self.effective(given)
        out = {
            "task": self.task,
            "num_images": self.num_images,
            "class_names": list(self.class_names),
            "thresholds": {
                "default": given.default,
                "per_class": {str(k): float(v) for k, v in given.per_class.items()},
                "effective": [round(float(v), 6) for v in t.vector(self.class_names)],
            },
            "image_level": self.scores.at(t),
        }
        if self.task == "detection":
            metrics = self.matches.summary(t)
            if self.coco is not None:
                metrics["coco"] = self.coco.summary(t)
            out["metrics"] = metrics
            labels = [*self.class_names]
            out["errors"] = {
                **self.errors.totals(t),
                "confusion": {
                    "rows": [*labels, "background"],
                    "columns": [*labels, "missed"],
                    "matrix": self.errors.confusion(t),
                },
            }
        elif self.task == "segmentation":
            out["metrics"] = segmentation_summary(self.segmentation.confusion(t), self.class_names)
        else:
            out["metrics"] = self._cls_summary
            out["errors"] = {"misclassified": int(len(self.classification.misclassified()))}
        return jsonable(out)

    def curve(self) -> ImageLevelCurve:
        """Image-level recall / FPR for a global threshold 0.00 .. 1.00."""
        return self.scores.curve()

    def images_with(
        self, thresholds: ThresholdsLike, category: str, class_id: Optional[int] = None
    ) -> np.ndarray:
        """Image indices for a filter of the image list.

        Detection: a category of :data:`errors.CATEGORIES`. Every task:
        ``reported_defective``, ``recalled``, ``image_false_positive``,
        ``image_missed`` (defective ground truth not reported).
        """
        t = self.effective(thresholds)
        hit = self.scores.predicted(t)
        gt = self.scores.gt_defective
        image_level = {
            "reported_defective": hit,
            "recalled": hit & gt,
            "image_false_positive": hit & ~gt,
            "image_missed": ~hit & gt,
        }
        if category in image_level:
            return np.flatnonzero(image_level[category])
        if self.errors is None or category not in CATEGORIES:
            raise ValueError(f"unknown image filter {category!r} for {self.task}")
        return self.errors.images(t, category, class_id)


def evaluate(
    pairs: Sequence[Pair],
    task: Optional[str] = None,
    thresholds: ThresholdsLike = None,
    *,
    coco: bool = True,
    min_recall: float = 0.95,
    image_ids: Optional[Sequence[str]] = None,
    iou_threshold: float = 0.5,
    plus_one: bool = True,
    difficult: Optional[Sequence[np.ndarray]] = None,
) -> dict:
    """Full evaluation at ``thresholds``: live blocks plus curves and per-image errors.

    Detection COCO numbers come from pycocotools itself here (the live evaluator
    uses a replica). ``image_ids`` (e.g. file names) label the per-image records.
    """
    live = LiveEvaluator(
        pairs, task, coco=False, iou_threshold=iou_threshold, plus_one=plus_one, difficult=difficult
    )
    t = live.effective(thresholds)
    out = live.at(thresholds)
    curve = live.curve()
    out["image_level_curve"] = jsonable(curve.to_dict())
    points = {}
    for mode in ("lowest_fpr", "highest_threshold"):
        p = choose_operating_point(curve, min_recall, mode)
        points[mode] = None if p is None else jsonable(p.to_dict())
    out["operating_points"] = {"min_recall": min_recall, **points}
    if live.task == "detection":
        if coco:
            out["metrics"]["coco"] = jsonable(coco_map(pairs, t))
        out["metrics"]["pr_curves"] = jsonable(live.matches.pr_curves())
        out["per_image_errors"] = live.errors.records(t, image_ids)
    elif live.task == "segmentation":
        regions = segmentation_region_errors(pairs, t)
        keys = ("false_positive_regions", "missed_regions")
        out["errors"] = {
            "regions": {k: int(sum(r[k] for r in regions)) for k in (*keys, "gt_regions", "pred_regions")},
            "images": {k: int(sum(r[k] > 0 for r in regions)) for k in keys},
        }
        out["per_image_errors"] = [
            {"index": i, **r, **({"image": image_ids[i]} if image_ids is not None else {})}
            for i, r in enumerate(regions)
            if r["false_positive_regions"] or r["missed_regions"]
        ]
    else:
        data = live.classification
        out["per_image_errors"] = [
            {
                "index": int(i),
                "gt": live.class_names[data.gt[i]],
                "pred": live.class_names[data.pred[i]],
                "score": float(data.probs[i, data.pred[i]]),
                **({"image": image_ids[i]} if image_ids is not None else {}),
            }
            for i in data.misclassified()
        ]
    return jsonable(out)
