"""The report's compare image: ground truth | prediction at the same scale, a caption bar
above (file, verdict, ground truth, outcome, score) and the legend below, outside the
pictures. Small images are enlarged by a whole factor (results with them) so labels stay
legible; text is drawn with the report font, so Chinese names render."""

from __future__ import annotations

import math
from dataclasses import replace
from typing import List, Optional, Sequence, Tuple

import cv2
import numpy as np

from ..render import RenderStyle, annotate, compare
from ..render import text as render_text
from ..render.compare import titled
from ..render.legend import LegendEntry, legend_entries
from ..report.fonts import report_font
from ..results import ClassificationResult, DetectionResult, Result, SegmentationResult
from ..rules import Decision

MIN_SIDE = 480  # panels are enlarged until their longer side reaches this
PAD = 10


def scaled(result: Optional[Result], k: int) -> Optional[Result]:
    """``result`` on an image ``k`` times larger (nearest for label maps: components stay
    the same components, so a decision's rows still match)."""
    if result is None or k == 1:
        return result
    if isinstance(result, DetectionResult):
        h, w = result.image_size
        return replace(result, boxes=result.boxes * k, image_size=(h * k, w * k))
    if isinstance(result, SegmentationResult):
        lm = np.repeat(np.repeat(result.label_map, k, axis=0), k, axis=1)
        conf = None if result.confidence is None else np.repeat(np.repeat(result.confidence, k, axis=0), k, axis=1)
        return replace(result, label_map=lm, confidence=conf)
    if isinstance(result, ClassificationResult):
        h, w = result.image_size
        return replace(result, image_size=(h * k, w * k))
    return result


def _font(size: int):
    from PIL import ImageFont

    f = report_font()
    if f.path is None:
        return ImageFont.load_default()
    return ImageFont.truetype(str(f.path), size, index=0) if f.path.suffix.lower() == ".ttc" \
        else ImageFont.truetype(str(f.path), size)


def _text_bar(width: int, lines: Sequence[Tuple[str, Tuple[int, int, int]]], sizes: Sequence[int],
              background=(255, 255, 255)) -> np.ndarray:
    """A BGR bar of ``width`` with text lines (RGB colours), wrapped to the width."""
    from PIL import Image, ImageDraw

    wrapped: List[Tuple[str, Tuple[int, int, int], int]] = []
    probe = ImageDraw.Draw(Image.new("RGB", (1, 1)))
    for (text, colour), size in zip(lines, sizes):
        font = _font(size)
        line = ""
        for word in text.split(" "):
            trial = f"{line} {word}".strip()
            if line and probe.textlength(trial, font=font) > width - 2 * PAD:
                wrapped.append((line, colour, size))
                line = word
            else:
                line = trial
        wrapped.append((line, colour, size))
    height = PAD * 2 + sum(int(s * 1.35) for _, _, s in wrapped)
    img = Image.new("RGB", (width, height), background)
    draw = ImageDraw.Draw(img)
    y = PAD
    for text, colour, size in wrapped:
        draw.text((PAD, y), text, fill=colour, font=_font(size))
        y += int(size * 1.35)
    return cv2.cvtColor(np.asarray(img), cv2.COLOR_RGB2BGR)


def legend_bar(width: int, entries: Sequence[LegendEntry], notes: Sequence[str]) -> np.ndarray:
    """A BGR bar of ``width``: class colour swatches and the drawing conventions, for below
    the pictures (compare sheets and exported overlays)."""
    from PIL import Image, ImageDraw

    size = 15
    font = _font(size)
    probe = ImageDraw.Draw(Image.new("RGB", (1, 1)))
    items: List[Tuple[Optional[Tuple[int, int, int]], str]] = []
    for e in entries:
        b, g, r = e.color
        items.append(((r, g, b), e.name))
    items += [(None, n) for n in notes]
    x, y, rows = PAD, PAD, [[]]
    for colour, text in items:
        w = (size + 6 if colour else 0) + int(probe.textlength(text, font=font)) + 18
        if x + w > width - PAD and rows[-1]:
            rows.append([])
            x = PAD
        rows[-1].append((x, colour, text))
        x += w
    height = PAD * 2 + len(rows) * (size + 8)
    img = Image.new("RGB", (width, height), (246, 247, 249))
    draw = ImageDraw.Draw(img)
    for row in rows:
        for x, colour, text in row:
            if colour:
                draw.rectangle((x, y + 2, x + size - 2, y + size), fill=colour, outline=(60, 60, 60))
                x += size + 6
            draw.text((x, y), text, fill=(60, 66, 80) if colour else (100, 106, 118), font=font)
        y += size + 8
    return cv2.cvtColor(np.asarray(img), cv2.COLOR_RGB2BGR)


def overlay_image(image: np.ndarray, result: Optional[Result], style: RenderStyle,
                  decision: Optional[Decision] = None) -> np.ndarray:
    """The exported overlay: :func:`annotate` without its in-image legend, and the legend
    bar appended below (the image region is exactly annotate's output)."""
    picture = annotate(image, result, style.with_(legend=False), decision)
    entries, notes = legend_entries(None, result, style, decision)
    if not entries and not notes:
        return picture
    return np.vstack([picture, legend_bar(picture.shape[1], entries, notes)])


def compare_sheet(image: np.ndarray, truth: Optional[Result], prediction: Optional[Result],
                  style: RenderStyle, decision: Optional[Decision] = None,
                  title: str = "", caption: str = "", tone: Tuple[int, int, int] = (29, 36, 48),
                  with_truth: bool = True) -> np.ndarray:
    """GT | prediction (``compare``, same scale), enlarged for small images, with a
    caption bar (``title`` bold line, ``caption`` below it, RGB ``tone``) and the legend
    outside the pictures. ``with_truth`` False (a folder without ground truth): the
    prediction alone."""
    h, w = image.shape[:2]
    k = max(1, math.ceil(MIN_SIDE / max(h, w))) if max(h, w) < MIN_SIDE else 1
    if k > 1:
        image = cv2.resize(image, (w * k, h * k), interpolation=cv2.INTER_CUBIC)
    short = min(image.shape[0], image.shape[1])
    style = style.with_(legend=False, font_scale=style.font_scale or float(np.clip(short / 900.0, 0.45, 0.7)))
    if truth is None and not with_truth:  # no ground truth at all: the model's drawing alone
        m = render_text.metrics(image.shape, style.font_scale)
        panel = titled(annotate(image, scaled(prediction, k), style, decision), "Prediction", m)
    else:
        panel = compare(image, scaled(truth, k), scaled(prediction, k), style, decision=decision)
    width = max(panel.shape[1], 640)
    if panel.shape[1] < width:
        panel = cv2.copyMakeBorder(panel, 0, 0, 0, width - panel.shape[1], cv2.BORDER_CONSTANT,
                                   value=(255, 255, 255))
    head = _text_bar(width, [(title, tone), (caption, (70, 78, 92))], [20, 15])
    wide = image.shape[1] > 2 * image.shape[0]  # compare stacks wide strips (its own rule)
    sides = ["top: ground truth", "bottom: the model"] if wide else ["left: ground truth", "right: the model"]
    notes = sides if truth is not None or with_truth else []
    if k > 1:
        notes.append(f"enlarged {k}x")
    entries, marks = legend_entries(truth, prediction, style, decision)
    notes = notes + marks
    foot = legend_bar(width, entries, notes)
    return np.vstack([head, panel, foot])
