"""Evaluate an exported model folder on a ground-truth set with the app's own engine and
metrics (the numbers a model card quotes and training uses to keep the best model)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any, Dict, Tuple

from ...errors import InspectorError
from ...groundtruth.types import GroundTruthSet
from ...metrics.pairing import Pairs, pair_with_ground_truth
from .common import TrainingError


def predict_pairs(model_dir: Path, gt: GroundTruthSet, threads: int = 2) -> Tuple[Pairs, float]:
    """Every image of ``gt`` through :class:`inspectors.engine.Inspector`, paired with its
    ground truth in the ground truth's classes (:func:`pair_with_ground_truth`, as
    ``evaluate`` and the app pair); also the seconds per image."""
    from ...engine import Inspector
    from ...runtime import RuntimeSettings

    inspector = Inspector.from_path(model_dir, RuntimeSettings(threads=threads))
    t0 = time.perf_counter()

    def predictions():
        for outcome in inspector.run(gt.images):
            if not outcome.ok:
                raise TrainingError(f"evaluation failed on {outcome.path}: {outcome.error}")
            yield outcome.path, outcome.path, outcome.result

    try:
        paired = pair_with_ground_truth(gt, predictions())
    except TrainingError:
        raise
    except InspectorError as e:
        raise TrainingError(f"evaluation: {e}") from None
    if not paired.pairs:
        raise TrainingError("no evaluation image has ground truth")
    return paired, (time.perf_counter() - t0) / max(1, len(gt.images))


def best_f1_threshold(matches: Any) -> Dict[str, float]:
    """The confidence (0.05 steps) with the best box-level F1 at IoU 0.5: the starting
    threshold an export suggests (ppdet's ``draw_threshold``)."""
    best: Dict[str, float] = {"threshold": 0.5, "precision": 0.0, "recall": 0.0, "f1": -1.0}
    for t in [round(0.05 * i, 2) for i in range(1, 20)]:
        tot = matches.summary(t, methods=())["totals"]
        p, r = tot["precision"], tot["recall"]
        f1 = 2 * p * r / (p + r) if p + r > 0 else 0.0
        if f1 > best["f1"]:
            best = {"threshold": t, "precision": p, "recall": r, "f1": f1}
    return best


def evaluate_export(model_dir: Path, gt: GroundTruthSet, threads: int = 2) -> Dict[str, Any]:
    """Task metrics of an export on ``gt``: classification accuracy / per class, the
    segmentation summary (mIoU, per-class IoU, ...) at threshold 0, or VOC mAP@0.5 as
    PaddleDetection computes it (difficult boxes ignored) plus COCO mAP@[.5:.95]."""
    paired, per_image = predict_pairs(Path(model_dir), gt, threads)
    pairs = paired.pairs
    names = gt.class_names
    if gt.task == "classification":
        from ...metrics import ClassificationData

        data = ClassificationData(pairs)
        out = data.summary(ks=(1,))
        out["accuracy"] = data.topk_accuracy(1)
    elif gt.task == "segmentation":
        from ...metrics import SegmentationAccumulator
        from ...metrics.segmentation import segmentation_summary

        acc = SegmentationAccumulator(names)
        acc.add_many(pairs)
        out = segmentation_summary(acc.confusion(None), names)
    elif gt.task == "detection":
        from ...metrics import DetectionMatches, coco_map

        matches = DetectionMatches(pairs, difficult=paired.difficult)
        out = matches.summary(None)
        out["map"] = out["voc_map"]["area"]
        out["coco"] = coco_map(pairs, None)
        out["best_f1"] = best_f1_threshold(matches)
    else:
        raise TrainingError(f"evaluation of {gt.task} exports is not implemented here")
    out["images"] = len(pairs)
    out["seconds_per_image"] = round(per_image, 4)
    return out
