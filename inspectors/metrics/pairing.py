"""Which ground truth goes with which prediction: the one pairing rule.

``evaluate`` (CLI), the app's live metrics and the training / demo evaluation all pair
through :func:`pair_with_ground_truth`: each prediction is looked up in the ground-truth
set by its image path, images without ground truth (or with unreadable ground truth,
which ``get`` records in the set's ``problems``) are left out and counted, and every
prediction is put into the ground truth's class space by name
(:func:`~inspectors.metrics.alignment.class_mapping` / ``to_gt_space``) -- measuring with
the model's own class ids would be confident nonsense when the orders differ. A
segmentation prediction whose label map is not the ground truth's size is left out too.

The ground-truth set is duck-typed (``task``, ``class_names``, ``get``,
``difficult_flags``): the metrics layer does not import the readers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, List, Optional, Protocol, Tuple

import numpy as np

from ..errors import GroundTruthError, InspectorError
from ..results import Result
from .alignment import class_mapping, to_gt_space


class GroundTruthLike(Protocol):  # what GroundTruthSet offers the pairing
    task: str
    class_names: Tuple[str, ...]

    def get(self, image_path: Any) -> Optional[Result]: ...

    def difficult_flags(self, image_path: Any) -> np.ndarray: ...


@dataclass
class Pairs:
    """(ground truth, prediction in the ground truth's classes) per paired image."""

    pairs: List[Tuple[Result, Result]] = field(default_factory=list)
    keys: List[Any] = field(default_factory=list)  # the caller's key per pair (store row, path)
    paths: List[Any] = field(default_factory=list)  # image path per pair
    notes: List[str] = field(default_factory=list)  # how the classes were matched
    no_ground_truth: int = 0
    bad_ground_truth: int = 0
    wrong_size: int = 0
    difficult: Optional[List[np.ndarray]] = None  # detection: flags per ground-truth box, per pair

    def left_out(self) -> List[str]:
        """One note per kind of image that was left out (none when nothing was)."""
        out = []
        if self.no_ground_truth:
            out.append(f"{self.no_ground_truth} inspected image(s) without ground truth left out")
        if self.bad_ground_truth:
            out.append(f"{self.bad_ground_truth} image(s) with unreadable ground truth left out (listed with the ground-truth problems)")
        if self.wrong_size:
            out.append(f"{self.wrong_size} label map(s) of another size than the image left out")
        return out


def in_gt_classes(pred: Result, gt_names: Tuple[str, ...], task: str) -> Result:
    """One prediction in the ground truth's classes, by the pairing's class rule (the diff
    view uses it for the image on screen). Raises InspectorError when they cannot be matched."""
    mapping, _notes = class_mapping(pred.class_names, gt_names, task)
    return to_gt_space(pred, mapping, tuple(gt_names))


def pair_with_ground_truth(gt_set: GroundTruthLike, predictions: Iterable[Tuple[Any, Any, Result]]) -> Pairs:
    """Pair ``(key, image path, prediction)`` items with ``gt_set``, in the items' order.

    Raises :class:`InspectorError` when a prediction is of another task than the ground
    truth or its classes cannot be matched to the ground truth's.
    """
    out = Pairs()
    mappings: Dict[Tuple[str, ...], np.ndarray] = {}
    for key, path, pred in predictions:
        if pred.task != gt_set.task:
            raise InspectorError(f"The model is a {pred.task} model but the ground truth is for "
                                 f"{gt_set.task}: metrics cannot be computed.")
        try:
            gt = gt_set.get(path)
        except GroundTruthError:  # recorded in gt_set.problems by get()
            out.bad_ground_truth += 1
            continue
        if gt is None:
            out.no_ground_truth += 1
            continue
        names = tuple(pred.class_names)
        if names not in mappings:
            mappings[names], notes = class_mapping(names, gt_set.class_names, gt_set.task)
            out.notes += [n for n in notes if n not in out.notes]
        mapped = to_gt_space(pred, mappings[names], gt_set.class_names)
        if gt.task == "segmentation" and gt.image_size != mapped.image_size:
            out.wrong_size += 1
            continue
        out.pairs.append((gt, mapped))
        out.keys.append(key)
        out.paths.append(path)
    if gt_set.task == "detection":
        out.difficult = [gt_set.difficult_flags(p) for p in out.paths]
    return out
