"""Put predictions into the ground truth's class space before measuring.

A model's class list and a dataset's labels.txt are written by different tools:
names may come in another order, a segmentation export may carry no names at
all, PaddleX drops "background" from its labels. Measuring with mismatched ids
gives confident nonsense, so the mapping is made explicit here.
"""

from __future__ import annotations

from typing import List, Optional, Sequence, Tuple

import numpy as np

from ..errors import InspectorError
from ..results import ClassificationResult, DetectionResult, Result, SegmentationResult


def _norm(name: str) -> str:
    return name.strip().lower().replace("-", "_").replace(" ", "_")


def _generic(names: Sequence[str]) -> bool:
    return all(n.startswith("class_") or n == "background" for n in names)


def class_mapping(model_names: Sequence[str], gt_names: Sequence[str], task: str) -> Tuple[np.ndarray, List[str]]:
    """Model class id -> ground-truth class id (-1: no counterpart), and notes for the report."""
    notes: List[str] = []
    gt_index = {_norm(n): i for i, n in enumerate(gt_names)}
    if not _generic(model_names) and all(_norm(n) in gt_index for n in model_names):
        mapping = np.array([gt_index[_norm(n)] for n in model_names], np.int64)
        if not np.array_equal(mapping, np.arange(len(model_names))):
            notes.append("model classes matched to ground-truth classes by name (different order)")
        return mapping, notes
    if len(model_names) == len(gt_names):
        if not _generic(model_names):
            notes.append(
                f"model class names {list(model_names)} differ from the ground truth's {list(gt_names)}; "
                "matched by index"
            )
        return np.arange(len(model_names)), notes
    if task == "segmentation" and _generic(model_names) and len(model_names) >= len(gt_names):
        notes.append("model export has no class names; matched by index")
        mapping = np.arange(len(model_names))
        mapping[mapping >= len(gt_names)] = -1
        return mapping, notes
    raise InspectorError(
        f"the model's {len(model_names)} classes {list(model_names)} cannot be matched to the "
        f"ground truth's {len(gt_names)} classes {list(gt_names)}"
    )


def to_gt_space(result: Result, mapping: np.ndarray, gt_names: Tuple[str, ...]) -> Optional[Result]:
    """Re-express a prediction with ground-truth class ids (classes without a counterpart dropped)."""
    if isinstance(result, DetectionResult):
        ids = mapping[result.class_ids] if len(result) else result.class_ids
        keep = ids >= 0
        return DetectionResult(result.boxes[keep], result.scores[keep], ids[keep], gt_names, result.image_size)
    if isinstance(result, SegmentationResult):
        lut = np.where(mapping >= 0, mapping, 0).astype(np.int32)
        full = np.zeros(256, np.int32)
        full[: len(lut)] = lut
        return SegmentationResult(full[result.label_map], gt_names, result.confidence)
    if isinstance(result, ClassificationResult):
        probs = np.zeros(len(gt_names), np.float32)
        for m, g in enumerate(mapping):
            if g >= 0:
                probs[g] += result.probabilities[m]
        return ClassificationResult(probs, gt_names, result.image_size)
    raise TypeError(type(result))
