"""Background work on a QThreadPool, superqt style: a QRunnable plus a QObject of signals.

:class:`ModelWorker` owns one :class:`~inspectors.engine.Inspector` (Inspectors are
not thread-safe, so each worker builds its own predictor in its own thread) and
serves a queue of image paths for as long as the model is loaded: the on-screen
image can jump the queue, a run can be paused, and cancel empties the queue and
stops at the next image.
"""

from __future__ import annotations

import collections
import contextlib
import threading
from pathlib import Path
from typing import Callable, Deque, Iterator, Sequence

from PySide6.QtCore import QObject, QRunnable, Signal

from inspectors.engine import Inspector
from inspectors.errors import InspectorError
from inspectors.imageio import read_image
from inspectors.runtime import RuntimeSettings

InspectorFactory = Callable[[str, RuntimeSettings], Inspector]


class ModelSignals(QObject):
    loaded = Signal(str, object)  # model id, Inspector.spec
    load_failed = Signal(str, str)  # model id, message
    outcome = Signal(str, object)  # model id, Outcome
    idle = Signal(str)  # model id: the queue ran dry (or was cancelled)
    finished = Signal(str)  # model id: the worker thread ended


class ModelWorker(QRunnable):
    """A long-lived worker serving one model."""

    def __init__(self, model_id: str, path: str, settings: RuntimeSettings,
                 factory: InspectorFactory = Inspector.from_path):
        super().__init__()
        self.setAutoDelete(False)
        self.model_id, self.path, self.settings = model_id, path, settings
        self.signals = ModelSignals()
        self._factory = factory
        self._pending: Deque[str] = collections.deque()
        self._cond = threading.Condition()
        self._paused = self._cancel = self._stop = False

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
        """Drop the queue; the image in flight finishes, nothing after it starts."""
        with self._cond:
            self._pending.clear()
            self._cancel = True
            self._paused = False
            self._cond.notify_all()

    def stop(self) -> None:
        with self._cond:
            self._pending.clear()
            self._stop = self._cancel = True
            self._cond.notify_all()

    def pending(self) -> int:
        with self._cond:
            return len(self._pending)

    # -- worker thread -------------------------------------------------------------
    def _next_paths(self) -> Iterator[str]:
        while True:
            with self._cond:
                while self._paused and not self._cancel:
                    self._cond.wait(0.1)
                if self._cancel or not self._pending:
                    return
                path = self._pending.popleft()
            yield path

    def _cancelled(self) -> bool:
        return self._cancel

    def run(self) -> None:
        try:
            try:
                inspector = self._factory(self.path, self.settings)
            except Exception as e:  # noqa: BLE001 - any load failure is shown, never raised
                msg = str(e) if isinstance(e, InspectorError) else f"{type(e).__name__}: {e}"
                self.signals.load_failed.emit(self.model_id, msg)
                return
            self.signals.loaded.emit(self.model_id, inspector.spec)
            while True:
                with self._cond:
                    while not self._pending and not self._stop:
                        self._cond.wait(0.5)
                    if self._stop:
                        break
                    self._cancel = False
                try:
                    for outcome in inspector.run(self._next_paths(), cancel=self._cancelled, prefetch=1):
                        self.signals.outcome.emit(self.model_id, outcome)
                except Exception as e:  # noqa: BLE001 - an engine bug must not hang the app
                    self.signals.load_failed.emit(self.model_id, f"the model stopped: {type(e).__name__}: {e}")
                    return
                self.signals.idle.emit(self.model_id)
        finally:
            self.signals.finished.emit(self.model_id)


class ImageSignals(QObject):
    loaded = Signal(str, object)  # path, BGR ndarray
    failed = Signal(str, str)  # path, message


class ImageLoader(QRunnable):
    """Decode one image off the GUI thread."""

    def __init__(self, path: str):
        super().__init__()
        self.path = path
        self.signals = ImageSignals()

    def run(self) -> None:
        try:
            image = read_image(self.path)
        except InspectorError as e:
            self.signals.failed.emit(self.path, str(e))
            return
        except Exception as e:  # noqa: BLE001
            self.signals.failed.emit(self.path, f"{type(e).__name__}: {e}")
            return
        self.signals.loaded.emit(self.path, image)


class TaskSignals(QObject):
    progress = Signal(int, int)
    result = Signal(object)
    error = Signal(str)
    finished = Signal()


class TaskWorker(QRunnable):
    """Run ``fn(progress=..., cancel=...)`` in the pool (ground-truth discovery, export)."""

    def __init__(self, fn: Callable[..., object], with_progress: bool = False):
        super().__init__()
        self.fn = fn
        self.with_progress = with_progress
        self.signals = TaskSignals()
        self._cancel = threading.Event()

    def cancel(self) -> None:
        self._cancel.set()

    def run(self) -> None:
        try:
            kwargs = {}
            if self.with_progress:
                kwargs = {"progress": self.signals.progress.emit, "cancel": self._cancel.is_set}
            value = self.fn(**kwargs)
        except Exception as e:  # noqa: BLE001 - reported in the window
            self.signals.error.emit(str(e) if isinstance(e, InspectorError) else f"{type(e).__name__}: {e}")
        else:
            self.signals.result.emit(value)
        finally:
            self.signals.finished.emit()


def model_label(path: str) -> str:
    p = Path(path)
    return p.name or str(p)


__all__ = ["ImageLoader", "ModelWorker", "TaskWorker", "model_label"]
