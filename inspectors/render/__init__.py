"""Qt-free overlay renderers: ``annotate(image, result, style)``, ``compare`` and ``diff``.

Every function returns a new BGR uint8 image and leaves its input untouched.
"""

from .annotate import annotate, as_bgr
from .compare import box_marks, compare, diff, match_boxes
from .palette import FALSE_POSITIVE, HIT, MISS, PALETTE, class_color
from .style import DEFAULT_STYLE, RenderStyle

__all__ = [
    "FALSE_POSITIVE",
    "HIT",
    "MISS",
    "PALETTE",
    "DEFAULT_STYLE",
    "RenderStyle",
    "annotate",
    "as_bgr",
    "box_marks",
    "class_color",
    "compare",
    "diff",
    "match_boxes",
]
