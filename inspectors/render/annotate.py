"""Pure renderers: ``annotate(image, result, style) -> new image``.

The input image is never modified. Gray (HxW) images are drawn on as BGR.
"""

from __future__ import annotations

from typing import List, Optional, Tuple

import cv2
import numpy as np

from ..results import ClassificationResult, DetectionResult, Result, SegmentationResult
from ..rules import Decision
from . import text
from .decided import draw_classification_decided, draw_detection_decided, draw_segmentation_decided
from .palette import Color, class_color, class_lut, topk_tags
from .style import DEFAULT_STYLE, RenderStyle


def as_bgr(image: np.ndarray) -> np.ndarray:
    """A new 3-channel uint8 copy of ``image`` (gray and BGRA accepted)."""
    img = np.asarray(image)
    if img.dtype != np.uint8:
        img = cv2.normalize(img, None, 0, 255, cv2.NORM_MINMAX).astype(np.uint8)
    if img.ndim == 2:
        return cv2.cvtColor(img, cv2.COLOR_GRAY2BGR)
    if img.shape[2] == 4:
        return cv2.cvtColor(img, cv2.COLOR_BGRA2BGR)
    if img.shape[2] == 1:
        return cv2.cvtColor(img[:, :, 0], cv2.COLOR_GRAY2BGR)
    return img.copy()


def _fit(image: np.ndarray, size: Tuple[int, int]) -> np.ndarray:
    """Resize ``image`` to (h, w) when a result was made at another size."""
    h, w = size
    if image.shape[:2] == (h, w) or h <= 0 or w <= 0:
        return image
    return cv2.resize(image, (w, h), interpolation=cv2.INTER_LINEAR)


def annotate(image: np.ndarray, result: Optional[Result], style: RenderStyle = DEFAULT_STYLE,
             decision: Optional[Decision] = None) -> np.ndarray:
    """Draw ``result`` on a copy of ``image`` (BGR or gray); None draws nothing.

    With ``decision`` (:func:`inspectors.rules.decide_result` of ``result``) what the rules
    ignored is drawn faint and REVIEW-level defects dashed with "?" (:mod:`.decided`); the
    decision replaces ``style.thresholds``. ValueError when it is another result's."""
    out = as_bgr(image)
    if result is None:
        return out
    if decision is not None:
        if isinstance(result, SegmentationResult):
            return draw_segmentation_decided(_fit(out, result.image_size), result, style, decision)
        if isinstance(result, DetectionResult):
            return draw_detection_decided(out, result, style, decision)
        if isinstance(result, ClassificationResult):
            return draw_classification_decided(out, result, style, decision)
        raise TypeError(f"cannot render {type(result).__name__}")
    if style.thresholds is not None:
        result = result.filtered(style.thresholds)
    if isinstance(result, SegmentationResult):
        return draw_segmentation(_fit(out, result.image_size), result, style)
    if isinstance(result, DetectionResult):
        return draw_detection(out, result, style)
    if isinstance(result, ClassificationResult):
        return draw_classification(out, result, style)
    raise TypeError(f"cannot render {type(result).__name__}")


def draw_segmentation(out: np.ndarray, result: SegmentationResult, style: RenderStyle) -> np.ndarray:
    lm = result.label_map
    names = result.class_names
    visible = np.zeros(256, bool)
    present = [c for c in result.class_areas() if c != result.background_id and c < 256]
    for cid in present:
        visible[cid] = not style.is_hidden(cid, names[cid])
    mask = visible[lm] if lm.dtype == np.uint8 else visible[np.clip(lm, 0, 255)]
    m = text.metrics(out.shape, style.font_scale, style.contour_thickness)
    if mask.any():
        lut = class_lut(len(names))
        colours = lut[lm[mask]].astype(np.float32)
        a = float(style.mask_opacity)
        out[mask] = (out[mask].astype(np.float32) * (1 - a) + colours * a + 0.5).astype(np.uint8)
        if style.contours:
            for cid in present:
                if not visible[cid]:
                    continue
                binary = (lm == cid).astype(np.uint8)
                contours, _ = cv2.findContours(binary, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
                cv2.drawContours(out, contours, -1, class_color(cid), m.line, cv2.LINE_8)
    if style.legend and style.labels:
        scores = result.class_scores()
        entries: List[Tuple[str, Color]] = []
        for cid in present:
            if not visible[cid]:
                continue
            label = names[cid]
            if style.scores and result.confidence is not None:
                label += f" {scores[cid]:.2f}"
            entries.append((label, class_color(cid)))
        text.legend(out, entries, m)
    return out


def draw_detection(out: np.ndarray, result: DetectionResult, style: RenderStyle) -> np.ndarray:
    m = text.metrics(out.shape, style.font_scale, style.box_thickness)
    order = np.argsort(result.scores, kind="stable")  # best boxes drawn last, on top
    tags = text.Labels()
    for i in order:
        cid = int(result.class_ids[i])
        name = result.class_names[cid]
        if style.is_hidden(cid, name):
            continue
        colour = class_color(cid)
        x1, y1, x2, y2 = (int(round(float(v))) for v in result.boxes[i])
        cv2.rectangle(out, (x1, y1), (x2, y2), colour, m.line, cv2.LINE_8)
        if style.labels:
            tag = f"{name} {result.scores[i]:.2f}" if style.scores else name
            tags.add(tag, x1, y1, colour)
    tags.draw(out, m)  # after every box: no box line crosses a tag
    return out


def draw_classification(out: np.ndarray, result: ClassificationResult, style: RenderStyle) -> np.ndarray:
    m = text.metrics(out.shape, style.font_scale)
    lines: List[Tuple[str, Color]] = [(tag if rank == 0 else f"  {tag}", colour)
                                      for rank, tag, colour in topk_tags(result, style)]
    if style.labels:
        text.banner(out, lines, m)
    return out
