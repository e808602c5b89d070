"""Chinese class names in exported images: OpenCV's Hershey font draws them as "??", so
inspectors.render.text draws non-ASCII text with the CJK TrueType font. Checked against
Pillow drawing the same string with the same font directly (and against OpenCV's "??")."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from inspectors.render import RenderStyle, annotate, text
from inspectors.report.fonts import report_font
from inspectors.results import DetectionResult

PIL = pytest.importorskip("PIL")
from PIL import Image, ImageDraw, ImageFont  # noqa: E402

NAME = "划痕"


def _cjk_font() -> str:
    f = report_font()
    if f.path is None or not f.cjk:
        pytest.skip("no CJK TrueType font (scripts/system-deps.sh installs fonts-wqy-zenhei)")
    return str(f.path)


def _ink(image: np.ndarray) -> np.ndarray:
    """Where white text is, as a cropped boolean mask."""
    g = image if image.ndim == 2 else image.max(axis=2)
    mask = g > 128
    ys, xs = np.nonzero(mask)
    assert len(ys), "nothing was drawn"
    return mask[ys.min():ys.max() + 1, xs.min():xs.max() + 1]


def _iou(a: np.ndarray, b: np.ndarray) -> float:
    h, w = max(a.shape[0], b.shape[0]), max(a.shape[1], b.shape[1])
    pa, pb = np.zeros((h, w), bool), np.zeros((h, w), bool)
    pa[:a.shape[0], :a.shape[1]], pb[:b.shape[0], :b.shape[1]] = a, b
    return float((pa & pb).sum() / max(1, (pa | pb).sum()))


def test_chinese_text_is_drawn_in_the_cjk_font_not_as_question_marks() -> None:
    path = _cjk_font()
    scale = 1.0
    ours = np.zeros((80, 200, 3), np.uint8)
    text.put_text(ours, NAME, (10, 55), scale, (255, 255, 255), 1)
    # reference: Pillow and the font file alone, at the size the module says
    size = text._truetype(scale).size
    ref = Image.new("L", (200, 80))
    ImageDraw.Draw(ref).text((10, 55), NAME, font=ImageFont.truetype(path, size), fill=255, anchor="ls")
    qmarks = np.zeros((80, 200, 3), np.uint8)
    cv2.putText(qmarks, NAME, (10, 55), cv2.FONT_HERSHEY_SIMPLEX, scale, (255, 255, 255), 1, cv2.LINE_AA)
    assert _iou(_ink(ours), _ink(np.asarray(ref))) > 0.9
    assert _iou(_ink(ours), _ink(qmarks)) < 0.3  # OpenCV alone draws "??"
    # about as tall as the Hershey capitals it sits beside (not a tiny or a huge label)
    (_, cap), _ = cv2.getTextSize("H", cv2.FONT_HERSHEY_SIMPLEX, scale, 1)
    assert 0.8 * cap <= _ink(ours).shape[0] <= 1.6 * cap


def test_ascii_text_keeps_the_hershey_font() -> None:
    ours = np.zeros((60, 200, 3), np.uint8)
    text.put_text(ours, "scratch 0.87", (5, 40), 1.0, (255, 255, 255), 2)
    ref = np.zeros_like(ours)
    cv2.putText(ref, "scratch 0.87", (5, 40), cv2.FONT_HERSHEY_SIMPLEX, 1.0, (255, 255, 255), 2, cv2.LINE_AA)
    assert np.array_equal(ours, ref)


def test_a_detection_labelled_with_a_chinese_class_gets_a_tag_as_wide_as_its_name() -> None:
    """The whole path: an overlay of a box of class 划痕 has a filled tag above the box as
    wide as Pillow measures the label in the CJK font (OpenCV's "??" would be narrower)."""
    path = _cjk_font()
    image = np.full((300, 400, 3), 60, np.uint8)
    res = DetectionResult(boxes=np.array([[100, 120, 300, 260]], np.float32), scores=np.array([0.9], np.float32),
                          class_ids=np.array([0], np.int32), class_names=(NAME,), image_size=(300, 400))
    out = annotate(image, res, RenderStyle())
    m = text.metrics(image.shape)
    font = ImageFont.truetype(path, text._truetype(m.scale).size)
    row = np.any(out[100:118] != image[100:118], axis=2).any(axis=0)  # the tag, above the box's top edge
    cols = np.flatnonzero(row)
    tags = [t for t in (f"{NAME} 0.90", f"{NAME} 0.9", f"{NAME}") if abs(
        (cols.max() - cols.min() + 1) - (font.getlength(t) + 2 * m.pad)) <= 3]
    assert tags, f"tag {cols.max() - cols.min() + 1} px wide; {NAME} 0.90 measures {font.getlength(NAME + ' 0.90')}"
