"""Loaded models, one long-lived :class:`~app.workers.ModelWorker` each, and the run state.

Observable without Qt (:mod:`app.state`): ``changed(model id)`` when a model is added,
loaded or failed, ``removed(model id)``, ``outcome(model id, Outcome)``, and the
evented ``run_state`` (``run_state_changed(RunState)``)."""

from __future__ import annotations

import os
import weakref
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence, Set

from inspectors.engine_choice import load_inspector
from inspectors.formats import ModelSpec
from inspectors.runtime import RuntimeSettings

from .display_text import word
from .state import Event, Evented, EventedModel, ModelStatus, RunState
from .workers import InspectorFactory, ModelWorker, WorkerPool, error_text, model_label


@dataclass
class ModelHandle:
    id: str
    path: str
    worker: ModelWorker
    status: ModelStatus = ModelStatus.LOADING
    message: str = ""
    error: Optional[BaseException] = None  # why it failed
    spec: Optional[ModelSpec] = None
    queued: Set[str] = field(default_factory=set)  # submitted, outcome not arrived yet
    engine_note: str = ""  # what runs it: the backend, or auto's choice with timings and agreement

    @property
    def label(self) -> str:
        if self.spec is not None:
            parts = [model_label(self.path), word(self.spec.task)]
            if self.spec.architecture not in parts[0]:
                parts.append(self.spec.architecture)
            return " · ".join(parts)
        return model_label(self.path)


class ModelManager(EventedModel):
    changed = Event()  # model id (added, loaded, failed)
    removed = Event()  # model id
    outcome = Event()  # model id, Outcome
    store_failed = Event()  # model id, message (an outcome could not be stored in its run)
    run_state = Evented(RunState.IDLE)  # emits run_state_changed(RunState)

    def __init__(self, settings: RuntimeSettings = RuntimeSettings(),
                 factory: Optional[InspectorFactory] = None, work_dir: Optional[Path] = None):
        """``work_dir``: where ``auto`` remembers its engine choices (beside the runs)."""
        super().__init__()
        self.settings = settings
        self.factory = factory
        self.work_dir = work_dir
        #: a few image paths ``auto`` measures on (the open folder's); generated images without
        self.samples: Callable[[], Sequence[str]] = lambda: ()
        self.models: Dict[str, ModelHandle] = {}
        self.pool = WorkerPool(32)  # workers are long-lived and mostly waiting
        self.paused = False

    # -- models ------------------------------------------------------------------
    def add(self, path: str) -> str:
        model_id = os.path.realpath(path)
        if model_id in self.models:
            return model_id
        factory = self.factory or partial(load_inspector, sample_paths=tuple(self.samples())[:8],
                                          work_dir=self.work_dir)
        worker = ModelWorker(model_id, path, self.settings, factory)
        worker.signals.described.connect(self._on_described)
        worker.signals.loaded.connect(self._on_loaded)
        worker.signals.errored.connect(partial(self._on_failed, weakref.ref(worker)))  # no cycle
        worker.signals.outcome.connect(self._on_outcome)
        worker.signals.idle.connect(self._on_idle)
        worker.signals.store_failed.connect(self.store_failed.emit)
        self.models[model_id] = ModelHandle(model_id, path, worker)
        self.pool.start(worker)
        self.changed.emit(model_id)
        return model_id

    def remove(self, model_id: str) -> None:
        handle = self.models.pop(model_id, None)
        if handle is not None:
            handle.worker.stop()
            self.removed.emit(model_id)
            self._update_state()

    def reload_all(self, settings: RuntimeSettings) -> None:
        self.settings = settings
        for model_id, handle in list(self.models.items()):
            self.remove(model_id)
            self.add(handle.path)

    def ready(self) -> List[ModelHandle]:
        return [h for h in self.models.values() if h.status is ModelStatus.READY]

    def loadable_paths(self) -> List[str]:
        """Paths of the models not known to be broken (what the settings remember)."""
        return [h.path for h in self.models.values() if h.status is not ModelStatus.FAILED]

    def _handle(self, ref: Callable[[], Optional[ModelWorker]]) -> Optional[ModelHandle]:
        worker = ref()
        handle = self.models.get(worker.model_id) if worker is not None else None
        return handle if handle is not None and handle.worker is worker else None

    def _on_described(self, model_id: str, note: str) -> None:
        handle = self.models.get(model_id)
        if handle is not None:
            handle.engine_note = note

    def _on_loaded(self, model_id: str, spec: ModelSpec) -> None:
        handle = self.models.get(model_id)
        if handle is not None:
            handle.status, handle.spec = ModelStatus.READY, spec
            self.changed.emit(model_id)

    def _on_failed(self, worker: Callable[[], Optional[ModelWorker]], error: BaseException) -> None:
        handle = self._handle(worker)
        if handle is not None:
            handle.status, handle.error, handle.message = ModelStatus.FAILED, error, error_text(error)
            handle.queued.clear()
            self.changed.emit(handle.id)
            self._update_state()

    def set_sink(self, model_id: str, sink) -> None:
        """Where ``model_id``'s worker stores its outcomes (in its own thread; None: nowhere)."""
        handle = self.models.get(model_id)
        if handle is not None:
            handle.worker.set_sink(sink)

    # -- running -----------------------------------------------------------------
    def submit(self, model_id: str, paths: Sequence[str], front: bool = False) -> int:
        """Queue ``paths`` not queued already; returns how many were added."""
        handle = self.models.get(model_id)
        if handle is None:
            return 0
        new = [p for p in dict.fromkeys(paths) if p not in handle.queued]
        if new:
            handle.queued.update(new)
            handle.worker.submit(new, front)
            self._update_state()
        return len(new)

    def prioritize(self, model_id: str, path: str) -> None:
        handle = self.models.get(model_id)
        if handle is not None:
            handle.queued.add(path)
            handle.worker.prioritize(path)
            self._update_state()

    def set_paused(self, paused: bool) -> None:
        self.paused = paused
        for h in self.models.values():
            h.worker.set_paused(paused)
        self._update_state()

    def cancel(self) -> None:
        """Returns at once; images already in a predictor finish in the background."""
        self.paused = False
        for h in self.models.values():
            h.worker.cancel()
            h.queued.clear()
        self._update_state()

    def shutdown(self, wait_ms: int = 3000) -> None:
        for h in self.models.values():
            h.worker.stop()
        self.pool.wait(wait_ms)

    def _on_outcome(self, model_id: str, outcome) -> None:
        handle = self.models.get(model_id)
        if handle is None:
            return
        handle.queued.discard(outcome.path)
        self.outcome.emit(model_id, outcome)
        if not handle.queued:
            self._update_state()

    def _on_idle(self, _model_id: str) -> None:
        # Every queued path yields exactly one outcome (cancel clears ``queued`` itself),
        # so an idle worker changes nothing here; the signal is a cue to re-check.
        self._update_state()

    def state(self) -> RunState:
        return self.run_state

    def _update_state(self) -> None:
        busy = any(h.queued for h in self.models.values())
        self.run_state = (RunState.PAUSED if self.paused else RunState.RUNNING) if busy else RunState.IDLE
