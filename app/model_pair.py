"""Model A against model B in the app: which two loaded models are compared, and how much
they disagree on each image of the folder.

The disagreement is :func:`inspectors.metrics.compare.image_disagreement` (one home, as
``python main.py compare`` uses it) on the stored results, each model decided by its own
rules (:meth:`Workbench.settings_of`). The verdicts and kept classes of every row come from
one vectorised decision per model on the GUI thread; the per-image comparison (which reads
full results back from the runs when there is ground truth to match) runs on the bench's
worker pool. Results are cached per state (the pair, each model's settings, the ground
truth and the set of stored results), so a repeated event costs nothing. The scores go to
:meth:`ResultsStore.set_disagreement` (the list's "models disagree" filter and its sort)."""

from __future__ import annotations

from typing import Callable, List, Optional, Sequence, Tuple

import numpy as np
from PySide6.QtCore import QObject, QTimer, Signal

from inspectors.metrics.compare import Disagreement, image_disagreement
from inspectors.rules import NO_RESULT

from .workbench import Workbench
from .workers import FunctionWorker


class ModelPair(QObject):
    """The A / B pair (A defaults to the model shown, B to the next ready one) and the
    disagreement scores of the open folder for it."""

    pair_changed = Signal(str, str)  # model A, model B ('' when fewer than two models)
    scores_ready = Signal()  # the store's disagreement scores were replaced

    def __init__(self, bench: Workbench, parent: Optional[QObject] = None):
        super().__init__(parent)
        self.bench = bench
        self.a = self.b = ""
        #: whether anyone shows the scores now (the list filters or sorts by them, the compare
        #: view is open): a long run's results are not compared image by image for nobody
        self.wanted: Callable[[], bool] = lambda: True
        self._key: Optional[tuple] = None  # the state the store's scores belong to
        self._pending: Optional[tuple] = None  # the state being computed
        self._cache: List[Tuple[tuple, np.ndarray]] = []  # (state, scores) of the last few (states hold dicts)
        self._timer = QTimer(self, singleShot=True, interval=200)  # bursts of results: one pass
        self._timer.timeout.connect(self.update)
        for event in (bench.states_changed, bench.outcome_stored, bench.runs_changed, bench.ground_truth_changed,
                      bench.rules_changed, bench.thresholds_changed, bench.folder_opened):
            event.connect(self._soon)
        bench.models.changed.connect(self._on_models)
        bench.models.removed.connect(self._on_models)

    def ready_models(self) -> List[str]:
        return [h.id for h in self.bench.models.ready()]

    def _on_models(self, *_args: object) -> None:
        ids = self.ready_models()
        a = self.a if self.a in ids else (self.bench.active_model if self.bench.active_model in ids else "")
        a = a or (ids[0] if ids else "")
        b = self.b if self.b in ids and self.b != a else next((m for m in ids if m != a), "")
        self.set_pair(a, b)

    def set_pair(self, a: str, b: str) -> None:
        """Compare ``a`` (left) with ``b`` (right)."""
        if (a, b) != (self.a, self.b):
            self.a, self.b = a, b
            self.pair_changed.emit(a, b)
            self._soon()

    def _soon(self, *_args: object) -> None:
        self._timer.start()

    def _state(self) -> Optional[tuple]:
        b, store = self.bench, self.bench.store
        if not self.a or not self.b or self.a == self.b or b.folder is None:
            return None
        done = (store.result_count(self.a), store.result_count(self.b))
        return (str(b.folder), len(store), self.a, self.b, b.settings_of(self.a), b.settings_of(self.b),
                id(b.ground_truth), done)

    def is_current(self) -> bool:
        """Whether the store's scores belong to the present state (nothing pending)."""
        return self._pending is None and not self._timer.isActive() and self._key == self._state()

    def is_wanted(self) -> bool:
        return self.wanted()

    def update(self) -> None:
        """Recompute the scores for the current state (from the cache when it was seen)."""
        key = self._state()
        if key is None:
            self._publish(None, None)
            return
        if key == self._key or key == self._pending or not self.wanted():
            return
        cached = next((scores for k, scores in self._cache if k == key), None)
        if cached is not None:
            self._publish(key, cached)
            return
        jobs = self._jobs()
        if jobs is None:
            self._publish(key, None)
            return
        self._pending = key
        worker = FunctionWorker(lambda: disagreement_scores(*jobs))
        worker.signals.returned.connect(lambda scores, key=key: self._done(key, scores))
        worker.signals.errored.connect(lambda _e, key=key: self._done(key, None))
        self.bench.io_pool.start(worker)

    def _jobs(self) -> Optional[tuple]:
        b, store = self.bench, self.bench.store
        decided = [store.decide_rows_at(m, *b.settings_of(m)) for m in (self.a, self.b)]
        if decided[0] is None or decided[1] is None:
            return None
        (va, names_a), (vb, names_b) = decided
        gt = b.ground_truth
        rows = [r for r in store.inspected_rows() if va.verdict[r] != NO_RESULT and vb.verdict[r] != NO_RESULT]
        thr = (b.settings_of(self.a)[1], b.settings_of(self.b)[1])
        kept = [[_kept(v.kept_count[r], names) for r in rows] for v, names in ((va, names_a), (vb, names_b))]
        return (store, gt, self.a, self.b, rows, va.verdict[rows], vb.verdict[rows], kept[0], kept[1], thr)

    def _done(self, key: tuple, scores: Optional[np.ndarray]) -> None:
        if self._pending == key:
            self._pending = None
        if scores is not None:
            self._cache = [*self._cache[-3:], (key, scores)]
        if key == self._state():
            self._publish(key, scores)
        else:
            self._soon()

    def _publish(self, key: Optional[tuple], scores: Optional[np.ndarray]) -> None:
        if key == self._key and key is not None:
            return
        self._key = key
        self.bench.store.set_disagreement(scores)
        self.scores_ready.emit()


def _kept(counts: np.ndarray, names: Sequence[str]) -> Tuple[str, ...]:
    return tuple(names[c] if c < len(names) else str(c) for c in np.flatnonzero(counts))


def disagreement_scores(store, gt, a: str, b: str, rows: Sequence[int], verdicts_a: np.ndarray,
                        verdicts_b: np.ndarray, kept_a: Sequence[tuple], kept_b: Sequence[tuple],
                        thresholds: tuple) -> np.ndarray:
    """Per row of ``store`` the :class:`Disagreement` score of A and B (NaN where not both
    have a result). With ground truth, the full results are read back to match its defects."""
    scores = np.full(len(store), np.nan)
    for i, row in enumerate(rows):
        truth = pred_a = pred_b = None
        if gt is not None:
            try:
                truth = gt.get(store.images[row])
            except Exception:  # noqa: BLE001 - an image without usable ground truth: verdicts and classes only
                truth = None
        if truth is not None:
            pred_a, pred_b = store.result(row, a), store.result(row, b)
            if pred_a is None or pred_b is None:
                truth = None
        d: Disagreement = image_disagreement(pred_a, pred_b, int(verdicts_a[i]), int(verdicts_b[i]),
                                             kept_a[i], kept_b[i], thresholds[0], thresholds[1], truth)
        scores[row] = d.score
    return scores


__all__ = ["ModelPair", "disagreement_scores"]
