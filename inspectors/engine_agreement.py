"""Whether a backend's results agree with Paddle's on the same inputs (``--engine auto``
keeps only backends that do): the tolerances and the per-task comparison."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, Sequence

import numpy as np

from .metrics.detection import box_iou
from .results import ClassificationResult, DetectionResult, Result, SegmentationResult

#: How close a backend's results must be to Paddle's on the same inputs to count as agreeing.
TOLERANCES = {
    "probability": 1e-3,  # classification probabilities and segmentation confidence, absolute
    "label_agreement": 0.999,  # share of pixels with Paddle's label (ties may flip a few)
    "box_iou": 0.98,  # each box against Paddle's box of the same class
    "score": 1e-3,  # box scores, absolute
    "min_score": 0.05,  # boxes below this score are not compared (NMS keeps many near zero)
}


@dataclass
class Agreement:
    """A candidate's results against Paddle's: whether they agree, and the figures."""

    ok: bool
    figures: Dict[str, float] = field(default_factory=dict)
    text: str = ""


def compare(reference: Sequence[Result], candidate: Sequence[Result]) -> Agreement:
    """``candidate``'s results against ``reference``'s (Paddle's), image by image."""
    if len(reference) != len(candidate):
        return Agreement(False, text=f"{len(candidate)} results for {len(reference)} images")
    if not reference:
        return Agreement(True, text="nothing to compare")
    kind = type(reference[0])
    if any(type(r) is not kind for r in [*reference, *candidate]):
        return Agreement(False, text="results of another kind")
    if kind is ClassificationResult:
        return _compare_classification(reference, candidate)  # type: ignore[arg-type]
    if kind is SegmentationResult:
        return _compare_segmentation(reference, candidate)  # type: ignore[arg-type]
    return _compare_detection(reference, candidate)  # type: ignore[arg-type]


def _compare_classification(ref: Sequence[ClassificationResult], got: Sequence[ClassificationResult]) -> Agreement:
    tol = TOLERANCES["probability"]
    same = float(np.mean([r.class_id == g.class_id for r, g in zip(ref, got)]))
    diff = max(float(np.abs(r.probabilities - g.probabilities).max()) if r.probabilities.shape == g.probabilities.shape
               else np.inf for r, g in zip(ref, got))
    ok = same == 1.0 and diff <= tol
    return Agreement(ok, {"labels": same, "max_prob_diff": diff},
                     f"labels {100 * same:.2f} %, max |Δp| {diff:.1e} (tolerance {tol:g})")


def _compare_segmentation(ref: Sequence[SegmentationResult], got: Sequence[SegmentationResult]) -> Agreement:
    tol, need = TOLERANCES["probability"], TOLERANCES["label_agreement"]
    if any(r.label_map.shape != g.label_map.shape for r, g in zip(ref, got)):
        return Agreement(False, text="label maps of another size")
    same = float(np.mean(np.concatenate([(r.label_map == g.label_map).ravel() for r, g in zip(ref, got)])))
    diffs = [float(np.abs(r.confidence - g.confidence).max()) for r, g in zip(ref, got)
             if r.confidence is not None and g.confidence is not None]
    diff = max(diffs) if diffs else 0.0
    if any((r.confidence is None) != (g.confidence is None) for r, g in zip(ref, got)):
        diff = float("inf")
    ok = same >= need and diff <= tol
    return Agreement(ok, {"labels": same, "max_conf_diff": diff},
                     f"labels {100 * same:.3f} % of pixels (need {100 * need:g} %), "
                     f"max |Δconf| {diff:.1e} (tolerance {tol:g})")


def _compare_detection(ref: Sequence[DetectionResult], got: Sequence[DetectionResult]) -> Agreement:
    floor, iou_need, tol = TOLERANCES["min_score"], TOLERANCES["box_iou"], TOLERANCES["score"]
    boxes = matched = extra = 0
    worst_iou, worst_score = 1.0, 0.0
    for r, g in zip(ref, got):
        rk = r.keep(r.scores >= floor)
        gk = g.keep(g.scores >= floor)
        taken = np.zeros(len(gk), bool)
        iou = box_iou(rk.boxes, gk.boxes, plus_one=False) if len(rk) and len(gk) else np.zeros((len(rk), len(gk)))
        for i in np.argsort(-rk.scores, kind="stable"):
            boxes += 1
            cand = np.where(~taken & (gk.class_ids == rk.class_ids[i]))[0]
            if len(cand) == 0:
                continue
            j = cand[np.argmax(iou[i, cand])]
            if iou[i, j] >= iou_need and abs(float(gk.scores[j] - rk.scores[i])) <= tol:
                taken[j] = True
                matched += 1
                worst_iou = min(worst_iou, float(iou[i, j]))
                worst_score = max(worst_score, abs(float(gk.scores[j] - rk.scores[i])))
        # a box of the candidate's without a partner counts unless it sits on the floor
        # (where Paddle's twin may have fallen just below it)
        extra += int(np.sum(~taken & (gk.scores >= floor + tol)))
    ok = matched == boxes and extra == 0
    text = (f"{matched}/{boxes} boxes matched (IoU >= {iou_need:g}, |Δscore| <= {tol:g}), "
            f"{extra} extra; min IoU {worst_iou:.4f}, max |Δscore| {worst_score:.1e}")
    return Agreement(ok, {"boxes": float(boxes), "matched": float(matched), "extra": float(extra),
                          "min_iou": worst_iou, "max_score_diff": worst_score}, text)
