"""Evaluation metrics (numpy only, no Qt) for the three tasks, with live thresholds.

Entry points: :func:`evaluate` (CLI / report) and :class:`LiveEvaluator` (GUI
slider). Modules: ``segmentation`` (PaddleSeg metrics, confidence histograms),
``detection`` (VOC mAP as PaddleDetection), ``coco`` (pycocotools),
``classification``, ``decision`` (OK / REVIEW / NG against ground truth, the band
chooser), ``image_level`` (recall / false-positive rate per threshold,
tp_fp_list.txt, chart), ``errors`` (error analysis).
"""

from inspectors.metrics.classification import ClassificationData, classification_metrics
from inspectors.metrics.coco import CocoMatches, coco_map
from inspectors.metrics.decision import (
    BandChoice,
    band_counts,
    choose_band,
    decision_metrics,
    eligible_scores,
)
from inspectors.metrics.detection import DetectionMatches, average_precision, box_iou, voc_map
from inspectors.metrics.errors import DetectionErrors, region_errors
from inspectors.metrics.image_level import (
    ImageLevelCurve,
    ImageScores,
    OperatingPoint,
    choose_operating_point,
    image_level_curve,
    plot_tp_fp,
    write_tp_fp_list,
)
from inspectors.metrics.report import LiveEvaluator, evaluate
from inspectors.metrics.segmentation import (
    SegmentationAccumulator,
    confusion_matrix,
    segmentation_metrics,
)

__all__ = [
    "BandChoice",
    "ClassificationData",
    "CocoMatches",
    "DetectionErrors",
    "DetectionMatches",
    "ImageLevelCurve",
    "ImageScores",
    "LiveEvaluator",
    "OperatingPoint",
    "SegmentationAccumulator",
    "average_precision",
    "band_counts",
    "box_iou",
    "choose_band",
    "choose_operating_point",
    "classification_metrics",
    "coco_map",
    "confusion_matrix",
    "decision_metrics",
    "eligible_scores",
    "evaluate",
    "image_level_curve",
    "plot_tp_fp",
    "region_errors",
    "segmentation_metrics",
    "voc_map",
    "write_tp_fp_list",
]
