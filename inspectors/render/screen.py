"""Rendering overlays for a screen: at the view's scale, so lines stay thin and text keeps
one size on screen at any zoom.

The viewer shows an image at ``zoom`` screen pixels per image pixel. The overlay is drawn on
the image enlarged ``k`` times (whole pixels repeated, so the picture itself is unchanged and
the result's components keep their order), with text and lines sized for the screen, then
shown at ``zoom / k``. Exports keep :func:`.annotate.annotate` at the image's own size.
"""

from __future__ import annotations

import math
from typing import Optional, Tuple

import numpy as np

from ..results import DetectionResult, Result, SegmentationResult
from .style import RenderStyle

#: text height on screen (OpenCV font scale at one image pixel per screen pixel)
SCREEN_FONT_SCALE = 0.5
#: outline width on screen, in screen pixels
SCREEN_LINE = 2
#: the enlarged image stays under this many pixels (a big image at high zoom: text grows instead)
MAX_PIXELS = 4_000_000  # drawn on a worker thread (app.widgets.viewer); the tags are Qt items


def render_factor(zoom: float, shape: Tuple[int, ...], max_pixels: int = MAX_PIXELS) -> int:
    """How many times to enlarge the image before drawing: enough for one rendered pixel per
    screen pixel, within ``max_pixels``."""
    h, w = int(shape[0]), int(shape[1])
    k = max(1, math.ceil(zoom - 1e-6))
    cap = max(1, int(math.sqrt(max_pixels / max(1, h * w))))
    return min(k, cap)


def screen_style(style: RenderStyle, zoom: float, k: int) -> RenderStyle:
    """``style`` with text and line widths that come out at a fixed screen size when the
    image enlarged ``k`` times is shown at ``zoom / k``."""
    per_screen_px = k / max(zoom, 1e-6)  # rendered pixels per screen pixel
    line = max(1, int(round(SCREEN_LINE * per_screen_px)))
    return style.with_(font_scale=max(0.3, SCREEN_FONT_SCALE * per_screen_px),
                       contour_thickness=line, box_thickness=line)


def enlarged(image: np.ndarray, result: Optional[Result], k: int) -> Tuple[np.ndarray, Optional[Result]]:
    """``image`` and ``result`` enlarged ``k`` times (pixels repeated; boxes scaled)."""
    if k == 1:
        return image, result

    def rep(a: np.ndarray) -> np.ndarray:
        return np.repeat(np.repeat(a, k, axis=0), k, axis=1)

    if isinstance(result, SegmentationResult):
        result = SegmentationResult(rep(result.label_map), result.class_names,
                                    None if result.confidence is None else rep(result.confidence),
                                    result.background_id, result.ignore_index)
    elif isinstance(result, DetectionResult):
        h, w = result.image_size
        result = DetectionResult(result.boxes * k, result.scores, result.class_ids, result.class_names,
                                 (h * k, w * k))
    return rep(image), result
