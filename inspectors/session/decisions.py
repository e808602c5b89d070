"""One model's decisions over a folder: each image's defect table, and its verdict (OK /
REVIEW / NG) at the session's rules and thresholds, re-decided for every image in one
:func:`inspectors.rules.decide_many` call when a rule or a threshold moves.

The tables are the same compact ones a run stores (:func:`inspectors.rules.defect_table`),
so re-deciding never reads a mask. The stacked form is rebuilt only after a table
changed; region results cached on it survive rule changes that keep the regions.
"""

from __future__ import annotations

from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np

from ..results import Thresholds
from ..rules import (
    DEFECT_DTYPE,
    NO_RESULT,
    BoundRules,
    Decision,
    DefectTable,
    DefectTables,
    Rules,
    bind,
    decide,
    decide_many,
)


def rules_for_model(rules: Rules, class_names: Sequence[str]) -> Rules:
    """``rules`` without the class entries this model does not have (one folder's rules
    apply to every model loaded on it; a class another model lacks is not an error here)."""
    names = set(class_names)
    kept = tuple((n, r) for n, r in rules.classes if n in names)
    if len(kept) == len(rules.classes):
        return rules
    return Rules(rules.default, kept, rules.calibration, rules.regions, rules.version)


def scores_table(scores: np.ndarray, image_size: Tuple[int, int] = (0, 0)) -> DefectTable:
    """A table from best scores per class alone (no geometry: size and region rules do not
    apply), for a summary that came without its table."""
    ids = np.flatnonzero(np.isfinite(scores))
    rows = np.zeros(len(ids), DEFECT_DTYPE)
    for name in DEFECT_DTYPE.names:
        if name not in ("cls", "score"):
            rows[name] = np.nan
    rows["cls"] = ids
    rows["score"] = scores[ids]
    return DefectTable("classification", image_size, rows)


class ModelDecisions:
    """Defect tables of every row for one model, and the verdicts at the bound rules."""

    def __init__(self, n: int, class_names: Tuple[str, ...]):
        self.class_names = class_names
        self.tables: List[Optional[DefectTable]] = [None] * n
        self.verdict = np.full(n, NO_RESULT, np.int8)
        self._stacked: Optional[DefectTables] = None
        self._bound: Optional[BoundRules] = None
        self._key: Optional[tuple] = None

    def bound(self, rules: Rules, thresholds: Thresholds, review_from: Optional[float] = None) -> BoundRules:
        """The rules bound to this model's classes (``review_from``: see :func:`bind`)."""
        key = (rules, thresholds, review_from)
        if self._bound is None or self._key != key:
            self._bound = bind(rules_for_model(rules, self.class_names), self.class_names, thresholds, review_from)
            self._key = key
        return self._bound

    def set_row(self, row: int, table: Optional[DefectTable], rules: Rules, thresholds: Thresholds,
                review_from: Optional[float] = None) -> None:
        """Store ``row``'s table (None: no result) and decide it alone."""
        self.tables[row] = table
        self._stacked = None
        if table is None:
            self.verdict[row] = NO_RESULT
        else:
            bound = self.bound(rules, thresholds, review_from)
            self.verdict[row] = decide_many(DefectTables.stack([table]), bound).verdict[0]

    def invalidate(self) -> None:
        """A table was replaced without deciding it: stack again at the next decision."""
        self._stacked = None

    def stacked(self) -> DefectTables:
        if self._stacked is None:
            self._stacked = DefectTables.stack(self.tables)
        return self._stacked

    def decide_all(self, rules: Rules, thresholds: Thresholds, review_from: Optional[float] = None) -> np.ndarray:
        """Every row's verdict (int8: ImageVerdict or NO_RESULT) at ``rules``."""
        self.verdict = decide_many(self.stacked(), self.bound(rules, thresholds, review_from)).verdict
        return self.verdict

    def decision(self, row: int, rules: Rules, thresholds: Thresholds,
                 review_from: Optional[float] = None) -> Optional[Decision]:
        """``row``'s verdict with each defect kept or ignored and why (the current image)."""
        table = self.tables[row]
        return None if table is None else decide(table, self.bound(rules, thresholds, review_from))


def combined(decisions: Dict[str, ModelDecisions], n: int) -> np.ndarray:
    """The worst verdict of any model per row (NO_RESULT where no model has a result)."""
    out = np.full(n, NO_RESULT, np.int8)
    for d in decisions.values():
        np.maximum(out, d.verdict, out=out)
    return out
