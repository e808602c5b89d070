"""Drawing a rules decision (:class:`inspectors.rules.Decision`) on top of a result.

Per candidate defect of the decision (a row of the result's defect table):

- kept, NG-level: drawn as :func:`.annotate.annotate` draws it without a decision (mask
  blend and solid contour, box and label, legend entry);
- kept, REVIEW-level: the same fill, a dashed outline in the class colour and "?" in its
  label (and in the legend when no defect of the class is NG-level);
- ignored for its size, length or region: a faint fill (``style.ignored_opacity``), a thin
  dashed grey outline and a grey tag with the reasons' short codes (``pit 0.41 - small``);
  not drawn at all when ``style.show_ignored`` is False;
- scoring below the band (``T_low``): not drawn, as without a decision below the threshold
  (a detector's hundred weak boxes would bury the image).

Rows are matched to the result as :mod:`inspectors.rules.defects` makes them: segmentation
component k is ``labels == k + 1`` of :func:`inspectors.rules.class_components`, detection
row i is box i, classification has one row (the top class) unless the top class is clean.
The decision replaces ``style.thresholds`` (the rules' T_low already says what is too weak);
hidden classes stay hidden. Text is ASCII (OpenCV's fonts have no "·").
"""

from __future__ import annotations

from typing import List, Sequence, Tuple

import cv2
import numpy as np

from ..results import ClassificationResult, DetectionResult, SegmentationResult
from ..rules import Decision, Defect, Ignored, ImageVerdict, class_components
from . import text
from .palette import IGNORED, Color, class_color, class_lut, topk_tags, verdict_color
from .style import RenderStyle

#: short codes of the reasons a defect was ignored, in the order tags show them
REASON_CODES: Tuple[Tuple[Ignored, str], ...] = (
    (Ignored.LOW_SCORE, "low"), (Ignored.SMALL_AREA, "small"), (Ignored.SHORT, "short"),
    (Ignored.OUTSIDE, "outside"),
)
#: at most this many tags on REVIEW / ignored components of one segmentation (best scores first)
MAX_SEGMENT_TAGS = 40


def reason_codes(bits: int) -> Tuple[str, ...]:
    """Short codes of :class:`~inspectors.rules.Ignored` bits (``("small", "outside")``)."""
    return tuple(code for bit, code in REASON_CODES if bits & bit)


def _drawn_faint(defect: Defect) -> bool:
    """An ignored defect worth showing: ignored for size or region, not for its score."""
    return not defect.kept and not defect.ignored_bits & Ignored.LOW_SCORE


def defect_tag(defect: Defect, scores: bool = True) -> str:
    """A defect's label: ``pit 0.93`` (NG), ``pit 0.55 ?`` (REVIEW), ``pit 0.41 - small``
    (ignored; several codes joined by ``,``)."""
    tag = f"{defect.class_name} {defect.score:.2f}" if scores else defect.class_name
    if not defect.kept:
        return f"{tag} - {','.join(reason_codes(defect.ignored_bits)) or 'ignored'}"
    return f"{tag} ?" if defect.level == "REVIEW" else tag


def _check(decision: Decision, class_ids: Sequence[int], what: str) -> None:
    got = [d.class_id for d in decision.defects]
    if got != [int(c) for c in class_ids]:
        raise ValueError(f"the decision does not belong to this {what} result: its defects have classes "
                         f"{got[:8]}, the result's candidates {[int(c) for c in class_ids][:8]}")


def _dash(t: int) -> Tuple[int, int]:
    return 3 * t + 3, 2 * t + 2


def dashed_polyline(image: np.ndarray, points: np.ndarray, color: Color, thickness: int,
                    closed: bool = True) -> None:
    """A dashed line through dense points ((N, 2) x, y one pixel apart, a contour of
    ``cv2.CHAIN_APPROX_NONE``)."""
    pts = np.asarray(points, np.int32).reshape(-1, 2)
    if closed and len(pts) > 1:
        pts = np.vstack([pts, pts[:1]])
    on, off = _dash(thickness)
    for start in range(0, len(pts), on + off):
        chunk = pts[start:start + on + 1]
        if len(chunk) == 1:
            cv2.line(image, tuple(map(int, chunk[0])), tuple(map(int, chunk[0])), color, thickness, cv2.LINE_8)
        else:
            cv2.polylines(image, [chunk], False, color, thickness, cv2.LINE_8)


def dashed_rectangle(image: np.ndarray, p1: Tuple[int, int], p2: Tuple[int, int], color: Color,
                     thickness: int) -> None:
    """``cv2.rectangle``'s outline (corners inclusive), dashed."""
    (x1, y1), (x2, y2) = p1, p2
    x1, x2 = min(x1, x2), max(x1, x2)
    y1, y2 = min(y1, y2), max(y1, y2)
    top = [(x, y1) for x in range(x1, x2 + 1)]
    right = [(x2, y) for y in range(y1 + 1, y2 + 1)]
    bottom = [(x, y2) for x in range(x2 - 1, x1 - 1, -1)]
    left = [(x1, y) for y in range(y2 - 1, y1, -1)]
    dashed_polyline(image, np.array(top + right + bottom + left, np.int32), color, thickness)


def _blend(out: np.ndarray, where: np.ndarray, colours: np.ndarray, a: float) -> None:
    """``out[where]`` blended with ``colours`` at opacity ``a`` (the annotate formula)."""
    out[where] = (out[where].astype(np.float32) * (1 - a) + colours * a + 0.5).astype(np.uint8)


def draw_segmentation_decided(out: np.ndarray, result: SegmentationResult, style: RenderStyle,
                              decision: Decision) -> np.ndarray:
    """Segmentation: each connected component drawn by its row of ``decision``."""
    lm = result.label_map
    names = result.class_names
    comp = class_components(lm, result.confidence, len(names), result.background_id, result.ignore_index)
    _check(decision, comp.class_ids, "segmentation")
    defects = decision.defects
    m = text.metrics(out.shape, style.font_scale, style.contour_thickness)
    visible = np.array([c < 256 and not style.is_hidden(int(c), names[int(c)]) for c in comp.class_ids], bool)
    kept = np.array([d.kept for d in defects], bool)
    faint = visible & ~kept & np.array([_drawn_faint(d) for d in defects], bool) & style.show_ignored
    shown = visible & kept
    lut = class_lut(len(names))
    for sel, a in ((faint, float(style.ignored_opacity)), (shown, float(style.mask_opacity))):
        if sel.any():
            where = np.concatenate([[False], sel])[comp.labels]
            _blend(out, where, lut[lm[where]].astype(np.float32), a)
    if style.contours:
        h, w = lm.shape
        # ignored first, then REVIEW, then NG: what counts is drawn on top
        order = sorted(np.flatnonzero(faint | shown), key=lambda k: (kept[k], defects[k].level == "NG"))
        for k in order:
            d = defects[k]
            x1, y1, x2, y2 = (int(v) for v in comp.boxes[k])
            x0, y0 = max(x1 - 1, 0), max(y1 - 1, 0)
            crop = (comp.labels[y0:min(y2 + 1, h), x0:min(x2 + 1, w)] == k + 1).astype(np.uint8)
            if d.level == "NG":
                contours, _ = cv2.findContours(crop, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE, offset=(x0, y0))
                cv2.drawContours(out, contours, -1, class_color(d.class_id), m.line, cv2.LINE_8)
                continue
            contours, _ = cv2.findContours(crop, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE, offset=(x0, y0))
            colour, line = (class_color(d.class_id), m.line) if d.kept else (IGNORED, 1)
            for cnt in contours:
                dashed_polyline(out, cnt, colour, line)
    entries: List[Tuple[str, Color]] = []
    if style.legend and style.labels:
        for cid in sorted({d.class_id for d, s in zip(defects, shown) if s}):
            mine = [d for d, s in zip(defects, shown) if s and d.class_id == cid]
            label = names[cid]
            if style.scores and result.confidence is not None:
                label += f" {max(d.score for d in mine):.2f}"
            if not any(d.level == "NG" for d in mine):
                label += " ?"
            entries.append((label, class_color(cid)))
    if style.labels:
        # NG defects are named by the in-image legend; without it (the viewer's strip, the
        # export's bar) each gets its own tag
        not_ng = np.array([d.level != "NG" or not entries for d in defects], bool)
        tagged = sorted(np.flatnonzero((faint | shown) & not_ng), key=lambda k: (not kept[k], -defects[k].score))
        tags = text.Labels()
        for k in reversed(tagged[:MAX_SEGMENT_TAGS]):  # the most important tag added last
            d = defects[k]
            colour = class_color(d.class_id) if d.kept else IGNORED
            tags.add(defect_tag(d, style.scores), int(comp.boxes[k][0]), int(comp.boxes[k][1]), colour)
        legend_at = text.legend_rect(out.shape, entries, m)
        tags.draw(out, m, [legend_at] if legend_at is not None else [])
    text.legend(out, entries, m)
    return out


def draw_detection_decided(out: np.ndarray, result: DetectionResult, style: RenderStyle,
                           decision: Decision) -> np.ndarray:
    """Detection: box i drawn by row i of ``decision``."""
    _check(decision, result.class_ids, "detection")
    m = text.metrics(out.shape, style.font_scale, style.box_thickness)
    order = np.argsort(result.scores, kind="stable")  # best boxes drawn last, on top
    rows = [(int(i), decision.defects[i]) for i in order
            if not style.is_hidden(decision.defects[i].class_id, decision.defects[i].class_name)]
    H, W = out.shape[:2]
    tags = text.Labels()
    if style.show_ignored:
        for i, d in rows:
            if d.kept or not _drawn_faint(d):
                continue
            x1, y1, x2, y2 = (int(round(float(v))) for v in result.boxes[i])
            ys, xs = slice(max(min(y1, y2), 0), max(min(max(y1, y2) + 1, H), 0)), \
                slice(max(min(x1, x2), 0), max(min(max(x1, x2) + 1, W), 0))
            region = out[ys, xs]
            if region.size:
                a = float(style.ignored_opacity)
                colour = np.array(class_color(d.class_id), np.float32)
                region[:] = (region.astype(np.float32) * (1 - a) + colour * a + 0.5).astype(np.uint8)
            dashed_rectangle(out, (x1, y1), (x2, y2), IGNORED, 1)
            if style.labels:
                tags.add(defect_tag(d, style.scores), x1, y1, IGNORED)
    for i, d in rows:
        if not d.kept:
            continue
        colour = class_color(d.class_id)
        x1, y1, x2, y2 = (int(round(float(v))) for v in result.boxes[i])
        if d.level == "NG":
            cv2.rectangle(out, (x1, y1), (x2, y2), colour, m.line, cv2.LINE_8)
        else:
            dashed_rectangle(out, (x1, y1), (x2, y2), colour, m.line)
        if style.labels:
            tag = f"{d.class_name} {result.scores[i]:.2f}" if style.scores else d.class_name
            tags.add(tag + (" ?" if d.level == "REVIEW" else ""), x1, y1, colour)
    tags.draw(out, m)  # after every box: no box line crosses a tag
    return out


def draw_classification_decided(out: np.ndarray, result: ClassificationResult, style: RenderStyle,
                                decision: Decision) -> np.ndarray:
    """Classification: the verdict line, then the top classes (the top one tagged as decided)."""
    clean = result.class_id in result.clean_ids
    _check(decision, [] if clean else [result.class_id], "classification")
    m = text.metrics(out.shape, style.font_scale)
    verdict = decision.verdict
    lines: List[Tuple[str, Color]] = [(verdict.name + (" ?" if verdict == ImageVerdict.REVIEW else ""),
                                      verdict_color(verdict))]
    for rank, tag, colour in topk_tags(result, style):
        if rank == 0 and decision.defects:
            d = decision.defects[0]
            if not d.kept:
                tag, colour = f"{tag} - {','.join(reason_codes(d.ignored_bits))}", IGNORED
            elif d.level == "REVIEW":
                tag += " ?"
        lines.append((tag if rank == 0 else f"  {tag}", colour))
    if style.labels:
        text.banner(out, lines, m)
    return out
