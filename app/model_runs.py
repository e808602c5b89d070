"""The per-model runs over the open folder: opened in the background, their stored
results loaded into the :class:`~inspectors.session.ResultsStore`, closed.

:class:`ModelRuns` owns the open runs, the tokens of the opens in progress (a run read
for an earlier folder or model is closed when it arrives), the notes of read-only runs,
the models waiting for their run before they are queued, and the chunked filling of the
defect tables of runs from before tables were stored. It observes nothing itself: the
:class:`~app.workbench.Workbench` calls it and forwards its events (:mod:`app.state`, no
Qt). The reading itself is :mod:`app.run_reading` (worker threads)."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Set, Tuple

import numpy as np

from inspectors.errors import InspectorError
from inspectors.rules import DefectTable
from inspectors.runs import Run, RunStore
from inspectors.session import ResultsStore

from .i18n import translate
from .model_manager import ModelManager
from .run_reading import (
    FILL_CHUNK,
    NOT_SAVED,
    OpenedRun,
    fill_tables,
    load_outcome,
    put_outcome,
    read_run,
)
from .state import Event, ModelStatus
from .workers import FunctionWorker, WorkerPool, error_text


class ModelRuns:
    """Each ready model's run over the open folder (model id -> :class:`Run`)."""

    problem = Event()  # kind, path, message
    changed = Event()  # model id: its run was opened, closed or found busy
    states_changed = Event()  # stored states were loaded or their tables filled
    classes_read = Event()  # model id, class names: the names a run's results carry
    loaded = Event()  # model id, Run, OpenedRun: shown; its receiver takes the decision settings
    # (an InspectorError / OSError the receiver raises closes the run: results not saved)
    ready = Event()  # model id: its run is read (or could not be: a note says why)

    def __init__(self, models: ModelManager, run_store: RunStore, store: ResultsStore, pool: WorkerPool):
        self.models = models
        self.run_store = run_store
        self.store = store
        self.pool = pool
        self.runs: Dict[str, Run] = {}  # model id -> its run over the open folder
        self.notes: Dict[str, str] = {}  # model id -> why its run is read-only / missing
        self._opening: Dict[str, object] = {}  # model id -> token of the open in progress
        self._queue_when_read: Set[str] = set()  # models to queue once their run is read

    def run_of(self, model_id: str) -> Optional[Run]:
        """``model_id``'s open run (None: none, or still being read)."""
        return self.runs.get(model_id)

    def note(self, model_id: str) -> str:
        """Why ``model_id``'s results are not saved to its run ('' when they are)."""
        return self.notes.get(model_id, "")

    def is_opening(self, model_id: str) -> bool:
        """Whether ``model_id``'s run is still being read (its results not shown yet)."""
        return model_id in self._opening

    def queue_when_read(self, model_id: str) -> None:
        """Have ``ready`` say that ``model_id`` is to be queued once its run is read."""
        self._queue_when_read.add(model_id)

    def take_queued(self, model_id: str) -> bool:
        """Whether ``model_id`` was waiting to be queued (no longer waiting after this)."""
        waiting = model_id in self._queue_when_read
        self._queue_when_read.discard(model_id)
        return waiting

    def waiting(self) -> bool:
        """Whether models wait for their runs to be read before they are queued."""
        return bool(self._queue_when_read)

    # -- opening ----------------------------------------------------------------------
    def open(self, model_id: str, folder: Optional[Path], images: Sequence[str]) -> None:
        """Open ``model_id``'s run over ``folder`` in the background (the index read and
        every image's stat happen there); :meth:`_opened` shows what it holds."""
        handle = self.models.models.get(model_id)
        if folder is None or handle is None or handle.status is not ModelStatus.READY \
                or model_id in self.runs or model_id in self._opening:
            return
        settings = self.models.settings
        token = self._opening[model_id] = object()  # this open, not an earlier one of the same folder
        worker = FunctionWorker(partial(read_run, self.run_store, folder, handle.path, settings, images))
        worker.signals.returned.connect(partial(self._opened, model_id, token, folder))
        worker.signals.errored.connect(partial(self._failed, model_id, token, folder))
        self.pool.start(worker)

    def _failed(self, model_id: str, token: object, folder: Path, error: BaseException) -> None:
        if self._opening.get(model_id) is token:
            del self._opening[model_id]
            self._ready(model_id, folder, translate("RunReading", NOT_SAVED).format(error=error_text(error)))

    def _opened(self, model_id: str, token: object, folder: Path, opened: OpenedRun) -> None:
        if self._opening.get(model_id) is not token:  # the folder or the model changed meanwhile
            if opened.run is not None:
                opened.run.close()
            return
        del self._opening[model_id]
        run, note = opened.run, opened.note
        if run is not None:
            try:
                self._load(model_id, run, opened)
            except (InspectorError, OSError) as e:
                run.close()
                self.runs.pop(model_id, None)
                note = translate("RunReading", NOT_SAVED).format(error=e)
        self._ready(model_id, folder, note)

    def _ready(self, model_id: str, folder: Path, note: str) -> None:
        self.notes[model_id] = note
        if note:
            self.problem.emit("run", str(folder), note)
        self.changed.emit(model_id)
        self.ready.emit(model_id)

    def _load(self, model_id: str, run: Run, opened: OpenedRun) -> None:
        """Show what ``run`` holds for the listed images: states from its summaries (GUI
        thread, vectorised); stale images marked, missing ones left for Run."""
        summ = opened.summaries
        self.runs[model_id] = run
        self.store.set_loader(model_id, partial(load_outcome, run))
        if run.writable:
            self.models.set_sink(model_id, partial(put_outcome, run))
        if opened.rows:
            pick = np.asarray(opened.picks, np.intp)
            self.store.add_summaries(model_id, opened.rows, summ.scores[pick], summ.class_names, summ.ok[pick],
                                     [summ.errors.get(summ.rels[i]) for i in opened.picks],
                                     opened.tables or None)
            if summ.class_names:
                self.classes_read.emit(model_id, summ.class_names)
            for row, i in zip(opened.rows, opened.picks):  # told as when they were inspected
                error = summ.errors.get(summ.rels[i])
                if error is not None:
                    self.problem.emit("image", str(self.store.images[row]), error)
        self.store.mark_stale(model_id, opened.stale_rows)
        if opened.rows or opened.stale_rows:
            self.states_changed.emit()
        if opened.missing_tables:  # a run from before tables: sizes and regions apply once filled
            self._fill_next(model_id, run, opened.missing_tables)
        self.loaded.emit(model_id, run, opened)

    # -- defect tables of runs from before tables ----------------------------------------
    def _fill_next(self, model_id: str, run: Run, todo: List[Tuple[int, str]]) -> None:
        if self.runs.get(model_id) is not run or not todo:
            return
        chunk, rest = todo[:FILL_CHUNK], todo[FILL_CHUNK:]
        worker = FunctionWorker(partial(fill_tables, run, chunk))
        worker.signals.returned.connect(partial(self._tables_filled, model_id, run, rest))
        worker.signals.errored.connect(partial(self._fill_failed, str(run.path)))
        self.pool.start(worker)

    def _fill_failed(self, path: str, error: BaseException) -> None:
        self.problem.emit("run", path, error_text(error))

    def _tables_filled(self, model_id: str, run: Run, rest: List[Tuple[int, str]],
                       filled: List[Tuple[int, DefectTable]]) -> None:
        if self.runs.get(model_id) is not run:
            return  # the folder or the model changed meanwhile
        for row, table in filled:
            self.store.set_table(model_id, row, table)
        self.store.refresh()
        self.states_changed.emit()
        self._fill_next(model_id, run, rest)

    # -- closing ----------------------------------------------------------------------
    def close(self, model_id: str) -> None:
        """Release ``model_id``'s run (one still being read is closed when it arrives)."""
        self._opening.pop(model_id, None)
        self._queue_when_read.discard(model_id)
        self.models.set_sink(model_id, None)
        self.store.set_loader(model_id, None)
        run = self.runs.pop(model_id, None)
        self.notes.pop(model_id, None)
        if run is not None:
            run.close()
            self.changed.emit(model_id)

    def close_all(self) -> None:
        """Release every run (the folder changes, the window closes)."""
        for model_id in {*self.runs, *self._opening}:
            self.close(model_id)
        self.notes.clear()

    def store_failed(self, model_id: str, message: str) -> None:
        """An outcome of ``model_id`` could not be stored in its run: said as a problem."""
        run = self.runs.get(model_id)
        self.problem.emit("run", str(run.path) if run is not None else model_id, message)
