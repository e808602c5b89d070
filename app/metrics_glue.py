"""Live metrics for the window: the evaluation is (re)built off the GUI thread when the
set of results changes (throttled during a run), and re-read at every threshold.

``at(thresholds)`` takes milliseconds even for 10,000 images, so it runs in the GUI
thread; an evaluation whose first ``at()`` was slow switches to a worker for it.
Segmentation region filters (connected components over every image) always run in
a worker. Every worker result is checked against the current state before use.

Observable without Qt (:mod:`app.state`): ``updated(Evaluation, at)``,
``status(MetricsStatus, message)`` and ``filters_changed([(label, key, count)])``.
"""

from __future__ import annotations

from functools import partial
from typing import Callable, Dict, List, Optional, Tuple

import numpy as np
from PySide6.QtCore import QObject, QTimer

from inspectors.results import Result, Thresholds

from .i18n import QT_TRANSLATE_NOOP, translate
from .metrics_data import (
    REGION_KEYS,
    Evaluation,
    SegmentationShares,
    Snapshot,
    Unavailable,
    build_evaluation,
    filter_rows,
    filters_for,
    region_errors,
)
from .state import Event, MetricsStatus, RunState
from .workbench import Workbench
from .workers import FunctionWorker, WorkerPool, error_text

SLOW_AT_MS = 40.0  # an at() slower than this goes to a worker
MIN_INTERVAL_MS = 1500  # at most one rebuild per interval while results stream in
#: (shown with ``translate("Metrics", ...)``)
NO_GT = QT_TRANSLATE_NOOP("Metrics", "No ground truth for this folder. Metrics need labels next to the images: "
                          "PaddleSeg lists or images/ + labels/ folders, VOC XML, COCO json, PaddleClas "
                          "lists or class folders (File ▸ Ground truth… to point at one).")
NO_FOLDER = QT_TRANSLATE_NOOP("Metrics", "Open an image folder that has ground truth to see metrics (Ctrl+O).")


class MetricsController(QObject):
    """Owns the current :class:`Evaluation` and its reading at the current thresholds."""

    updated = Event()  # Evaluation, at() dict at the current thresholds
    status = Event()  # MetricsStatus, message
    filters_changed = Event()  # [(label, key, count or None)]

    def __init__(self, bench: Workbench, parent: Optional[QObject] = None):
        super().__init__(parent)
        self.bench = bench
        self.evaluation: Optional[Evaluation] = None
        self.current: Optional[dict] = None
        self.thresholds: Thresholds = bench.store.thresholds
        self.message = translate("Metrics", NO_FOLDER)
        self.pool = WorkerPool(1, self)
        self._building = self._dirty = False
        self._interval = MIN_INTERVAL_MS
        self._rows: Dict[str, np.ndarray] = {}  # filter rows at self.thresholds
        self._regions_for: Optional[Thresholds] = None  # region filters being computed
        self._shares = SegmentationShares()  # segmentation: each image's share, kept between builds
        self._timer = QTimer(self, singleShot=True)
        self._timer.timeout.connect(self.rebuild)
        bench.outcome_stored.connect(self._on_outcome)
        bench.folder_opened.connect(self._on_folder)
        bench.ground_truth_changed.connect(self._soon)
        bench.active_model_changed.connect(self._soon)
        bench.runs_changed.connect(self._soon)  # stored results read in the background
        bench.models.run_state_changed.connect(self._on_run_state)
        bench.thresholds_changed.connect(self.set_thresholds)

    def _on_outcome(self, row: int, model: str) -> None:
        if model == self.bench.active_model:
            self._shares.invalidate(row)  # a re-run image: its old share must go
        self.schedule()

    def _on_folder(self, _folder: str) -> None:
        self._shares = SegmentationShares()
        self._set_unavailable(translate("Metrics", "Reading the folder…"))
        self.schedule(50)

    def _soon(self, *_args: object) -> None:
        self._shares = SegmentationShares()  # another model, ground truth or run: start over
        self.schedule(50)

    def _on_run_state(self, state: RunState) -> None:
        if state is RunState.IDLE:
            self.schedule(0)  # the final numbers at once

    # -- rebuilding ------------------------------------------------------------------
    def schedule(self, delay_ms: Optional[int] = None) -> None:
        """Rebuild soon: after ``delay_ms``, or throttled to one per interval."""
        if delay_ms is not None:
            self._timer.start(delay_ms)
        elif not self._timer.isActive():
            self._timer.start(self._interval)

    def _pending(self) -> Callable[[], Snapshot]:
        """(GUI thread) The active model's rows with a result, from the summaries alone;
        returns the reader that takes the snapshot (full results read back from the
        model's run through the store's cache: run it in the worker)."""
        b = self.bench
        if b.folder is None:
            raise Unavailable(translate("Metrics", NO_FOLDER))
        if b.ground_truth is None:
            raise Unavailable(translate("Metrics", NO_GT))
        store, model = b.store, b.active_model
        rows = [(r, store.images[r]) for r in store.inspected_rows() if store.has_result(r, model)]
        if not rows:
            raise Unavailable(translate("Metrics", "No results yet: add a model (Ctrl+M) and run it (Ctrl+R)."))
        return Snapshot(model, rows, partial(_read_result, store, model), b.ground_truth, self.thresholds,
                        self._shares)

    def snapshot(self) -> Snapshot:
        """What the next build reads (the active model's inspected rows)."""
        return self._pending()

    def rebuild(self) -> None:
        if self._building:
            self._dirty = True
            return
        try:
            snap = self._pending()
        except Unavailable as e:
            self._set_unavailable(str(e))
            return
        self._building, self._dirty = True, False
        self.status.emit(MetricsStatus.BUSY, translate("Metrics", "Evaluating {n} images…").format(n=len(snap.rows)))
        self._start(partial(_build, snap), self._on_built, self._on_build_failed, self._build_done)

    def build_now(self) -> Optional[Evaluation]:
        """Build in the calling thread (benchmarks; the window always uses the worker)."""
        self._on_built(_build(self.snapshot()))
        return self.evaluation

    def _start(self, fn: Callable[[], object], on_result: Callable, on_error: Callable,
               on_done: Optional[Callable] = None) -> None:
        worker = FunctionWorker(fn)
        worker.signals.returned.connect(on_result)
        worker.signals.errored.connect(on_error)
        if on_done is not None:
            worker.signals.finished.connect(on_done)
        self.pool.start(worker)

    def _on_built(self, value: object) -> None:
        snap, ev = value  # type: ignore[misc]
        b = self.bench
        if snap.ground_truth is not b.ground_truth or snap.model != b.active_model:
            return  # another folder, ground truth or model meanwhile: a rebuild is on its way
        if isinstance(ev, Unavailable):
            self._set_unavailable(str(ev))
            return
        assert isinstance(ev, Evaluation)
        self._interval = max(MIN_INTERVAL_MS, int(ev.build_s * 3000))  # big sets: rebuild less often
        self.evaluation, self._rows, self._regions_for = ev, {}, None
        self.status.emit(MetricsStatus.READY, "")
        if ev.snapshot.thresholds == self.thresholds:
            self._show(ev.first)
        else:
            self.set_thresholds(self.thresholds)

    def _on_build_failed(self, error: BaseException) -> None:
        self._set_unavailable(translate("Metrics", "Metrics could not be computed: {error}").format(
            error=error_text(error)))
        self.status_error(error)

    def _build_done(self) -> None:
        self._building = False
        if self._dirty:
            self.schedule()

    def _set_unavailable(self, message: str) -> None:
        self.evaluation = self.current = None
        self._rows = {}
        self.message = message
        self.status.emit(MetricsStatus.EMPTY, message)
        self.filters_changed.emit([])

    # -- thresholds --------------------------------------------------------------------
    def set_thresholds(self, thresholds: Thresholds) -> None:
        """Re-read the evaluation at ``thresholds`` (GUI thread when fast, else a worker)."""
        self.thresholds = thresholds
        ev = self.evaluation
        if ev is None:
            return
        if ev.at_ms <= SLOW_AT_MS:
            self._show(ev.live.at(thresholds))
        else:
            self._start(partial(self._unless_stale, ev, thresholds, ev.live.at), self._on_at, self.status_error)

    def _unless_stale(self, ev: Evaluation, thresholds: Thresholds,
                      compute: Callable[[Thresholds], object]) -> Tuple[Evaluation, Thresholds, object]:
        """(worker thread) ``(ev, thresholds, compute(thresholds))``, or ``None`` in place of
        the value when the request was superseded meanwhile (the work is skipped)."""
        if ev is not self.evaluation or thresholds != self.thresholds:
            return ev, thresholds, None
        return ev, thresholds, compute(thresholds)

    def _on_at(self, value: object) -> None:
        ev, thresholds, at = value  # type: ignore[misc]
        if ev is self.evaluation and thresholds == self.thresholds:
            self._show(at)

    def status_error(self, error: BaseException) -> None:
        self.bench.problem.emit("metrics", "", error_text(error))

    def _show(self, at: dict) -> None:
        ev = self.evaluation
        assert ev is not None
        self.current = at
        self._rows = filter_rows(ev, self.thresholds)
        self.updated.emit(ev, at)
        self.filters_changed.emit(self.filter_items())

    # -- image-list filters --------------------------------------------------------------
    def filter_items(self) -> List[Tuple[str, str, Optional[int]]]:
        ev = self.evaluation
        if ev is None:
            return []
        return [(label, key, len(self._rows[key]) if key in self._rows else None)
                for label, key in filters_for(ev.task)]

    def rows_for(self, key: str) -> List[int]:
        """Store rows of an error filter at the current thresholds ([] until known)."""
        if key in self._rows:
            return self._rows[key].tolist()
        ev = self.evaluation
        if ev is not None and key in REGION_KEYS and self._regions_for != self.thresholds:
            t = self._regions_for = self.thresholds
            self._start(partial(self._unless_stale, ev, t, partial(region_errors, ev)), self._on_regions,
                        self.status_error)
        return []

    def _on_regions(self, value: object) -> None:
        ev, thresholds, rows = value  # type: ignore[misc]
        if ev is not self.evaluation:
            return
        if self._regions_for == thresholds:
            self._regions_for = None
        if thresholds == self.thresholds and rows is not None:
            self._rows.update(rows)
        self.filters_changed.emit(self.filter_items())

    def shutdown(self, timeout_ms: int = 5000) -> bool:
        """Stop rebuilding and wait for the worker (window closing)."""
        self._timer.stop()
        return self.pool.wait(timeout_ms)


def _read_result(store, model: str, row: int, path: str) -> Optional[Result]:
    """(worker thread) The full prediction of ``row``, or None when the row now holds
    another image (another folder was opened meanwhile, and that build is discarded)."""
    outcome = store.outcome_if(row, model, path)
    return outcome.result if outcome is not None else None


def _build(snap: Snapshot) -> Tuple[Snapshot, object]:
    """(worker thread) The evaluation, or the Unavailable saying why there is none."""
    try:
        return snap, build_evaluation(snap)
    except Unavailable as e:
        return snap, e
