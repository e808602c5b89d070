"""What is under the cursor: the status bar's pixel readout and the hover text of a defect.

Pure functions of the image, the result and the rules' decision (no Qt), so tests compare
them with numpy directly."""

from __future__ import annotations

from typing import Optional

import numpy as np

from inspectors.results import DetectionResult, Result, SegmentationResult
from inspectors.rules import Decision, Defect

from ..display_text import rule_text, word
from ..i18n import translate


def pixel_text(image: Optional[np.ndarray], x: int, y: int) -> str:
    """``x 12  y 40  gray 128`` or ``x 12  y 40  RGB 200, 31, 7`` (the image is BGR); empty outside."""
    if image is None or not (0 <= y < image.shape[0] and 0 <= x < image.shape[1]):
        return ""
    v = image[y, x]
    if image.ndim == 2 or image.shape[2] == 1:
        return translate("PixelReadout", "x {x}  y {y}  gray {v}").format(x=x, y=y, v=int(np.ravel(v)[0]))
    b, g, r = (int(c) for c in v[:3])
    return f"x {x}  y {y}  RGB {r}, {g}, {b}"


def result_text(result: Optional[Result], x: int, y: int) -> str:
    """Segmentation: the class (and confidence) of the pixel; detection: the best box under it."""
    if isinstance(result, SegmentationResult):
        lm = result.label_map
        if not (0 <= y < lm.shape[0] and 0 <= x < lm.shape[1]):
            return ""
        cid = int(lm[y, x])
        name = result.class_names[cid] if 0 <= cid < len(result.class_names) else str(cid)
        if result.confidence is None:
            return translate("PixelReadout", "class {name}").format(name=name)
        return translate("PixelReadout", "class {name}  confidence {c:.2f}").format(name=name, c=float(result.confidence[y, x]))
    if isinstance(result, DetectionResult) and len(result.boxes):
        b = np.asarray(result.boxes, float)
        inside = (b[:, 0] <= x) & (x <= b[:, 2]) & (b[:, 1] <= y) & (y <= b[:, 3])
        if not inside.any():
            return ""
        i = int(np.flatnonzero(inside)[np.argmax(np.asarray(result.scores)[inside])])
        return translate("PixelReadout", "box {name} {s:.2f}").format(name=result.class_names[int(result.class_ids[i])], s=float(result.scores[i]))
    return ""


def defect_at(decision: Optional[Decision], x: int, y: int,
              result: Optional[Result] = None) -> Optional[Defect]:
    """The defect under (x, y): the smallest box holding the point (segmentation: of the
    pixel's class), kept defects before ignored ones."""
    if decision is None:
        return None
    cls = None
    if isinstance(result, SegmentationResult):
        lm = result.label_map
        if not (0 <= y < lm.shape[0] and 0 <= x < lm.shape[1]):
            return None
        cls = int(lm[y, x])
    found = [d for d in decision.defects if d.box is not None
             and d.box[0] <= x <= d.box[2] and d.box[1] <= y <= d.box[3] and (cls is None or d.class_id == cls)]
    if not found:
        return None
    return min(found, key=lambda d: (not d.kept, (d.box[2] - d.box[0]) * (d.box[3] - d.box[1])))


def _num(v: float) -> str:
    return f"{v:.0f}" if abs(v) >= 100 else f"{v:.3g}"


def defect_tooltip(d: Defect) -> str:
    """Class, score, level, area and size, in px and (with a calibration) mm."""
    lines = [translate("PixelReadout", "{name}  score {s:.2f}").format(name=d.class_name, s=d.score)]
    if d.kept:
        lines.append(word(d.level or "") + ("  " + translate("PixelReadout", "(to review)") if d.level == "REVIEW" else ""))
    else:
        lines.append(translate("PixelReadout", "ignored: {why}").format(why=", ".join(rule_text(w) for w in d.ignored) or "-"))
    if d.area_px is not None:
        area = translate("PixelReadout", "area {a} px").format(a=_num(d.area_px))
        if d.area_mm2 is not None:
            area += f"  ({_num(d.area_mm2)} mm²)"
        lines.append(area)
    if d.box is not None:
        w, h = d.box[2] - d.box[0], d.box[3] - d.box[1]
        size = translate("PixelReadout", "size {w} x {h} px").format(w=_num(w), h=_num(h))
        if d.length_mm is not None:
            size += "  " + translate("PixelReadout", "(length {v} mm)").format(v=_num(d.length_mm))
        elif d.length_px is not None:
            size += "  " + translate("PixelReadout", "(length {v} px)").format(v=_num(d.length_px))
        lines.append(size)
    return "\n".join(lines)
