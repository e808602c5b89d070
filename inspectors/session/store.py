"""Results of one image folder, keyed by image path, from one or more models.

Holds a compact :class:`~.summary.Summary` per image and model (best score per class,
the error text, the stage timings) and re-flags every image at new thresholds without
running a model or reading a mask. Full outcomes (label maps, boxes) are not kept: a
model with a *loader* (``path -> Outcome``, e.g. its run on disk) has them read on
demand through a small LRU cache; a model without one (no run to read back from) keeps
its outcomes in memory. A folder of 100,000 images costs one list of paths: per-image
state exists only for images that have outcomes.
"""

from __future__ import annotations

import collections
import os
import threading
from dataclasses import dataclass, field
from typing import Callable, Dict, Iterable, List, Optional, Sequence, Tuple, Union

import numpy as np

from ..metrics.decision import eligible_scores
from ..results import Outcome, Result, StageTimings, Thresholds
from ..rules import (
    NO_RESULT,
    Decision,
    DefectTable,
    ImageVerdict,
    Rules,
    Verdicts,
    bind,
    decide_many,
    decide_result,
    defect_table,
)
from .decisions import ModelDecisions, combined, rules_for_model, scores_table
from .list_view import ListView
from .states import _ERROR, _NG, _NO, _OK, _REVIEW
from .summary import Summary, summarize

PathLike = Union[str, "os.PathLike[str]"]
#: ``path -> bool | None``: ground truth says defective / clean / unknown.
GroundTruthFn = Callable[[str], Optional[bool]]
#: ``path -> Outcome | None``: reads a stored outcome back (e.g. from a run on disk).
LoaderFn = Callable[[str], Optional[Outcome]]
CACHE_SIZE = 16


@dataclass
class _Entry:
    """Compact state of one image: per model a summary (ok) or an error text, timings."""

    summaries: Dict[str, Summary] = field(default_factory=dict)
    errors: Dict[str, str] = field(default_factory=dict)
    timings: Dict[str, StageTimings] = field(default_factory=dict)
    score: float = 0.0

    @property
    def models(self) -> List[str]:
        return list(dict.fromkeys([*self.summaries, *self.errors]))


class ResultsStore(ListView):
    """Compact results per image and model; flags at the current thresholds; full
    outcomes on demand (:meth:`outcome`).

    The list's view (states, counts, scores, filters) belongs to one model, :attr:`shown`
    (the model on screen): another model's results never colour it. With no model
    shown (None) a row shows the worst verdict of any model."""

    def __init__(self, images: Sequence[PathLike] = (), thresholds: Optional[Thresholds] = None,
                 cache_size: int = CACHE_SIZE):
        self.thresholds = thresholds or Thresholds()
        self.rules = Rules()  # decision rules beside the thresholds (bands, sizes, regions)
        self.review_from: Optional[float] = None  # T_low where the rules give no band (None: = T_high)
        self.ground_truth: Optional[GroundTruthFn] = None
        self.shown: Optional[str] = None  # the model whose states the list shows (see show)
        self.cache_size = cache_size
        self._loaders: Dict[str, LoaderFn] = {}
        self._kept: Dict[Tuple[int, str], Outcome] = {}  # models without a loader only
        self._cache: collections.OrderedDict[Tuple[int, str], Outcome] = collections.OrderedDict()
        self._lock = threading.Lock()  # the cache may be read from a worker (metrics)
        self.set_images(images)

    # -- images ------------------------------------------------------------------
    def set_images(self, images: Sequence[PathLike]) -> None:
        self.images: List[str] = [os.fspath(p) for p in images]
        self._row: Optional[Dict[str, int]] = None  # built on first lookup, not at open
        self._entries: Dict[int, _Entry] = {}
        self._stale: Dict[str, set] = {}  # model -> rows whose stored result is out of date
        n = len(self.images)
        self._codes = np.zeros(n, np.uint8)  # state per row (_STATES index)
        self._has_summary = np.zeros(n, bool)  # some model has a summary for the row
        self._has_error = np.zeros(n, bool)  # some model failed on the row
        self._flags: Dict[str, Tuple[np.ndarray, np.ndarray]] = {}  # model -> (has summary, has error) per row
        self._decisions: Dict[str, ModelDecisions] = {}
        self._disagreement: Optional[np.ndarray] = None  # per row, set by whoever compares two models
        with self._lock:
            self._kept.clear()
            self._cache.clear()

    def __len__(self) -> int:
        return len(self.images)

    def row_of(self, path: PathLike) -> int:
        """Row of ``path`` in the image list, -1 when it is not in the folder."""
        if self._row is None:
            self._row = {p: i for i, p in enumerate(self.images)}
        return self._row.get(os.fspath(path), -1)

    # -- outcomes ----------------------------------------------------------------
    def set_loader(self, model: str, loader: Optional[LoaderFn]) -> None:
        """Where ``model``'s full outcomes are read back from (None: kept in memory)."""
        with self._lock:
            if loader is None:
                self._loaders.pop(model, None)
            else:
                self._loaders[model] = loader
                for key in [k for k in self._kept if k[1] == model]:
                    del self._kept[key]

    def add(self, model: str, outcome: Outcome, keep: bool = False) -> int:
        """Store ``outcome`` of ``model`` (its summary; the outcome itself only in the LRU
        cache, or in memory when ``model`` has no loader or ``keep``); returns its row
        (-1: not in this folder)."""
        row = self.row_of(outcome.path)
        if row < 0:
            return -1
        summary = summarize(outcome.result) if outcome.result is not None else None
        table = defect_table(outcome.result) if outcome.result is not None else None
        self.add_summary(model, row, summary, None if outcome.ok else (outcome.error or "error"),
                         outcome.timings, table=table)
        with self._lock:
            if keep or model not in self._loaders:
                self._kept[(row, model)] = outcome
            else:
                self._kept.pop((row, model), None)
            self._remember((row, model), outcome)
        return row

    def add_summary(self, model: str, row: int, summary: Optional[Summary], error: Optional[str] = None,
                    timings: Optional[StageTimings] = None, update: bool = True,
                    table: Optional[DefectTable] = None) -> None:
        """Store the compact state of ``row`` for ``model``: a summary and its defect table
        (from the scores alone when not given), or an error text."""
        entry = self._entries.setdefault(row, _Entry())
        self._stale.get(model, set()).discard(row)
        if summary is not None and error is None:
            entry.summaries[model] = summary
            entry.errors.pop(model, None)
        else:
            entry.summaries.pop(model, None)
            entry.errors[model] = error or "error"
        if timings is not None:
            entry.timings[model] = timings
        self._set_table(model, row, entry.summaries.get(model), table, update)
        self._set_flags(row, entry, model)
        with self._lock:
            self._cache.pop((row, model), None)
        if update:
            self._update_row(row)

    def _set_table(self, model: str, row: int, summary: Optional[Summary], table: Optional[DefectTable],
                   decide_now: bool) -> None:
        d = self._decisions.get(model)
        if summary is None:
            if d is not None:
                d.set_row(row, None, self.rules, self.thresholds, self.review_from)
            return
        if d is None or d.class_names != summary.class_names:  # a model's classes never change
            d = self._decisions[model] = ModelDecisions(len(self.images), summary.class_names)
        if table is None:
            table = scores_table(summary.scores)
        if decide_now:
            d.set_row(row, table, self.rules, self.thresholds, self.review_from)
        else:
            d.tables[row] = table
            d.invalidate()

    def add_summaries(self, model: str, rows: Sequence[int], scores: np.ndarray,
                      class_names: Sequence[str], ok: np.ndarray, errors: Sequence[Optional[str]],
                      tables: Optional[Sequence[Optional[DefectTable]]] = None) -> None:
        """Many rows at once (a run reopened): row i gets ``scores[i]`` (and ``tables[i]``)
        or ``errors[i]``."""
        names = tuple(class_names)
        for i, row in enumerate(rows):
            if row < 0:
                continue
            summary = Summary(np.array(scores[i], np.float32), names) if ok[i] else None
            table = tables[i] if tables is not None and ok[i] else None
            self.add_summary(model, row, summary, None if ok[i] else (errors[i] or "error"), update=False,
                             table=table)
        self.refresh()

    def set_table(self, model: str, row: int, table: DefectTable) -> None:
        """Replace ``row``'s defect table for ``model`` (computed later); call :meth:`refresh`
        after a batch of them."""
        d = self._decisions.get(model)
        if d is not None and self.has_result(row, model):
            d.tables[row] = table
            d.invalidate()

    def mark_stale(self, model: str, rows: Iterable[int]) -> None:
        """Rows whose stored result of ``model`` no longer matches the image file (shown
        as stale, without a result, until inspected again)."""
        self._stale.setdefault(model, set()).update(r for r in rows if 0 <= r < len(self.images))

    def is_stale(self, row: int) -> bool:
        if self.shown is not None:
            return row in self._stale.get(self.shown, ()) and not self.has_outcome(row, self.shown)
        return row not in self._entries and any(row in rows for rows in self._stale.values())

    def _set_flags(self, row: int, entry: _Entry, model: Optional[str] = None) -> None:
        self._has_summary[row], self._has_error[row] = bool(entry.summaries), bool(entry.errors)
        entry.score = max((s.defect_score for s in entry.summaries.values()), default=0.0)
        if model is not None:
            if model not in self._flags:
                n = len(self.images)
                self._flags[model] = (np.zeros(n, bool), np.zeros(n, bool))
            has_summary, has_error = self._flags[model]
            has_summary[row], has_error[row] = model in entry.summaries, model in entry.errors

    def show(self, model: Optional[str]) -> None:
        """Make the list's states, counts, scores and filters those of ``model`` alone
        (None: the worst of every model)."""
        self.shown = model
        self._codes = self._code(self._shown_verdict())

    def _view_flags(self) -> Tuple[np.ndarray, np.ndarray]:
        """(has summary, has error) per row for the model shown (any model when none is)."""
        if self.shown is None:
            return self._has_summary, self._has_error
        flags = self._flags.get(self.shown)
        if flags is None:
            n = len(self.images)
            return np.zeros(n, bool), np.zeros(n, bool)
        return flags

    def _shown_verdict(self) -> np.ndarray:
        if self.shown is None:
            return combined(self._decisions, len(self.images))
        d = self._decisions.get(self.shown)
        return d.verdict if d is not None else np.full(len(self.images), NO_RESULT, np.int8)

    def _remember(self, key: Tuple[int, str], outcome: Outcome) -> None:
        self._cache[key] = outcome
        self._cache.move_to_end(key)
        while len(self._cache) > self.cache_size:
            self._cache.popitem(last=False)

    def remove_model(self, model: str) -> None:
        self._stale.pop(model, None)
        with self._lock:
            self._loaders.pop(model, None)
            for key in [k for k in self._kept if k[1] == model]:
                del self._kept[key]
            for key in [k for k in self._cache if k[1] == model]:
                del self._cache[key]
        self._decisions.pop(model, None)
        self._flags.pop(model, None)
        for row in list(self._entries):
            entry = self._entries[row]
            entry.summaries.pop(model, None)
            entry.errors.pop(model, None)
            entry.timings.pop(model, None)
            self._set_flags(row, entry)
            if not (entry.summaries or entry.errors):
                del self._entries[row]
        self.refresh()

    def clear(self) -> None:
        self._entries.clear()
        self._stale.clear()
        self._decisions.clear()
        self._codes[:] = _NO
        self._has_summary[:] = False
        self._has_error[:] = False
        self._flags.clear()
        with self._lock:
            self._kept.clear()
            self._cache.clear()

    def held_outcomes(self) -> List[Outcome]:
        """The full outcomes this store holds right now (the LRU cache and the kept ones)."""
        with self._lock:
            return list({id(o): o for o in [*self._cache.values(), *self._kept.values()]}.values())

    def models_of(self, row: int) -> List[str]:
        entry = self._entries.get(row)
        return entry.models if entry else []

    def has_outcome(self, row: int, model: str) -> bool:
        entry = self._entries.get(row)
        return entry is not None and (model in entry.summaries or model in entry.errors)

    def error(self, row: int, model: str) -> Optional[str]:
        entry = self._entries.get(row)
        return entry.errors.get(model) if entry else None

    def timings(self, row: int, model: str) -> Optional[StageTimings]:
        entry = self._entries.get(row)
        return entry.timings.get(model) if entry else None

    def summary(self, row: int, model: str) -> Optional[Summary]:
        entry = self._entries.get(row)
        return entry.summaries.get(model) if entry else None

    def outcomes(self, row: int) -> Dict[str, Outcome]:
        out = {}
        for model in self.models_of(row):
            o = self.outcome(row, model)
            if o is not None:
                out[model] = o
        return out

    def outcome(self, row: int, model: str) -> Optional[Outcome]:
        """The full outcome: from the cache, else read through ``model``'s loader."""
        if not self.has_outcome(row, model):
            return None
        key = (row, model)
        with self._lock:
            hit = self._cache.get(key) or self._kept.get(key)
            if hit is not None:
                self._remember(key, hit)
                return hit
            loader = self._loaders.get(model)
        entry = self._entries[row]
        path = self.images[row]
        if loader is None:  # an error row read back without its outcome
            if model in entry.errors:
                return Outcome(path, error=entry.errors[model], timings=entry.timings.get(model, StageTimings()))
            return None
        try:
            got = loader(path)
        except Exception as e:  # noqa: BLE001 - a broken store reads as this image's error
            got = Outcome(path, error=f"the stored result cannot be read: {e}")
        if got is None:
            return None
        with self._lock:
            self._remember(key, got)
        return got

    def outcome_if(self, row: int, model: str, path: str) -> Optional[Outcome]:
        """:meth:`outcome`, or None when ``row`` no longer holds ``path`` (for workers that
        read while the user may open another folder)."""
        images = self.images
        return self.outcome(row, model) if row < len(images) and images[row] == path else None

    def result(self, row: int, model: str) -> Optional[Result]:
        entry = self._entries.get(row)
        if entry is None or model not in entry.summaries:
            return None
        o = self.outcome(row, model)
        return o.result if o is not None else None

    def has_result(self, row: int, model: Optional[str] = None) -> bool:
        """Whether ``model`` (None: the model shown, or any model when none is) has a result."""
        entry = self._entries.get(row)
        if entry is None:
            return False
        model = model if model is not None else self.shown
        return bool(entry.summaries) if model is None else model in entry.summaries

    def result_count(self, model: str) -> int:
        """How many rows ``model`` has a result for."""
        flags = self._flags.get(model)
        return int(flags[0].sum()) if flags is not None else 0

    def inspected_rows(self) -> List[int]:
        return sorted(self._entries)

    # -- flags -------------------------------------------------------------------
    def _code(self, verdict: np.ndarray) -> np.ndarray:
        has_summary, has_error = self._view_flags()
        return np.select([verdict == ImageVerdict.NG, verdict == ImageVerdict.REVIEW, has_error,
                          has_summary], [_NG, _REVIEW, _ERROR, _OK], _NO).astype(np.uint8)

    def _decide_all(self) -> np.ndarray:
        for d in self._decisions.values():
            d.decide_all(self.rules, self.thresholds, self.review_from)
        return self._code(self._shown_verdict())

    def _update_row(self, row: int) -> None:
        if self.shown is None:
            verdict = max((int(d.verdict[row]) for d in self._decisions.values()), default=NO_RESULT)
        else:
            d = self._decisions.get(self.shown)
            verdict = int(d.verdict[row]) if d is not None else NO_RESULT
        has_summary, has_error = self._view_flags()
        self._codes[row] = _NG if verdict == ImageVerdict.NG else _REVIEW if verdict == ImageVerdict.REVIEW \
            else _ERROR if has_error[row] else _OK if has_summary[row] else _NO

    def refresh(self) -> None:
        """Re-decide every stored image (after :meth:`add_summary` with ``update=False``)."""
        self._codes = self._decide_all()

    def set_thresholds(self, thresholds: Thresholds) -> List[int]:
        """Re-decide every stored image (vectorised); returns the rows whose state changed."""
        self.thresholds = thresholds
        return self._redecide()

    def set_rules(self, rules: Rules) -> List[int]:
        """New decision rules (bands, sizes, regions, counts); returns the rows whose state
        changed. RulesError (nothing changed) when they cannot apply."""
        before = self.rules
        self.rules = rules
        try:
            return self._redecide()
        except Exception:
            self.rules = before
            self._redecide()
            raise

    def set_review_from(self, value: Optional[float]) -> List[int]:
        """The review band's lower edge for classes whose rules give no band (None: no band,
        today's single threshold); returns the rows whose state changed."""
        self.review_from = None if value is None else float(value)
        return self._redecide()

    def _redecide(self) -> List[int]:
        codes = self._decide_all()
        changed = np.flatnonzero(codes != self._codes)
        self._codes = codes
        return changed.tolist()

    def decision(self, row: int, model: str) -> Optional[Decision]:
        """``row``'s verdict by ``model`` with each defect kept or ignored and why."""
        d = self._decisions.get(model)
        if d is None or not 0 <= row < len(d.tables):
            return None
        return d.decision(row, self.rules, self.thresholds, self.review_from)

    def decide(self, model: str, result: Result) -> Decision:
        """``result``'s decision at the current rules, as ``model``'s rows are decided (the
        image on screen: its overlay and defect list follow the result that is drawn)."""
        d = self._decisions.get(model)
        names = tuple(result.class_names)
        if d is None or d.class_names != names:
            d = ModelDecisions(0, names)
        return decide_result(result, d.bound(self.rules, self.thresholds, self.review_from))

    def decide_at(self, result: Result, rules: Rules, thresholds: Thresholds,
                  review_from: Optional[float] = None) -> Decision:
        """:meth:`decide` at a model's own settings rather than the list's (a model
        beside the one shown: the compare view)."""
        names = tuple(result.class_names)
        return decide_result(result, bind(rules_for_model(rules, names), names, thresholds, review_from))

    def decide_rows_at(self, model: str, rules: Rules, thresholds: Thresholds,
                       review_from: Optional[float] = None) -> Optional[Tuple[Verdicts, Tuple[str, ...]]]:
        """Every row decided by ``model`` at its own settings (verdict NO_RESULT where it has
        none) with its class names, leaving the list's decisions as they are; None when
        ``model`` has no result."""
        d = self._decisions.get(model)
        if d is None:
            return None
        bound = bind(rules_for_model(rules, d.class_names), d.class_names, thresholds, review_from)
        return decide_many(d.stacked(), bound), d.class_names

    def verdicts(self, model: str, rows: Sequence[int]) -> np.ndarray:
        """``model``'s verdict codes (ImageVerdict, NO_RESULT -1) at ``rows``."""
        d = self._decisions.get(model)
        idx = np.asarray(rows, np.int64)
        return d.verdict[idx] if d is not None else np.full(len(idx), NO_RESULT, np.int8)

    def band_scores(self, model: str, rows: Sequence[int]) -> np.ndarray:
        """Per row the best score of a defect that only the band could ignore (what the band
        chooser moves T_low and T_high over; :func:`inspectors.metrics.decision.eligible_scores`)."""
        d = self._decisions.get(model)
        idx = np.asarray(rows, np.int64)
        if d is None:
            return np.full(len(idx), np.nan, np.float32)
        tables = d.stacked()
        return eligible_scores(tables, decide_many(tables, d.bound(self.rules, self.thresholds,
                                                                     self.review_from)))[idx]

    def verdict(self, row: int, model: str) -> Optional[ImageVerdict]:
        d = self._decisions.get(model)
        if d is None or d.verdict[row] == NO_RESULT:
            return None
        return ImageVerdict(int(d.verdict[row]))
