"""Background work on a QThreadPool in superqt's pattern: a :class:`Worker` is a QRunnable
with a QObject of signals, started through a :class:`WorkerPool`.

* ``signals.started()``, then ``returned(value)`` or ``errored(exception)`` (the
  exception object itself; the place that shows it formats it, see :func:`error_text`),
  then ``finished()`` always; ``aborted()`` instead of the work when it was cancelled
  before it began.
* ``cancel()`` sets a flag the work checks (``worker.cancelled``; a function given to
  :class:`FunctionWorker` gets it as ``cancel=``): cooperative, never a kill.
* :meth:`WorkerPool.start` holds the worker until its ``finished`` arrives: PySide may
  otherwise collect a running QRunnable's signals object, and its results with it. This
  is the only keep-alive in the app.

:class:`ModelWorker` owns one :class:`~inspectors.engine.Inspector` (Inspectors are
not thread-safe, so each worker builds its own predictor in its own thread) and
serves a queue of image paths for as long as the model is loaded: the on-screen
image can jump the queue, a run can be paused, and cancel empties the queue and
stops at the next image. A *sink* set with :meth:`ModelWorker.set_sink` (the model's run
on disk) gets every outcome in the worker thread before the GUI thread does, so storing
never runs on the GUI thread; a sink that fails is reported (``stored_failed``) and the
outcome still arrives.
"""

from __future__ import annotations

import collections
import contextlib
import threading
from pathlib import Path
from typing import Any, Callable, Deque, Dict, Iterator, Optional, Sequence

from PySide6.QtCore import QCoreApplication, QObject, QRunnable, QThreadPool, Signal, Slot

from inspectors.engine import Inspector
from inspectors.engine_choice import load_inspector
from inspectors.errors import InspectorError
from inspectors.runs.fingerprint import file_key
from inspectors.runtime import RuntimeSettings

InspectorFactory = Callable[[str, RuntimeSettings], Inspector]


def default_factory(path: str, settings: RuntimeSettings) -> Inspector:
    """The model on ``settings.engine``; ``auto`` measured on generated images and
    remembered in the default work dir (the app passes its own, see ModelManager)."""
    return load_inspector(path, settings)


def error_text(error: BaseException) -> str:
    """What the user reads: an InspectorError's own message, else ``TypeName: message``."""
    return str(error) if isinstance(error, InspectorError) else f"{type(error).__name__}: {error}"


class WorkerSignals(QObject):
    started = Signal()
    progress = Signal(int, int)  # done, total
    returned = Signal(object)  # what the work returned
    errored = Signal(object)  # the exception the work raised
    aborted = Signal()  # cancelled before the work began
    finished = Signal()  # always last


class Worker(QRunnable):
    """Subclasses implement :meth:`work`; start it with :meth:`WorkerPool.start`."""

    signals_class = WorkerSignals

    def __init__(self) -> None:
        super().__init__()
        self.setAutoDelete(False)  # Python owns it (the pool holds it while it runs)
        self.signals = self.signals_class()
        self._cancel = threading.Event()

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def work(self) -> Any:
        raise NotImplementedError

    def run(self) -> None:
        self.signals.started.emit()
        try:
            if self.cancelled:
                self.signals.aborted.emit()
                return
            try:
                value = self.work()
            except Exception as e:  # noqa: BLE001 - handed to the GUI thread as an object
                self.signals.errored.emit(e)
            else:
                self.signals.returned.emit(value)
        finally:
            self.signals.finished.emit()


class FunctionWorker(Worker):
    """Run ``fn()`` (or ``fn(progress=..., cancel=...)`` with ``with_progress``)."""

    def __init__(self, fn: Callable[..., Any], with_progress: bool = False):
        super().__init__()
        self.fn, self.with_progress = fn, with_progress

    def work(self) -> Any:
        if self.with_progress:
            return self.fn(progress=self.signals.progress.emit, cancel=lambda: self.cancelled)
        return self.fn()


class WorkerPool(QObject):
    """A QThreadPool that keeps its workers alive until they finish."""

    def __init__(self, max_threads: int, parent: Optional[QObject] = None):
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(max_threads)
        self._running: Dict[QObject, Worker] = {}  # by its signals object

    def start(self, worker: Worker) -> Worker:
        self._running[worker.signals] = worker
        # a slot of this QObject, found by sender(): a callable holding the worker would
        # tie it to its own signals object, a cycle the garbage collector cannot see
        worker.signals.finished.connect(self._release)
        self.pool.start(worker)
        return worker

    @Slot()
    def _release(self) -> None:
        self._running.pop(self.sender(), None)

    def running(self) -> int:
        return len(self._running)

    def cancel_all(self) -> None:
        for worker in list(self._running.values()):
            worker.cancel()

    def wait(self, timeout_ms: int = -1) -> bool:
        return self.pool.waitForDone(timeout_ms)


class ModelStopped(InspectorError):
    """A loaded model failed while running (the engine's exception is the cause)."""


class ModelSignals(WorkerSignals):
    loaded = Signal(str, object)  # model id, Inspector.spec
    described = Signal(str, str)  # model id, what runs it (auto: its choice, timings, agreement); before loaded
    outcome = Signal(str, object)  # model id, Outcome
    idle = Signal(str)  # model id: the queue ran dry (or was cancelled)
    store_failed = Signal(str, str)  # model id, message: the sink could not store an outcome


class ModelWorker(Worker):
    """A long-lived worker serving one model: loads it (``loaded`` or ``errored``), then
    inspects what is submitted until :meth:`stop`."""

    signals_class = ModelSignals
    signals: ModelSignals

    def __init__(self, model_id: str, path: str, settings: RuntimeSettings,
                 factory: InspectorFactory = default_factory):
        super().__init__()
        self.model_id, self.path, self.settings = model_id, path, settings
        self._factory = factory
        self._pending: Deque[str] = collections.deque()
        self._cond = threading.Condition()
        self._paused = self._drop = self._stop = False
        self._sink: Optional[Callable[..., None]] = None
        self._keys: Dict[str, Any] = {}  # path -> file key taken before it was read (prefetch thread)

    # -- called from the GUI thread ----------------------------------------------
    def submit(self, paths: Sequence[str], front: bool = False) -> None:
        with self._cond:
            if front:
                self._pending.extendleft(reversed(list(paths)))
            else:
                self._pending.extend(paths)
            self._cond.notify_all()

    def prioritize(self, path: str) -> None:
        """Inspect ``path`` next (moved to the front when already queued)."""
        with self._cond:
            with contextlib.suppress(ValueError):
                self._pending.remove(path)
            self._pending.appendleft(path)
            self._cond.notify_all()

    def set_paused(self, paused: bool) -> None:
        with self._cond:
            self._paused = paused
            self._cond.notify_all()

    def cancel(self) -> None:
        """Cancel the run: drop the queue; the image in flight finishes, nothing after it
        starts. The model stays loaded (:meth:`stop` ends the worker)."""
        with self._cond:
            self._pending.clear()
            self._drop = True
            self._paused = False
            self._cond.notify_all()

    def stop(self) -> None:
        with self._cond:
            self._pending.clear()
            self._stop = self._drop = True
            self._cancel.set()
            self._cond.notify_all()

    def set_sink(self, sink: Optional[Callable[[Any], None]]) -> None:
        """``sink(outcome, file key or None)`` is called in the worker thread for every
        outcome (None: none); the key is :func:`inspectors.runs.fingerprint.file_key` of
        the image, taken before it was read."""
        with self._cond:
            self._sink = sink

    def _store(self, outcome: Any) -> None:
        key = self._keys.pop(outcome.path, None)
        with self._cond:
            sink = self._sink
        if sink is None:
            return
        try:
            sink(outcome, key)
        except Exception as e:  # noqa: BLE001 - a full disk must not stop the model
            with self._cond:
                current = self._sink is sink  # a sink replaced meanwhile (folder closed): quiet
            if current:
                self.signals.store_failed.emit(self.model_id, error_text(e))

    def pending(self) -> int:
        with self._cond:
            return len(self._pending)

    # -- worker thread -------------------------------------------------------------
    def _next_paths(self) -> Iterator[str]:
        while True:
            with self._cond:
                while self._paused and not self._drop:
                    self._cond.wait(0.1)
                if self._drop or not self._pending:
                    return
                path = self._pending.popleft()
            try:  # before the image is read: an edit after this reads as stale at the next open
                self._keys[path] = file_key(path)
            except OSError:
                self._keys.pop(path, None)  # gone: its error is stored with a fresh stat
            yield path

    def _dropping(self) -> bool:
        return self._drop

    def work(self) -> None:
        inspector = self._factory(self.path, self.settings)  # a load failure: errored
        self.signals.described.emit(self.model_id, str(getattr(inspector, "engine_note", "")))
        self.signals.loaded.emit(self.model_id, inspector.spec)
        while True:
            with self._cond:
                while not self._pending and not self._stop:
                    self._cond.wait(0.5)
                if self._stop:
                    return
                self._drop = False
            try:
                for outcome in inspector.run(self._next_paths(), cancel=self._dropping,
                                             prefetch=min(1, getattr(inspector, "prefetch", 1))):
                    self._store(outcome)
                    self.signals.outcome.emit(self.model_id, outcome)
            except Exception as e:  # an engine bug must not hang the app
                raise ModelStopped(QCoreApplication.translate("Workers", "the model stopped: {error}").format(error=error_text(e))) from e
            self.signals.idle.emit(self.model_id)


def model_label(path: str) -> str:
    p = Path(path)
    return p.name or str(p)


__all__ = ["FunctionWorker", "ModelWorker", "Worker", "WorkerPool", "WorkerSignals", "error_text", "model_label"]
