"""Qt-free half of the live metrics: (ground truth, prediction) pairs from the cached
results, the evaluation built from them off the GUI thread, and the image-list
error filters. The Qt half (threads, debouncing, signals) is :mod:`app.metrics_glue`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np

from inspectors.errors import InspectorError
from inspectors.groundtruth import GroundTruthSet
from inspectors.metrics import ImageLevelCurve, LiveEvaluator
from inspectors.metrics.errors import CATEGORIES, segmentation_region_errors
from inspectors.metrics.pairing import Pairs, pair_with_ground_truth
from inspectors.results import Result, Thresholds

#: Image-list filters from error analysis, per task: (label, key).
IMAGE_LEVEL_FILTERS = [("Image-level false alarms", "image_false_positive"),
                       ("Image-level misses", "image_missed")]
TASK_FILTERS: Dict[str, List[Tuple[str, str]]] = {
    "detection": [("False-positive boxes", "false_positive"), ("Missed boxes", "missed"),
                  ("Wrong class", "wrong_class"), ("Poor localisation", "poor_localisation")],
    "segmentation": [("False-positive regions", "false_positive_regions"),
                     ("Missed regions", "missed_regions")],
    "classification": [("Misclassified", "misclassified")],
}
REGION_KEYS = ("false_positive_regions", "missed_regions")


class Unavailable(Exception):
    """No evaluation can be made; the message says why, for the empty state."""


@dataclass(frozen=True)
class Snapshot:
    """What an evaluation is built from, taken in the GUI thread (cheap references)."""

    model: str
    items: List[Tuple[int, str, Result]]  # store row, image path, cached prediction
    ground_truth: GroundTruthSet
    thresholds: Thresholds


@dataclass
class Evaluation:
    """A LiveEvaluator over the pairs of one snapshot, plus threshold-free curves."""

    live: LiveEvaluator
    rows: np.ndarray  # store row of each pair
    snapshot: Snapshot
    curve: ImageLevelCurve
    pr_curves: List[dict]
    notes: List[str]
    first: dict  # at() at the snapshot's thresholds
    at_ms: float  # how long that at() took
    build_s: float

    @property
    def task(self) -> str:
        return self.live.task

    @property
    def num_pairs(self) -> int:
        return len(self.rows)


def collect_pairs(snap: Snapshot) -> Pairs:
    """Ground truth for each cached prediction, the prediction in the ground truth's classes
    (:func:`inspectors.metrics.pairing.pair_with_ground_truth`); keys are store rows."""
    try:
        p = pair_with_ground_truth(snap.ground_truth, snap.items)
    except InspectorError as e:
        raise Unavailable(str(e)) from None
    p.notes += p.left_out()
    return p


def build_evaluation(snap: Snapshot) -> Evaluation:
    """Pairs, LiveEvaluator, curves and a first ``at()``: seconds for 10,000 images."""
    t0 = time.perf_counter()
    if not snap.items:
        raise Unavailable("No results yet: add a model (Ctrl+M) and run it (Ctrl+R).")
    p = collect_pairs(snap)
    if not p.pairs:
        raise Unavailable(f"None of the {len(snap.items)} inspected images has ground truth.")
    live = LiveEvaluator(p.pairs, snap.ground_truth.task, difficult=p.difficult)
    pr = live.matches.pr_curves() if live.matches is not None else []
    t1 = time.perf_counter()
    first = live.at(snap.thresholds)
    at_ms = (time.perf_counter() - t1) * 1000
    return Evaluation(live, np.asarray(p.keys, np.int64), snap, live.curve(), pr, p.notes, first, at_ms,
                      time.perf_counter() - t0)


def region_errors(ev: Evaluation, thresholds: Thresholds) -> Dict[str, np.ndarray]:
    """Segmentation: store rows with false-positive / missed defect regions (slow: a worker)."""
    pairs = collect_pairs(ev.snapshot)
    regions = segmentation_region_errors(pairs.pairs, thresholds)
    rows = np.asarray(pairs.keys, np.int64)
    return {k: rows[[r[k] > 0 for r in regions]] if len(rows) else rows for k in REGION_KEYS}


def filters_for(task: str) -> List[Tuple[str, str]]:
    return TASK_FILTERS.get(task, []) + IMAGE_LEVEL_FILTERS


def filter_rows(ev: Evaluation, thresholds: Thresholds) -> Dict[str, np.ndarray]:
    """Store rows per error filter at ``thresholds`` (region filters: see :func:`region_errors`).

    Detection categories come from one ``per_image`` count (what ``images_with`` gives
    one category at a time); image-level ones from ``images_with``.
    """
    live = ev.live
    out = {key: ev.rows[live.images_with(thresholds, key)] for _label, key in IMAGE_LEVEL_FILTERS}
    if ev.task == "detection":
        counts = live.errors.per_image(live.effective(thresholds))
        for j, name in enumerate(CATEGORIES):
            out[name] = ev.rows[counts[:, j] > 0]
    elif ev.task == "classification":
        out["misclassified"] = ev.rows[live.classification.misclassified()]
    return out


def headline(task: str, at: dict) -> List[Tuple[str, Optional[float], str]]:
    """The task's headline numbers from an ``at()`` dict: (label, value or None, tooltip)."""
    m = at.get("metrics", {})
    if task == "segmentation":
        return [("mIoU", m.get("miou"), "mean IoU over all classes, background included (PaddleSeg)"),
                ("Dice", m.get("mdice"), "mean Dice over all classes"),
                ("Pixel acc.", m.get("accuracy"), "correct pixels / predicted pixels (PaddleSeg 'Acc')"),
                ("Kappa", m.get("kappa"), "Cohen's kappa of the pixel confusion matrix")]
    if task == "detection":
        voc, coco = m.get("voc_map", {}), m.get("coco") or {}
        return [("VOC mAP@0.5", voc.get("area"), "all-point (area) interpolation, as PaddleDetection"),
                ("11-point", voc.get("11point"), "VOC2007 11-point interpolation"),
                ("COCO mAP", coco.get("map"), "mAP@[.5:.95], pycocotools' matching"),
                ("Box recall", m.get("totals", {}).get("recall"), "matched ground-truth boxes at this threshold")]
    topk = m.get("topk", {})
    k = max((int(x) for x in topk), default=1)
    return [("Top-1 acc.", m.get("accuracy"), "share of images whose top class is right"),
            (f"Top-{k} acc.", topk.get(str(k)), f"ground-truth class among the {k} best"),
            ("Macro precision", m.get("macro_precision"), "mean over classes with predictions"),
            ("Macro recall", m.get("macro_recall"), "mean over classes with images")]


def per_class_values(task: str, at: dict) -> Tuple[str, List[str], List[Optional[float]]]:
    """(title, class names, value per class) for the bar chart."""
    rows = at.get("metrics", {}).get("per_class", [])
    key, title = {"segmentation": ("iou", "IoU per class"),
                  "detection": ("ap_area", "AP@0.5 per class (at this threshold)")}.get(
        task, ("recall", "Recall per class"))
    return title, [r["class_name"] for r in rows], [r.get(key) for r in rows]


def confusion(task: str, at: dict) -> Tuple[str, np.ndarray, Sequence[str], Sequence[str]]:
    """(title, matrix, row labels, column labels) of the confusion matrix to show."""
    names = at.get("class_names", [])
    if task == "detection":
        c = at["errors"]["confusion"]
        return "Boxes (IoU ≥ 0.5): ground truth ↓ vs predicted →", np.asarray(c["matrix"]), c["rows"], c["columns"]
    title = "Pixels: ground truth ↓ vs predicted →" if task == "segmentation" else \
        "Images: ground truth ↓ vs predicted →"
    return title, np.asarray(at["metrics"]["confusion_matrix"]), names, names
