"""Ground truth next to prediction (like the aluminium seed's compare.py, but live),
and a diff view marking hits, false positives and misses."""

from __future__ import annotations

from typing import List, Optional, Sequence, Tuple

import cv2
import numpy as np

from ..results import ClassificationResult, DetectionResult, Result, SegmentationResult, Thresholds
from . import text
from .annotate import _fit, annotate, as_bgr
from .palette import CONFUSED, FALSE_POSITIVE, HIT, MISS, Color
from .style import DEFAULT_STYLE, RenderStyle


def titled(image: np.ndarray, title: str, m: text.Metrics) -> np.ndarray:
    """``image`` with a dark title bar above it."""
    _, h, base = text.text_size(title, m)
    bar = np.full((h + base + 2 * m.pad, image.shape[1], 3), 32, np.uint8)
    cv2.putText(bar, title, (m.pad, m.pad + h), text.FONT, m.scale, (235, 235, 235), m.thickness,
                cv2.LINE_AA)
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
            vertical: Optional[bool] = None) -> np.ndarray:
    """Ground truth left (top for wide strips), prediction right (bottom), each titled.

    ``style.thresholds`` applies to the prediction only. ``vertical`` None stacks
    the panels when the image is more than twice as wide as high.
    """
    base = as_bgr(image)
    m = text.metrics(base.shape, style.font_scale)
    gt_style = style.with_(thresholds=None)
    left = annotate(base, gt, gt_style)
    if gt is None:
        text.banner(left, [("no ground truth for this image", (200, 200, 200))], m)
    right = annotate(base, pred, style)
    if pred is None:
        text.banner(right, [("no prediction yet", (200, 200, 200))], m)
    if vertical is None:
        vertical = base.shape[1] > 2 * base.shape[0]
    return side_by_side([titled(left, titles[0], m), titled(right, titles[1], m)], vertical)


def iou_matrix(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """IoU between every box in ``a`` (N, 4) and ``b`` (M, 4)."""
    if not len(a) or not len(b):
        return np.zeros((len(a), len(b)), np.float32)
    x1 = np.maximum(a[:, None, 0], b[None, :, 0])
    y1 = np.maximum(a[:, None, 1], b[None, :, 1])
    x2 = np.minimum(a[:, None, 2], b[None, :, 2])
    y2 = np.minimum(a[:, None, 3], b[None, :, 3])
    inter = np.clip(x2 - x1, 0, None) * np.clip(y2 - y1, 0, None)
    area_a = (a[:, 2] - a[:, 0]) * (a[:, 3] - a[:, 1])
    area_b = (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])
    union = area_a[:, None] + area_b[None, :] - inter
    return np.where(union > 0, inter / np.maximum(union, 1e-9), 0.0).astype(np.float32)


def match_boxes(gt: DetectionResult, pred: DetectionResult, iou: float = 0.5) -> Tuple[np.ndarray, np.ndarray]:
    """Greedy best-score-first matching of same-class boxes at ``iou``.

    Returns (matched flag per prediction, matched flag per ground-truth box)."""
    ious = iou_matrix(pred.boxes, gt.boxes)
    pred_hit = np.zeros(len(pred), bool)
    gt_hit = np.zeros(len(gt), bool)
    for i in np.argsort(-pred.scores, kind="stable"):
        if not len(gt):
            break
        cand = np.where((gt.class_ids == pred.class_ids[i]) & ~gt_hit, ious[i], -1.0)
        j = int(np.argmax(cand))
        if cand[j] >= iou:
            pred_hit[i] = gt_hit[j] = True
    return pred_hit, gt_hit


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
                    iou: float) -> List[Tuple[str, Color]]:
    pred_hit, gt_hit = match_boxes(gt, pred, iou)
    items = [(gt, j, MISS, "miss") for j in np.where(~gt_hit)[0]]
    items += [(pred, i, HIT if pred_hit[i] else FALSE_POSITIVE, "hit" if pred_hit[i] else "FP")
              for i in range(len(pred))]
    for res, k, colour, word in items:
        x1, y1, x2, y2 = (int(round(float(v))) for v in res.boxes[k])
        cv2.rectangle(out, (x1, y1), (x2, y2), colour, m.line, cv2.LINE_8)
        name = res.class_names[int(res.class_ids[k])]
        text.label(out, f"{word} {name}", x1, y2, colour, m, above=False)
    return [("hit", HIT), ("false positive", FALSE_POSITIVE), ("miss", MISS)]


def _diff_classification(gt: ClassificationResult, pred: ClassificationResult,
                         flagged: bool) -> List[Tuple[str, Color]]:
    gt_defect = gt.class_id not in gt.clean_ids
    if gt.class_id == pred.class_id and flagged == gt_defect:
        colour = HIT
    else:
        colour = MISS if gt_defect and not flagged else FALSE_POSITIVE
    return [(f"pred {pred.class_name} {pred.score:.2f}", colour), (f"truth {gt.class_name}", colour)]


def diff(image: np.ndarray, gt: Optional[Result], pred: Optional[Result],
         threshold: Optional[Thresholds] = None, iou: float = 0.5, opacity: float = 0.55) -> np.ndarray:
    """Mark hits (green), false positives (red) and misses (orange) of ``pred`` at
    ``threshold`` against ``gt``; a copy of ``image`` is returned."""
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
    if isinstance(pred, SegmentationResult):
        out = _fit(out, pred.image_size)
        text.legend(out, _diff_segmentation(out, gt, pred, opacity), m)
    elif isinstance(pred, DetectionResult):
        text.legend(out, _diff_detection(out, gt, pred, m, iou), m)
    else:
        flagged = pred.is_defective(threshold) if threshold is not None else pred.class_id not in pred.clean_ids
        text.banner(out, _diff_classification(gt, pred, flagged), m)
    return out
