"""Text labels and banners drawn with OpenCV, sized to stay readable from
200x200 NEU images to 1600x256 steel strips and 1333x800 aluminium photos.

OpenCV's Hershey fonts have ASCII only (a Chinese class name such as 划痕 comes out as
"??"), so text with other characters is drawn with Pillow and the reports' TrueType CJK
font (:func:`inspectors.report.fonts.report_font`: WenQuanYi Zen Hei), at the size the
Hershey font would have. ASCII text keeps the Hershey font, as before."""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Iterator, List, Optional, Sequence, Tuple

import cv2
import numpy as np

from .palette import Color, text_color
from .placement import Rect, leader_points, place_labels

FONT = cv2.FONT_HERSHEY_SIMPLEX


@dataclass(frozen=True)
class Metrics:
    scale: float
    thickness: int
    line: int  # line thickness for boxes / contours
    pad: int


def metrics(shape: Tuple[int, ...], font_scale: float = 0.0, line: int = 0) -> Metrics:
    """Font scale and line widths from the image's short side (overridable)."""
    short = min(int(shape[0]), int(shape[1]))
    scale = font_scale or float(np.clip(short / 520.0, 0.36, 1.1))
    thickness = 1 if scale < 0.65 else 2
    width = line or max(1, int(round(short / 200.0)))
    return Metrics(scale, thickness, width, max(2, int(round(scale * 5))))


def needs_truetype(text: str) -> bool:
    """True when the Hershey font cannot draw ``text`` (any character beyond ASCII)."""
    return not text.isascii()


@lru_cache(maxsize=16)
def _truetype(scale: float) -> Optional[Any]:
    """The CJK TrueType font at the pixel size of the Hershey font at ``scale`` (None
    without Pillow or a TrueType font: the text is then drawn by OpenCV, as ``?``)."""
    try:
        from PIL import ImageFont

        from ..report.fonts import report_font
    except ImportError:
        return None
    path = report_font().path
    if path is None:
        return None
    (_, cap), _ = cv2.getTextSize("H", FONT, scale, 1)
    return ImageFont.truetype(str(path), max(8, int(round(cap / 0.72))))  # cap height ~0.72 em


def text_size(text: str, m: Metrics) -> Tuple[int, int, int]:
    """(width, height above the baseline, depth below it) in pixels."""
    font = _truetype(m.scale) if needs_truetype(text) else None
    if font is not None:
        ascent, descent = font.getmetrics()
        return int(round(font.getlength(text))), ascent, descent
    (w, h), base = cv2.getTextSize(text, FONT, m.scale, m.thickness)
    return w, h, base


def put_text(image: np.ndarray, text: str, org: Tuple[int, int], scale: float, color: Color,
             thickness: int) -> None:
    """``cv2.putText`` (``org``: the baseline's left end), with non-ASCII text drawn by
    Pillow in the CJK font, on the pixels around the text only."""
    font = _truetype(scale) if needs_truetype(text) else None
    if font is None:
        cv2.putText(image, text, org, FONT, scale, color, thickness, cv2.LINE_AA)
        return
    from PIL import Image, ImageDraw

    x, y = int(org[0]), int(org[1])
    ascent, descent = font.getmetrics()
    H, W = image.shape[:2]
    x0, y0 = max(0, x), max(0, y - ascent)
    x1, y1 = min(W, x + int(font.getlength(text)) + 2), min(H, y + descent + 1)
    if x1 <= x0 or y1 <= y0:
        return
    patch = Image.fromarray(np.ascontiguousarray(image[y0:y1, x0:x1]))
    fill: Any = tuple(int(c) for c in color) if image.ndim == 3 else int(color[0])
    stroke = 1 if thickness >= 2 and font.size >= 20 else 0  # Hershey's bold at large scales
    ImageDraw.Draw(patch).text((x - x0, y - y0), text, font=font, fill=fill, anchor="ls",
                               stroke_width=stroke, stroke_fill=fill)
    image[y0:y1, x0:x1] = np.asarray(patch)


def label(image: np.ndarray, text: str, x: int, y: int, color: Color, m: Metrics,
          above: bool = True) -> None:
    """A filled tag with ``text`` whose bottom-left corner sits at (x, y) when ``above``
    (its top-left otherwise); moved inside the image when it would leave it."""
    w, h, base = text_size(text, m)
    tw, th = w + 2 * m.pad, h + base + 2 * m.pad
    H, W = image.shape[:2]
    top = y - th if above else y
    if top < 0:
        top = y if above else 0
    top = int(np.clip(top, 0, max(0, H - th)))
    left = int(np.clip(x, 0, max(0, W - tw)))
    cv2.rectangle(image, (left, top), (left + tw, top + th), color, -1)
    put_text(image, text, (left + m.pad, top + m.pad + h), m.scale, text_color(color), m.thickness)


def tag_size(text: str, m: Metrics) -> Tuple[int, int]:
    """Width and height of a filled tag holding ``text`` (as :func:`label` fills it, both
    corners inclusive)."""
    w, h, base = text_size(text, m)
    return w + 2 * m.pad + 1, h + base + 2 * m.pad + 1


def draw_tag(image: np.ndarray, text: str, rect: Rect, color: Color, m: Metrics) -> None:
    left, top, tw, th = rect
    _w, h, _base = text_size(text, m)
    cv2.rectangle(image, (left, top), (left + tw - 1, top + th - 1), color, -1)
    put_text(image, text, (left + m.pad, top + m.pad + h), m.scale, text_color(color), m.thickness)


#: a tag handed to a screen overlay instead of burned in: text, anchor x, y (image pixels), colour
Tag = Tuple[str, int, int, Color]
_sink: ContextVar[Optional[List[Tag]]] = ContextVar("tag_sink", default=None)


@contextmanager
def collect_tags() -> Iterator[List[Tag]]:
    """While open, :meth:`Labels.draw` draws no tags and appends them here (most important
    last, as drawn), for a viewer that draws them at the screen's scale (Qt items placed
    by :func:`.placement.place_labels`). Per thread."""
    tags: List[Tag] = []
    token = _sink.set(tags)
    try:
        yield tags
    finally:
        _sink.reset(token)


class Labels:
    """Tags collected while drawing, placed together (:func:`.placement.place_labels`) so that
    none covers another, none is cut at the image edge and none sits on the legend.

    ``add`` in drawing order (the last added is the most important, as when drawn on top)."""

    def __init__(self) -> None:
        self._items: List[Tuple[str, int, int, Color]] = []

    def add(self, text: str, x: int, y: int, color: Color) -> None:
        self._items.append((text, int(x), int(y), color))

    def draw(self, image: np.ndarray, m: Metrics, obstacles: Sequence[Rect] = ()) -> List[Optional[Rect]]:
        """Draw the tags; returns where each went (None: no free spot), in ``add`` order.
        Inside :func:`collect_tags` nothing is drawn and every spot is None."""
        sink = _sink.get()
        if sink is not None:
            sink.extend(self._items)
            return [None] * len(self._items)
        H, W = image.shape[:2]
        items = self._items[::-1]  # the most important first: it keeps its preferred spot
        spots = place_labels([(x, y) for _t, x, y, _c in items], [tag_size(t, m) for t, *_ in items],
                             (W, H), obstacles)
        for (_text, x, y, color), spot in zip(items, spots):
            if spot is not None and spot.leader:
                a, b = leader_points((x, y), spot.rect)
                cv2.line(image, a, b, color, max(1, m.line // 2), cv2.LINE_AA)
        for (text, _x, _y, color), spot in zip(items[::-1], spots[::-1]):
            if spot is not None:
                draw_tag(image, text, spot.rect, color, m)
        return [None if s is None else s.rect for s in spots[::-1]]


def banner(image: np.ndarray, lines: Sequence[Tuple[str, Color]], m: Metrics,
           bottom: bool = False) -> None:
    """Text lines on a dark translucent band across the top (or bottom) of ``image``."""
    if not lines:
        return
    H, W = image.shape[:2]
    heights = [text_size(t, m)[1] + text_size(t, m)[2] for t, _ in lines]
    band = int(sum(heights) + m.pad * (len(lines) + 1))
    band = min(band, H)
    y0 = H - band if bottom else 0
    region = image[y0:y0 + band]
    region[:] = (region.astype(np.float32) * 0.35).astype(np.uint8)
    y = y0 + m.pad
    for (text, color), hh in zip(lines, heights):
        put_text(image, text, (m.pad, y + hh - m.pad // 2), m.scale, color, m.thickness)
        y += hh + m.pad


def legend_rect(image_shape: Tuple[int, ...], entries: Sequence[Tuple[str, Color]], m: Metrics) -> Optional[Rect]:
    """Where :func:`legend` draws (x, y, w, h), for labels to keep clear of it."""
    if not entries:
        return None
    W = int(image_shape[1])
    widths = [text_size(t, m)[0] for t, _ in entries]
    _, h, base = text_size("Ag", m)
    box_w = max(widths) + h + 3 * m.pad
    box_h = (h + base + m.pad) * len(entries) + m.pad
    return max(0, W - box_w - m.pad), m.pad, box_w, box_h


def legend(image: np.ndarray, entries: Sequence[Tuple[str, Color]], m: Metrics) -> None:
    """Coloured swatches with names in the top-right corner."""
    if not entries:
        return
    H, W = image.shape[:2]
    sizes = [text_size(t, m) for t, _ in entries]
    widths = [w for w, _, _ in sizes]
    _, h, base = text_size("Ag", m)
    h, base = max([h] + [s[1] for s in sizes]), max([base] + [s[2] for s in sizes])
    row = h + base + m.pad
    sw = h
    box_w = max(widths) + sw + 3 * m.pad
    box_h = row * len(entries) + m.pad
    x0, y0 = max(0, W - box_w - m.pad), m.pad
    region = image[y0:min(H, y0 + box_h), x0:min(W, x0 + box_w)]
    region[:] = (region.astype(np.float32) * 0.35).astype(np.uint8)
    y = y0 + m.pad
    for text, color in entries:
        cv2.rectangle(image, (x0 + m.pad, y), (x0 + m.pad + sw, y + h), color, -1)
        put_text(image, text, (x0 + 2 * m.pad + sw, y + h), m.scale, (255, 255, 255), m.thickness)
        y += row
