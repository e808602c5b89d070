"""A compact per-result summary that makes re-flagging at a new threshold cheap.

Flagging is :func:`inspectors.results.is_defective`: some defect class's best score
(:func:`~inspectors.results.defect_class_scores`) reaches its threshold. That vector of
best scores is all the decision needs, so it is kept here and the label maps and boxes
are not touched again when the slider moves; the comparison itself is the results'
:func:`~inspectors.results.flagged_classes`, the one the metrics use too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, Tuple

import numpy as np

from ..results import Result, Thresholds, defect_class_scores, flagged_classes


@dataclass(frozen=True, eq=False)
class Summary:
    """Highest score per class (float32, -inf where the class cannot flag the image)."""

    scores: np.ndarray
    class_names: Tuple[str, ...]

    @property
    def class_scores(self) -> Dict[int, float]:
        """Highest score per defect class present."""
        return {int(c): float(self.scores[c]) for c in np.flatnonzero(np.isfinite(self.scores))}

    @property
    def defect_score(self) -> float:
        return float(self.scores.max()) if np.isfinite(self.scores).any() else 0.0

    def flagged(self, thresholds: Thresholds) -> bool:
        return bool(flagged_classes(self.scores, thresholds, self.class_names).any())

    def flagged_classes(self, thresholds: Thresholds) -> Tuple[str, ...]:
        hit = flagged_classes(self.scores, thresholds, self.class_names)
        return tuple(self.class_names[c] for c in np.flatnonzero(hit))


def summarize(result: Result) -> Summary:
    return Summary(defect_class_scores(result), tuple(result.class_names))
