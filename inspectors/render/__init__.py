"""Qt-free overlay renderers: ``annotate(image, result, style)``, ``compare`` and ``diff``.

``annotate(..., decision=)`` draws a rules decision: ignored defects faint, REVIEW-level
ones dashed with "?" (:mod:`.decided`). Every function returns a new BGR uint8 image and leaves its input untouched.
"""

from .annotate import annotate, as_bgr
from .compare import box_marks, compare, diff, match_boxes
from .decided import defect_tag, reason_codes
from .palette import FALSE_POSITIVE, HIT, MISS, PALETTE, VERDICT_COLORS, class_color, verdict_color
from .style import DEFAULT_STYLE, RenderStyle

__all__ = [
    "FALSE_POSITIVE",
    "HIT",
    "MISS",
    "PALETTE",
    "DEFAULT_STYLE",
    "RenderStyle",
    "VERDICT_COLORS",
    "annotate",
    "as_bgr",
    "box_marks",
    "class_color",
    "compare",
    "defect_tag",
    "diff",
    "match_boxes",
    "reason_codes",
    "verdict_color",
]
