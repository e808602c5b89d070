"""What a legend lists, outside the image: the classes drawn and the marks' meaning.

One home for the viewer's legend strip (app) and the legend bars of exported images
(:mod:`inspectors.export.sheet`); drawing-free, so each draws it its own way."""

from __future__ import annotations

from dataclasses import dataclass
from typing import List, Optional, Tuple

from ..results import ClassificationResult, DetectionResult, Result, SegmentationResult
from ..rules import Decision
from .palette import Color, class_color
from .style import RenderStyle

#: the decision marks (:mod:`.decided`), as the legend explains them
REVIEW_NOTE = "dashed with ?: REVIEW"
IGNORED_NOTE = "faint: ignored by a rule"


@dataclass(frozen=True)
class LegendEntry:
    class_id: int
    name: str
    color: Color  # BGR, as drawn (:func:`.palette.class_color`)


def classes_of(*results: Optional[Result]) -> List[Tuple[int, str]]:
    """(class id, name) of what the results hold, by id, each name once."""
    seen = {}
    for r in results:
        if isinstance(r, DetectionResult):
            ids = [int(c) for c in r.class_ids]
        elif isinstance(r, SegmentationResult):
            ids = [c for c in r.class_areas() if c not in (r.background_id, r.ignore_index)]
        elif isinstance(r, ClassificationResult):
            ids = [int(r.class_id)]
        else:
            ids = []
        for c in ids:
            seen.setdefault(r.class_names[c], c)
    return sorted(((c, n) for n, c in seen.items()), key=lambda t: t[0])


def legend_entries(truth: Optional[Result], prediction: Optional[Result], style: RenderStyle,
                   decision: Optional[Decision] = None) -> Tuple[List[LegendEntry], List[str]]:
    """The classes shown (ground truth and what the prediction draws: above the thresholds,
    or what the rules kept) without hidden ones, and the notes on the decision marks."""
    shown = prediction
    if prediction is not None and decision is None and style.thresholds is not None:
        shown = prediction.filtered(style.thresholds)
    classes = classes_of(truth, None if decision is not None else shown)
    notes: List[str] = []
    if decision is not None:  # the classes of what the rules kept (ignored ones are faint)
        known = {n for _, n in classes}
        classes += [(d.class_id, d.class_name) for d in decision.defects if d.kept and d.class_name not in known]
        classes = sorted(dict((n, (c, n)) for c, n in classes).values())
        notes = [REVIEW_NOTE, IGNORED_NOTE]
    entries = [LegendEntry(c, n, class_color(c)) for c, n in classes if not style.is_hidden(c, n)]
    return entries, notes
