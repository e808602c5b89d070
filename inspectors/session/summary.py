"""A compact per-result summary that makes re-flagging at a new threshold cheap.

For every result type, ``result.is_defective(t)`` is true exactly when some defect
class reaches its threshold: a segmentation class whose best pixel confidence is
>= its threshold keeps that pixel; a detection class keeps its best box; a
classifier flags its top class unless that class means "clean". So the highest
score per defect class is all that flagging needs, and the label maps and boxes
are not touched again when the slider moves.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, Tuple

from ..results import ClassificationResult, DetectionResult, Result, SegmentationResult, Thresholds


@dataclass(frozen=True)
class Summary:
    """Highest score per defect class id, and the result's class names."""

    class_scores: Dict[int, float]
    class_names: Tuple[str, ...]

    @property
    def defect_score(self) -> float:
        return max(self.class_scores.values(), default=0.0)

    def flagged(self, thresholds: Thresholds) -> bool:
        return any(s >= thresholds.for_class(c, self.class_names) for c, s in self.class_scores.items())

    def flagged_classes(self, thresholds: Thresholds) -> Tuple[str, ...]:
        return tuple(self.class_names[c] for c, s in sorted(self.class_scores.items())
                     if s >= thresholds.for_class(c, self.class_names))


def summarize(result: Result) -> Summary:
    if isinstance(result, SegmentationResult):
        scores = {c: s for c, s in result.class_scores().items() if c != result.background_id}
    elif isinstance(result, DetectionResult):
        scores = {}
        for cid, s in zip(result.class_ids.tolist(), result.scores.tolist()):
            if s > scores.get(cid, -1.0):
                scores[cid] = float(s)
    elif isinstance(result, ClassificationResult):
        scores = {} if result.class_id in result.clean_ids else {result.class_id: result.score}
    else:
        raise TypeError(f"cannot summarize {type(result).__name__}")
    return Summary(scores, tuple(result.class_names))
