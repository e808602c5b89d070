"""Results of one image folder, keyed by image path, from one or more models.

Holds each model's :class:`~inspectors.results.Outcome` per image and re-flags
every image at new thresholds without running a model (see :mod:`.summary`).
A folder of 100,000 images costs one list of paths: per-image state exists only
for images that have outcomes.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from enum import Enum
from typing import Callable, Dict, Iterable, List, Optional, Sequence, Union

from ..results import Outcome, Result, Thresholds
from .summary import Summary, summarize

PathLike = Union[str, "os.PathLike[str]"]
#: ``path -> bool | None``: ground truth says defective / clean / unknown.
GroundTruthFn = Callable[[str], Optional[bool]]


class ImageState(str, Enum):
    DEFECT = "defect"
    CLEAN = "clean"
    NO_RESULT = "no result"
    ERROR = "error"


class Filter(str, Enum):
    ALL = "all"
    FLAGGED = "flagged"
    DISAGREE = "ground-truth disagreement"
    ERRORS = "errors"
    NO_RESULT = "not inspected"


@dataclass
class _Entry:
    outcomes: Dict[str, Outcome] = field(default_factory=dict)
    summaries: Dict[str, Summary] = field(default_factory=dict)
    state: ImageState = ImageState.NO_RESULT
    score: float = 0.0


class ResultsStore:
    """Outcomes per image and model; flags at the current thresholds."""

    def __init__(self, images: Sequence[PathLike] = (), thresholds: Optional[Thresholds] = None):
        self.thresholds = thresholds or Thresholds()
        self.ground_truth: Optional[GroundTruthFn] = None
        self.set_images(images)

    # -- images ------------------------------------------------------------------
    def set_images(self, images: Sequence[PathLike]) -> None:
        self.images: List[str] = [os.fspath(p) for p in images]
        self._row: Optional[Dict[str, int]] = None  # built on first lookup, not at open
        self._entries: Dict[int, _Entry] = {}

    def __len__(self) -> int:
        return len(self.images)

    def row_of(self, path: PathLike) -> int:
        """Row of ``path`` in the image list, -1 when it is not in the folder."""
        if self._row is None:
            self._row = {p: i for i, p in enumerate(self.images)}
        return self._row.get(os.fspath(path), -1)

    # -- outcomes ----------------------------------------------------------------
    def add(self, model: str, outcome: Outcome) -> int:
        """Store ``outcome`` of ``model``; returns its row (-1: not in this folder)."""
        row = self.row_of(outcome.path)
        if row < 0:
            return -1
        entry = self._entries.setdefault(row, _Entry())
        entry.outcomes[model] = outcome
        if outcome.result is not None:
            entry.summaries[model] = summarize(outcome.result)
        else:
            entry.summaries.pop(model, None)
        self._update(entry)
        return row

    def remove_model(self, model: str) -> None:
        for row in list(self._entries):
            entry = self._entries[row]
            entry.outcomes.pop(model, None)
            entry.summaries.pop(model, None)
            if entry.outcomes:
                self._update(entry)
            else:
                del self._entries[row]

    def clear(self) -> None:
        self._entries.clear()

    def outcomes(self, row: int) -> Dict[str, Outcome]:
        entry = self._entries.get(row)
        return dict(entry.outcomes) if entry else {}

    def outcome(self, row: int, model: str) -> Optional[Outcome]:
        entry = self._entries.get(row)
        return entry.outcomes.get(model) if entry else None

    def result(self, row: int, model: str) -> Optional[Result]:
        o = self.outcome(row, model)
        return o.result if o is not None else None

    def has_result(self, row: int, model: Optional[str] = None) -> bool:
        entry = self._entries.get(row)
        if entry is None:
            return False
        return bool(entry.summaries) if model is None else model in entry.summaries

    def inspected_rows(self) -> List[int]:
        return sorted(self._entries)

    # -- flags -------------------------------------------------------------------
    def _update(self, entry: _Entry) -> None:
        flagged = any(s.flagged(self.thresholds) for s in entry.summaries.values())
        if flagged:
            entry.state = ImageState.DEFECT
        elif any(not o.ok for o in entry.outcomes.values()):
            entry.state = ImageState.ERROR
        elif entry.summaries:
            entry.state = ImageState.CLEAN
        else:
            entry.state = ImageState.NO_RESULT
        entry.score = max((s.defect_score for s in entry.summaries.values()), default=0.0)

    def set_thresholds(self, thresholds: Thresholds) -> List[int]:
        """Re-flag every stored image; returns the rows whose state changed."""
        self.thresholds = thresholds
        changed = []
        for row, entry in self._entries.items():
            before = entry.state
            self._update(entry)
            if entry.state is not before:
                changed.append(row)
        return changed

    def state(self, row: int) -> ImageState:
        entry = self._entries.get(row)
        return entry.state if entry else ImageState.NO_RESULT

    def defect_score(self, row: int) -> float:
        entry = self._entries.get(row)
        return entry.score if entry else 0.0

    def flagged_classes(self, row: int) -> List[str]:
        entry = self._entries.get(row)
        names: List[str] = []
        for s in entry.summaries.values() if entry else ():
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
            rows: Iterable[int] = range(len(self.images))
        elif which is Filter.NO_RESULT:
            rows = (r for r in range(len(self.images)) if r not in self._entries)
        else:
            test = {
                Filter.FLAGGED: lambda r: self._entries[r].state is ImageState.DEFECT,
                Filter.ERRORS: lambda r: self._entries[r].state is ImageState.ERROR
                or any(not o.ok for o in self._entries[r].outcomes.values()),
                Filter.DISAGREE: self.disagrees,
            }[which]
            rows = (r for r in sorted(self._entries) if test(r))
        out = list(rows)
        if by_score:
            out.sort(key=lambda r: -self.defect_score(r))  # stable: ties keep folder order
        return out

    def counts(self) -> Dict[ImageState, int]:
        counts = {s: 0 for s in ImageState}
        for entry in self._entries.values():
            counts[entry.state] += 1
        counts[ImageState.NO_RESULT] += len(self.images) - len(self._entries)
        return counts
