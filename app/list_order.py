"""The image list's search and sort orders (Qt-free, so they are tested on plain lists).

Search: a pattern with ``*``, ``?`` or ``[`` is a glob over the whole name (fnmatch rules,
case-insensitive); anything else is a case-insensitive substring. Sort keys are a table
(:data:`SORT_KEYS`): a new order (e.g. "disagreement") is one more entry.
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass
from typing import Callable, Dict, List, Sequence

import numpy as np

from inspectors.session import ImageState, ResultsStore

from .i18n import QT_TRANSLATE_NOOP

GLOB_CHARS = "*?["


def name_filter(pattern: str) -> Callable[[str], bool]:
    """A predicate on names for the search box's ``pattern`` (empty: every name)."""
    pattern = pattern.strip()
    if not pattern:
        return lambda _name: True
    if any(c in pattern for c in GLOB_CHARS):
        rx = re.compile(fnmatch.translate(pattern.lower()))
        return lambda name: rx.match(name.lower()) is not None
    needle = pattern.lower()
    return lambda name: needle in name.lower()


def search(rows: Sequence[int], names: Sequence[str], pattern: str) -> List[int]:
    """The ``rows`` whose name (``names[row]``) matches ``pattern``, order kept."""
    if not pattern.strip():
        return list(rows)
    keep = name_filter(pattern)
    return [r for r in rows if keep(names[r])]


#: worst first: the order a QA engineer reads the list in when sorting by state
STATE_ORDER = [ImageState.ERROR, ImageState.NG, ImageState.REVIEW, ImageState.STALE, ImageState.OK,
               ImageState.NO_RESULT]


def _by_name(store: ResultsStore, rows: List[int], names: Sequence[str]) -> List[int]:
    return sorted(rows, key=lambda r: names[r].lower())


def _by_score(store: ResultsStore, rows: List[int], names: Sequence[str]) -> List[int]:
    return sorted(rows, key=lambda r: -store.defect_score(r))


def _by_state(store: ResultsStore, rows: List[int], names: Sequence[str]) -> List[int]:
    rank = {s: i for i, s in enumerate(STATE_ORDER)}
    return sorted(rows, key=lambda r: (rank[store.state(r)], -store.defect_score(r)))


def _by_area(store: ResultsStore, rows: List[int], names: Sequence[str]) -> List[int]:
    areas = store.defect_areas()
    idx = np.asarray(rows, np.int64)
    return idx[np.argsort(-areas[idx], kind="stable")].tolist()


def _by_disagreement(store: ResultsStore, rows: List[int], names: Sequence[str]) -> List[int]:
    """Model A against model B (:class:`app.model_pair.ModelPair`), the strongest first;
    images not compared last."""
    def key(r: int) -> tuple:
        d = store.disagreement(r)
        return (1, 0.0) if d is None else (0, -d)

    return sorted(rows, key=key)


@dataclass(frozen=True)
class SortKey:
    label: str  # as shown in the sort box (translated there, context ListOrder)
    order: Callable[[ResultsStore, List[int], Sequence[str]], List[int]]  # stable: ties keep folder order


#: key -> how the list sorts; "folder" (the folder's order) needs no work
SORT_KEYS: Dict[str, SortKey] = {
    "folder": SortKey(QT_TRANSLATE_NOOP("ListOrder", "Folder order"), lambda store, rows, names: list(rows)),
    "name": SortKey(QT_TRANSLATE_NOOP("ListOrder", "Name"), _by_name),
    "score": SortKey(QT_TRANSLATE_NOOP("ListOrder", "Score (highest first)"), _by_score),
    "state": SortKey(QT_TRANSLATE_NOOP("ListOrder", "State (worst first)"), _by_state),
    "area": SortKey(QT_TRANSLATE_NOOP("ListOrder", "Defect area (largest first)"), _by_area),
    "disagreement": SortKey(QT_TRANSLATE_NOOP("ListOrder", "Models disagree (most first)"), _by_disagreement),
}


def ordered(store: ResultsStore, rows: List[int], names: Sequence[str], key: str) -> List[int]:
    return SORT_KEYS[key].order(store, rows, names)
