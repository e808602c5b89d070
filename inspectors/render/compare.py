"""Ground truth next to prediction (like the aluminium seed's compare.py, but live),
and a diff view marking hits, false positives and misses."""

from __future__ import annotations

from typing import List, Optional, Sequence, Tuple

import cv2
import numpy as np

from ..errors import InspectorError
from ..metrics.detection import box_outcomes
from ..metrics.pairing import in_gt_classes
from ..results import (
    ClassificationResult,
    DetectionResult,
    Result,
    SegmentationResult,
    Thresholds,
    is_defective,
)
from ..rules import Decision
from . import text
from .annotate import _fit, annotate, as_bgr
from .palette import CONFUSED, FALSE_POSITIVE, HIT, IGNORED, MISS, Color
from .style import DEFAULT_STYLE, RenderStyle


def titled(image: np.ndarray, title: str, m: text.Metrics) -> np.ndarray:
    """``image`` with a dark title bar above it."""
    _, h, base = text.text_size(title, m)
    bar = np.full((h + base + 2 * m.pad, image.shape[1], 3), 32, np.uint8)
    text.put_text(bar, title, (m.pad, m.pad + h), m.scale, (235, 235, 235), m.thickness)
    return np.vstack([bar, image])


def side_by_side(panels: Sequence[np.ndarray], vertical: bool, gap: int = 6) -> np.ndarray:
    if vertical:
        w = max(p.shape[1] for p in panels)
        parts: List[np.ndarray] = []
        for i, p in enumerate(panels):
            if i:
                parts.append(np.full((gap, w, 3), 255, np.uint8))
            parts.append(cv2.copyMakeBorder(p, 0, 0, 0, w - p.shape[1], cv2.BORDER_CONSTANT, value=0))
        return np.vstack(parts)
    h = max(p.shape[0] for p in panels)
    parts = []
    for i, p in enumerate(panels):
        if i:
            parts.append(np.full((h, gap, 3), 255, np.uint8))
        parts.append(cv2.copyMakeBorder(p, 0, h - p.shape[0], 0, 0, cv2.BORDER_CONSTANT, value=0))
    return np.hstack(parts)


def compare(image: np.ndarray, gt: Optional[Result], pred: Optional[Result],
            style: RenderStyle = DEFAULT_STYLE, titles: Tuple[str, str] = ("Ground truth", "Prediction"),
            vertical: Optional[bool] = None, decision: Optional[Decision] = None) -> np.ndarray:
    """Ground truth left (top for wide strips), prediction right (bottom), each titled.

    ``style.thresholds`` applies to the prediction only, as does ``decision`` (the rules'
    decision of ``pred``, drawn as :func:`.annotate.annotate` draws it). ``vertical`` None stacks
    the panels when the image is more than twice as wide as high.
    """
    base = as_bgr(image)
    m = text.metrics(base.shape, style.font_scale)
    gt_style = style.with_(thresholds=None)
    left = annotate(base, gt, gt_style)
    if gt is None:
        text.banner(left, [("no ground truth for this image", (200, 200, 200))], m)
    right = annotate(base, pred, style, decision)
    if pred is None:
        text.banner(right, [("no prediction yet", (200, 200, 200))], m)
    if vertical is None:
        vertical = base.shape[1] > 2 * base.shape[0]
    return side_by_side([titled(left, titles[0], m), titled(right, titles[1], m)], vertical)


def match_boxes(gt: DetectionResult, pred: DetectionResult, iou: float = 0.5,
                difficult: Optional[np.ndarray] = None) -> Tuple[np.ndarray, np.ndarray]:
    """(hit flag per prediction, matched flag per ground-truth box) by the metrics' own
    matching (:func:`inspectors.metrics.detection.box_outcomes`, ppdet's VOC rule)."""
    o = box_outcomes(gt, pred, iou, difficult=difficult)
    return o.pred == 1, o.gt_matched


def box_marks(gt: DetectionResult, pred: DetectionResult, iou: float = 0.5,
              difficult: Optional[np.ndarray] = None) -> Tuple[List[str], List[Optional[str]]]:
    """What the diff view writes on each box: per prediction ``hit`` / ``FP`` /
    ``difficult`` (matched to a difficult box: neither), per ground-truth box ``miss``,
    ``difficult`` (an unmatched difficult box) or None (matched: its prediction is the hit).
    The words are the metrics' TP / FP / ignored and FN, by construction."""
    o = box_outcomes(gt, pred, iou, difficult=difficult)
    pred_words = [_PRED_WORDS[int(s)] for s in o.pred]
    gt_words = [None if hit else ("miss" if counted else "difficult")
                for hit, counted in zip(o.gt_matched, o.gt_counted)]
    return pred_words, gt_words


_PRED_WORDS = {1: "hit", 0: "FP", -1: "difficult"}
_MARK_COLOURS = {"hit": HIT, "FP": FALSE_POSITIVE, "miss": MISS, "difficult": IGNORED}


def _diff_segmentation(out: np.ndarray, gt: SegmentationResult, pred: SegmentationResult,
                       opacity: float) -> List[Tuple[str, Color]]:
    g, p = gt.label_map, pred.label_map
    if g.shape != p.shape:
        g = cv2.resize(g, (p.shape[1], p.shape[0]), interpolation=cv2.INTER_NEAREST)
    valid = g != gt.ignore_index
    gd = valid & (g != gt.background_id)
    pdm = valid & (p != pred.background_id)
    marks = ((gd & pdm & (g == p), HIT), (gd & pdm & (g != p), CONFUSED),
             (pdm & ~gd, FALSE_POSITIVE), (gd & ~pdm, MISS))
    for mask, colour in marks:
        if mask.any():
            out[mask] = (out[mask] * (1 - opacity) + np.array(colour) * opacity).astype(np.uint8)
    return [("hit", HIT), ("wrong class", CONFUSED), ("false positive", FALSE_POSITIVE), ("miss", MISS)]


def _diff_detection(out: np.ndarray, gt: DetectionResult, pred: DetectionResult, m: text.Metrics,
                    iou: float, difficult: Optional[np.ndarray]) -> List[Tuple[str, Color]]:
    pred_words, gt_words = box_marks(gt, pred, iou, difficult)
    items = [(gt, j, w) for j, w in enumerate(gt_words) if w is not None]
    items += [(pred, i, w) for i, w in enumerate(pred_words)]
    for res, k, word in items:
        colour = _MARK_COLOURS[word]
        x1, y1, x2, y2 = (int(round(float(v))) for v in res.boxes[k])
        cv2.rectangle(out, (x1, y1), (x2, y2), colour, m.line, cv2.LINE_8)
        name = res.class_names[int(res.class_ids[k])]
        text.label(out, f"{word} {name}", x1, y2, colour, m, above=False)
    legend = [("hit", HIT), ("false positive", FALSE_POSITIVE), ("miss", MISS)]
    return legend + ([("difficult (not counted)", IGNORED)] if "difficult" in pred_words + gt_words else [])


def _diff_classification(gt: ClassificationResult, pred: ClassificationResult,
                         flagged: bool) -> List[Tuple[str, Color]]:
    gt_defect = is_defective(gt)
    if gt.class_id == pred.class_id and flagged == gt_defect:
        colour = HIT
    else:
        colour = MISS if gt_defect and not flagged else FALSE_POSITIVE
    return [(f"pred {pred.class_name} {pred.score:.2f}", colour), (f"truth {gt.class_name}", colour)]


def diff(image: np.ndarray, gt: Optional[Result], pred: Optional[Result],
         threshold: Optional[Thresholds] = None, iou: float = 0.5, opacity: float = 0.55,
         difficult: Optional[np.ndarray] = None) -> np.ndarray:
    """Mark hits (green), false positives (red) and misses (orange) of ``pred`` at
    ``threshold`` against ``gt``; a copy of ``image`` is returned. The prediction is put
    into the ground truth's classes first (by name, as the metrics pair them).

    Boxes are matched as the metrics match them (:func:`box_marks`); pass the ground
    truth's ``difficult`` flags (``GroundTruthSet.difficult_flags``) for the colours to be
    the error filters' exactly: predictions matched to a difficult box and unmatched
    difficult boxes are then grey, neither hits, false positives nor misses."""
    out = as_bgr(image)
    if pred is not None and threshold is not None:
        pred = pred.filtered(threshold)
    m = text.metrics(out.shape)
    if gt is None or pred is None:
        what = "ground truth" if gt is None else "prediction"
        text.banner(out, [(f"no {what}: nothing to compare", (200, 200, 200))], m)
        return out
    if gt.task != pred.task:
        text.banner(out, [(f"ground truth is {gt.task}, prediction is {pred.task}", (200, 200, 200))], m)
        return out
    # a classifier's verdict as the image list flags it, in the model's own classes
    flagged = isinstance(pred, ClassificationResult) and is_defective(pred, threshold)
    if pred.class_names != gt.class_names:  # compare in the ground truth's classes, as the metrics do
        try:
            pred = in_gt_classes(pred, gt.class_names, gt.task)
        except InspectorError as e:
            text.banner(out, [(str(e), (200, 200, 200))], m)
            return out
    if isinstance(pred, SegmentationResult):
        out = _fit(out, pred.image_size)
        text.legend(out, _diff_segmentation(out, gt, pred, opacity), m)
    elif isinstance(pred, DetectionResult):
        text.legend(out, _diff_detection(out, gt, pred, m, iou, difficult), m)
    else:
        text.banner(out, _diff_classification(gt, pred, flagged), m)
    return out
