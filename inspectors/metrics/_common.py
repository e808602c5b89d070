"""Helpers shared by the metric modules: pair validation, threshold vectors, JSON."""

from __future__ import annotations

import math
from typing import Any, List, Optional, Sequence, Tuple, Union

import numpy as np

from inspectors.results import (
    ClassificationResult,
    DetectionResult,
    Result,
    SegmentationResult,
    Thresholds,
)

ThresholdsLike = Union[Thresholds, float, None]
Pair = Tuple[Result, Result]  # (ground truth, prediction)

#: Thresholds of the image-level curve and of the segmentation confidence bins: k / 100.
GRID = np.arange(101) / 100.0
#: The same values as float32, the precision result types compare scores in.
GRID32 = GRID.astype(np.float32)

_TYPES = {
    "detection": DetectionResult,
    "segmentation": SegmentationResult,
    "classification": ClassificationResult,
}


def as_thresholds(thresholds: ThresholdsLike) -> Thresholds:
    """None means "keep everything" (threshold 0.0), as in ``Result.filtered``."""
    if thresholds is None:
        return Thresholds(0.0)
    if isinstance(thresholds, Thresholds):
        return thresholds
    return Thresholds(float(thresholds))


def threshold_vector(thresholds: ThresholdsLike, class_names: Sequence[str]) -> np.ndarray:
    """Per-class thresholds as float32, exactly as ``Result.filtered`` compares them."""
    return as_thresholds(thresholds).vector(class_names)


def snap_to_grid(vec: np.ndarray) -> np.ndarray:
    """Index k (0..100) of the nearest 0.01 grid value per threshold."""
    return np.clip(np.rint(np.asarray(vec, np.float64) * 100.0), 0, 100).astype(np.int64)


def check_pairs(pairs: Sequence[Pair], task: Optional[str] = None) -> Tuple[str, Tuple[str, ...]]:
    """Validate (gt, pred) pairs; return the task and the ground-truth class names.

    Raises ValueError when the list is empty, mixes tasks, or when a prediction's
    class list differs from its ground truth (metrics by class id would be wrong).
    """
    if not len(pairs):
        raise ValueError("no (ground truth, prediction) pairs to evaluate")
    first_gt = pairs[0][0]
    task = task or first_gt.task
    if task not in _TYPES:
        raise ValueError(f"unknown task {task!r}")
    kind = _TYPES[task]
    names = first_gt.class_names
    for i, (gt, pred) in enumerate(pairs):
        if not isinstance(gt, kind) or not isinstance(pred, kind):
            raise ValueError(
                f"pair {i}: expected two {kind.__name__}s, got "
                f"{type(gt).__name__} and {type(pred).__name__}"
            )
        if gt.class_names != names or pred.class_names != names:
            raise ValueError(
                f"pair {i}: class names differ (ground truth {list(gt.class_names)}, "
                f"prediction {list(pred.class_names)}, first image {list(names)}); "
                "map the model's classes onto the dataset's first"
            )
    return task, names


def safe_div(num: float, den: float) -> float:
    """num / den, or NaN when den is 0 (an undefined rate, reported as null)."""
    return float(num) / float(den) if den else float("nan")


def jsonable(obj: Any) -> Any:
    """Plain Python types for ``json.dumps``; NaN and infinities become None."""
    if isinstance(obj, dict):
        return {str(k): jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [jsonable(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return jsonable(obj.tolist())
    if isinstance(obj, (bool, np.bool_)):
        return bool(obj)
    if isinstance(obj, (int, np.integer)):
        return int(obj)
    if isinstance(obj, (float, np.floating)):
        v = float(obj)
        return v if math.isfinite(v) else None
    return obj


def class_list(names: Sequence[str]) -> List[dict]:
    return [{"class_id": i, "class_name": n} for i, n in enumerate(names)]
