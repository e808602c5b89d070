"""The image list's view of a :class:`~.store.ResultsStore`: each row's state, score and
flagged classes for the model shown, the filters and their counts, the defect areas and
the models' disagreement the list sorts by. A mixin of the store, which keeps the results
and their decisions (``images``, ``_entries``, ``_codes``, ``_decisions``, ``_stale``,
``shown``, the decision settings and ``ground_truth``)."""

from __future__ import annotations

from typing import Dict, List, Optional

import numpy as np

from ..rules import decide_many
from .states import _ERROR, _NG, _NO, _OK, _REVIEW, _STATES, Filter, ImageState
from .summary import Summary


class ListView:
    """Queries of the image list (see the module)."""

    def set_disagreement(self, scores: Optional[np.ndarray]) -> None:
        """Per row how much two models disagree (0: they agree, NaN: not both inspected;
        :func:`inspectors.metrics.compare.image_disagreement`'s score), for the "models
        disagree" filter and its sort; None: no two models to compare."""
        self._disagreement = None if scores is None else np.asarray(scores, np.float64)

    def disagreement(self, row: int) -> Optional[float]:
        d = self._disagreement
        return None if d is None or not 0 <= row < len(d) or np.isnan(d[row]) else float(d[row])

    def defect_areas(self) -> np.ndarray:
        """Per row the defect area (px) the rules keep, summed over classes, of the model
        shown (with none shown: the largest over the models); 0 where there is no result or
        a result has no geometry."""
        out = np.zeros(len(self.images), np.float64)
        if self.shown is None:
            models = list(self._decisions.values())
        else:
            models = [self._decisions[self.shown]] if self.shown in self._decisions else []
        for d in models:
            tables = d.stacked()
            kept = decide_many(tables, d.bound(self.rules, self.thresholds, self.review_from)).kept_area
            np.maximum(out, np.nan_to_num(kept.sum(axis=1)), out=out)
        return out

    def state(self, row: int) -> ImageState:
        code = self._codes[row] if 0 <= row < len(self._codes) else _NO
        if code == _NO and self.is_stale(row):
            return ImageState.STALE
        return _STATES[code]

    def defect_score(self, row: int) -> float:
        """The best defect score of the model shown (of any model when none is)."""
        entry = self._entries.get(row)
        if entry is None:
            return 0.0
        if self.shown is None:
            return entry.score
        s = entry.summaries.get(self.shown)
        return s.defect_score if s is not None else 0.0

    def _shown_summaries(self, row: int) -> List[Summary]:
        entry = self._entries.get(row)
        if entry is None:
            return []
        if self.shown is None:
            return list(entry.summaries.values())
        return [entry.summaries[self.shown]] if self.shown in entry.summaries else []

    def flagged_classes(self, row: int) -> List[str]:
        names: List[str] = []
        for s in self._shown_summaries(row):
            names += [n for n in s.flagged_classes(self.thresholds) if n not in names]
        return names

    def gt_defective(self, row: int) -> Optional[bool]:
        return self.ground_truth(self.images[row]) if self.ground_truth else None

    def disagrees(self, row: int) -> bool:
        """The image is flagged but its ground truth is clean, or the other way round."""
        state = self.state(row)
        if state not in (ImageState.DEFECT, ImageState.CLEAN):
            return False
        gt = self.gt_defective(row)
        return gt is not None and gt != (state is ImageState.DEFECT)

    # -- views -------------------------------------------------------------------
    def rows(self, which: Filter = Filter.ALL, by_score: bool = False) -> List[int]:
        """Rows that pass ``which``, in folder order or by defect score (highest first)."""
        if which is Filter.ALL:
            out = list(range(len(self.images)))
        elif which is Filter.NO_RESULT:  # stale rows included: they hold no result now
            has_summary, has_error = self._view_flags()
            out = np.flatnonzero(~(has_summary | has_error)).tolist()
        elif which is Filter.FLAGGED:
            out = np.flatnonzero(self._codes == _NG).tolist()
        elif which is Filter.REVIEW:
            out = np.flatnonzero(self._codes == _REVIEW).tolist()
        elif which is Filter.OK:
            out = np.flatnonzero(self._codes == _OK).tolist()
        elif which is Filter.ERRORS:
            out = np.flatnonzero((self._codes == _ERROR) | self._view_flags()[1]).tolist()
        elif which is Filter.MODELS_DISAGREE:
            d = self._disagreement
            out = [] if d is None or len(d) != len(self.images) else np.flatnonzero(d > 0).tolist()
        else:
            out = [r for r in np.flatnonzero((self._codes == _NG) | (self._codes == _OK)).tolist()
                   if self.disagrees(r)]
        if by_score:
            out.sort(key=lambda r: -self.defect_score(r))  # stable: ties keep folder order
        return out

    def counts(self) -> Dict[ImageState, int]:
        counts = {s: 0 for s in ImageState}
        for code, n in enumerate(np.bincount(self._codes, minlength=len(_STATES)).tolist()):
            counts[_STATES[code]] = n
        if self.shown is not None:
            stale = {r for r in self._stale.get(self.shown, ()) if not self.has_outcome(r, self.shown)}
        else:
            stale = set().union(*self._stale.values()).difference(self._entries) if self._stale else set()
        counts[ImageState.STALE] = len(stale)
        counts[ImageState.NO_RESULT] -= len(stale)
        return counts
