"""Model A against model B on the same images with ground truth (numpy only, no Qt).

- :func:`mcnemar_exact`: McNemar's test on image-level correctness, the exact two-sided
  binomial on the discordant images (A right / B wrong against A wrong / B right).
- :func:`metric_table`: each metric of the task and of the decision (from the reports
  :func:`inspectors.metrics.evaluate` + :func:`decision_metrics` give) for every model and
  its difference to the first, overall and per class.
- :func:`image_disagreement`: per image, whether two models' verdicts differ, their kept
  classes differ, or one found a ground-truth defect the other missed (the project's
  matching: :func:`~inspectors.metrics.detection.box_outcomes` for boxes), with a score to
  sort by.

Image-level correctness: a verdict is right when "sent on" (NG or REVIEW: not passed as OK)
equals the ground truth "defective". REVIEW counts as flagged because a person sees it; an
escape is only an OK on a defective image.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import comb
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np

from inspectors.metrics.detection import box_outcomes
from inspectors.results import DetectionResult, Result, SegmentationResult, Thresholds
from inspectors.rules import ImageVerdict


def mcnemar_exact(a_only: int, b_only: int) -> float:
    """Two-sided exact McNemar p-value: P(X <= min) * 2 for X ~ Binomial(n, 1/2),
    n = ``a_only + b_only`` discordant images, capped at 1 (1 when n == 0)."""
    if a_only < 0 or b_only < 0:
        raise ValueError("discordant counts must be >= 0")
    n = a_only + b_only
    if n == 0:
        return 1.0
    k = min(a_only, b_only)
    tail = sum(comb(n, i) for i in range(k + 1)) / 2.0**n
    return min(1.0, 2.0 * tail)


def correct(verdicts: np.ndarray, gt_defective: np.ndarray) -> np.ndarray:
    """(N,) bool: the verdict (int codes) is right about the image's ground truth; an image
    without a verdict (negative code) is wrong."""
    v = np.asarray(verdicts).astype(np.int64)
    flagged = (v == ImageVerdict.NG) | (v == ImageVerdict.REVIEW)
    return (v >= 0) & (flagged == np.asarray(gt_defective, bool))


@dataclass(frozen=True)
class McNemar:
    both_right: int
    a_only: int  # A right, B wrong
    b_only: int  # A wrong, B right
    both_wrong: int
    p_value: float

    def to_dict(self) -> dict:
        return {"both_right": self.both_right, "a_right_b_wrong": self.a_only,
                "a_wrong_b_right": self.b_only, "both_wrong": self.both_wrong, "p_value": self.p_value}


def mcnemar(correct_a: np.ndarray, correct_b: np.ndarray) -> McNemar:
    a, b = np.asarray(correct_a, bool), np.asarray(correct_b, bool)
    if a.shape != b.shape:
        raise ValueError(f"{a.size} images for A, {b.size} for B")
    a_only, b_only = int((a & ~b).sum()), int((~a & b).sum())
    return McNemar(int((a & b).sum()), a_only, b_only, int((~a & ~b).sum()), mcnemar_exact(a_only, b_only))


# (label, path in the report) of the overall numbers compared, per task
_TASK_METRICS: Dict[str, Tuple[Tuple[str, Tuple[str, ...]], ...]] = {
    "detection": (("VOC mAP@0.5", ("metrics", "voc_map", "area")),
                  ("VOC mAP@0.5 11pt", ("metrics", "voc_map", "11point")),
                  ("COCO mAP", ("metrics", "coco", "map"))),
    "segmentation": (("mIoU", ("metrics", "miou")), ("pixel accuracy", ("metrics", "accuracy")),
                     ("kappa", ("metrics", "kappa"))),
    "classification": (("top-1 accuracy", ("metrics", "accuracy")),),
}
_COMMON = (("image-level recall", ("image_level", "recall")),
           ("image-level false-alarm rate", ("image_level", "false_positive_rate")),
           ("escapes", ("decision", "escapes")), ("escape rate", ("decision", "escape_rate")),
           ("false rejects", ("decision", "false_rejects")),
           ("false-reject rate", ("decision", "false_reject_rate")),
           ("review rate", ("decision", "review_rate")),
           ("images / s", ("speed", "images_per_second")))
# the per-class number of each task
_PER_CLASS = {"detection": "ap_area", "segmentation": "iou", "classification": "recall"}


def _get(report: dict, path: Sequence[str]) -> Optional[float]:
    v = report
    for key in path:
        if not isinstance(v, dict) or key not in v:
            return None
        v = v[key]
    return None if v is None or isinstance(v, (dict, list)) else float(v)


def _row(label: str, values: List[Optional[float]]) -> dict:
    base = values[0]
    diff = [None if base is None or v is None else v - base for v in values[1:]]
    return {"metric": label, "values": values, "diff": diff}


def metric_table(reports: Sequence[dict]) -> Dict[str, list]:
    """``{"overall": rows, "per_class": rows}``; a row: ``metric``, ``values`` (one per
    report, None where undefined) and ``diff`` (each later report minus the first). Per-class
    rows are matched by class name ("class: metric")."""
    if not reports:
        raise ValueError("no reports to compare")
    task = reports[0]["task"]
    if any(r["task"] != task for r in reports):
        raise ValueError("the reports are of different tasks: " + ", ".join(r["task"] for r in reports))
    overall = [_row(label, [_get(r, path) for r in reports])
               for label, path in _TASK_METRICS[task] + _COMMON]
    key = _PER_CLASS[task]
    per: List[Dict[str, Optional[float]]] = []
    names: List[str] = []
    for r in reports:
        values = {}
        for name, c in zip(r["class_names"], r["metrics"].get("per_class", [])):
            values[name] = None if c.get(key) is None else float(c[key])
            if name not in names:
                names.append(name)
        per.append(values)
    metric = {"detection": "AP@0.5", "segmentation": "IoU", "classification": "recall"}[task]
    per_class = [dict(_row(f"{n}: {metric}", [v.get(n) for v in per]), **{"class": n}) for n in names]
    return {"overall": [r for r in overall if any(v is not None for v in r["values"])], "per_class": per_class}


@dataclass(frozen=True)
class Disagreement:
    verdict_differs: bool
    classes_differ: bool
    found_by_a_only: int  # ground-truth defects A found and B missed
    found_by_b_only: int

    @property
    def any(self) -> bool:
        return self.verdict_differs or self.classes_differ or bool(self.found_by_a_only or self.found_by_b_only)

    @property
    def score(self) -> float:
        """Sort key: a verdict that differs weighs most, then each defect one model missed,
        then the classes."""
        return 4.0 * self.verdict_differs + float(self.found_by_a_only + self.found_by_b_only) \
            + 1.0 * self.classes_differ

    def to_dict(self) -> dict:
        return {"verdict_differs": self.verdict_differs, "classes_differ": self.classes_differ,
                "found_by_a_only": self.found_by_a_only, "found_by_b_only": self.found_by_b_only,
                "score": self.score}


def _found(gt: Optional[Result], pred: Result, thr: Thresholds,
           difficult: Optional[np.ndarray]) -> Optional[np.ndarray]:
    """Per ground-truth defect whether ``pred`` found it (None: no per-defect notion)."""
    if gt is None:
        return None
    if isinstance(gt, DetectionResult):
        return box_outcomes(gt, pred.filtered(thr), difficult=difficult).gt_matched
    if isinstance(gt, SegmentationResult):  # per ground-truth class present: any pixel of it predicted
        g, p = gt.label_map, pred.filtered(thr).label_map
        present = [c for c in np.unique(g) if c > 0]
        return np.array([bool(((g == c) & (p == c)).any()) for c in present], bool)
    return None


def image_disagreement(pred_a: Result, pred_b: Result, verdict_a: int, verdict_b: int,
                       classes_a: Sequence[str], classes_b: Sequence[str],
                       thr_a: Thresholds, thr_b: Thresholds, gt: Optional[Result] = None,
                       difficult: Optional[np.ndarray] = None) -> Disagreement:
    """How two models differ on one image: verdicts (each by its own rules), the sets of
    classes each kept, and the ground-truth defects one found and the other missed."""
    fa, fb = _found(gt, pred_a, thr_a, difficult), _found(gt, pred_b, thr_b, difficult)
    a_only = b_only = 0
    if fa is not None and fb is not None and fa.shape == fb.shape:
        a_only, b_only = int((fa & ~fb).sum()), int((~fa & fb).sum())
    return Disagreement(int(verdict_a) != int(verdict_b), set(classes_a) != set(classes_b), a_only, b_only)
