"""A fixed, distinguishable class palette (BGR) and text-colour helpers.

The same class id always gets the same colour, in overlays, exports and the GUI's
swatches. Diff colours are kept apart from class colours on purpose.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, List, Tuple

import numpy as np

if TYPE_CHECKING:
    from ..results import ClassificationResult
    from .style import RenderStyle

Color = Tuple[int, int, int]

# Saturated colours that stay visible on gray steel / tile images (RGB, turned to BGR below).
_RGB = (
    (230, 25, 75), (60, 180, 75), (255, 225, 25), (0, 130, 200), (245, 130, 48),
    (145, 30, 180), (70, 240, 240), (240, 50, 230), (210, 245, 60), (250, 190, 212),
    (0, 128, 128), (220, 190, 255), (170, 110, 40), (255, 250, 200), (128, 0, 0),
    (170, 255, 195), (128, 128, 0), (255, 215, 180), (0, 0, 128), (128, 128, 128),
)
PALETTE: Tuple[Color, ...] = tuple((b, g, r) for r, g, b in _RGB)

#: Diff marks (BGR): prediction matches ground truth, false positive, miss, wrong class.
HIT: Color = (60, 200, 60)
FALSE_POSITIVE: Color = (40, 40, 235)
MISS: Color = (0, 165, 255)
CONFUSED: Color = (0, 230, 255)
#: Diff mark of a difficult ground-truth box and of a prediction matched to one (not counted).
IGNORED: Color = (170, 170, 170)
#: Image verdict colours (BGR), indexed by :class:`inspectors.rules.ImageVerdict` (OK, REVIEW, NG).
VERDICT_COLORS: Tuple[Color, ...] = ((60, 200, 60), (0, 200, 255), (40, 40, 235))


def class_color(class_id: int) -> Color:
    """Colour of a class id (class 0 of a segmentation model is never painted)."""
    return PALETTE[int(class_id) % len(PALETTE)]


def class_lut(n: int) -> np.ndarray:
    """(256, 3) BGR colour per label value."""
    lut = np.zeros((256, 3), np.uint8)
    for cid in range(min(n, 256)):
        lut[cid] = class_color(cid)
    return lut


def verdict_color(verdict: int) -> Color:
    """Colour of an image verdict (OK green, REVIEW amber, NG red)."""
    return VERDICT_COLORS[int(verdict)]


def text_color(background: Color) -> Color:
    """Black or white, whichever reads better on ``background`` (BGR)."""
    b, g, r = background
    return (0, 0, 0) if 0.299 * r + 0.587 * g + 0.114 * b > 140 else (255, 255, 255)


def topk_tags(result: ClassificationResult, style: RenderStyle) -> List[Tuple[int, str, Color]]:
    """(rank, tag, colour) of the top classes a classification banner lists (clean classes
    white); the decided banner tags the first one further."""
    out: List[Tuple[int, str, Color]] = []
    for rank, (cid, name, p) in enumerate(result.topk(3 if style.legend else 1)):
        if style.is_hidden(cid, name):
            continue
        if rank and p < 0.01:
            break
        colour = (255, 255, 255) if cid in result.clean_ids else PALETTE[cid % len(PALETTE)]
        out.append((rank, f"{name} {p:.2f}" if style.scores else name, colour))
    return out
