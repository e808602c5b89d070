"""Observable application state without Qt (napari's evented models, psygnal's signals).

* :class:`Event` is a signal: ``connect(callback)``, ``disconnect(callback)``,
  ``emit(*args)``. Declared in a class body it becomes one event per instance
  (``bench.folder_opened``), as a Qt ``Signal`` does. Callbacks run at once, in the
  emitting thread, in the order they were connected; the controllers emit from the GUI
  thread only (worker results reach them through queued Qt signals).
* :class:`Evented` is an attribute that emits its event with the new value when it
  is set to a *different* value (``bench.current_row = 3`` emits ``current_changed(3)``
  once; setting 3 again emits nothing).

Widgets get the controller (or model) in their constructor and connect themselves to
the events they show; the main window only assembles them.

The constants of the state machines are here too, one definition each.
"""

from __future__ import annotations

from enum import Enum
from typing import Any, Callable, Generic, List, Optional, TypeVar

T = TypeVar("T")
Callback = Callable[..., Any]


class _Text(str, Enum):
    def __str__(self) -> str:  # f-strings and tooltips show the value, not "RunState.IDLE"
        return str(self.value)


class RunState(_Text):
    IDLE = "idle"
    RUNNING = "running"
    PAUSED = "paused"


class ModelStatus(_Text):
    LOADING = "loading"
    READY = "ready"
    FAILED = "failed"


class MetricsStatus(_Text):
    EMPTY = "empty"  # nothing to measure: the message says why
    BUSY = "busy"  # an evaluation is being built
    READY = "ready"


class Event:
    """A Qt-free signal. In a class body, a descriptor giving each instance its own."""

    def __init__(self, name: str = ""):
        self.name = name
        self._callbacks: List[Callback] = []

    # -- as a class attribute ---------------------------------------------------------
    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, obj: Any, owner: Optional[type] = None) -> Event:
        if obj is None:
            return self
        bound = Event(self.name)
        obj.__dict__[self.name] = bound  # found there from now on (a non-data descriptor)
        return bound

    # -- as an instance --------------------------------------------------------------
    def connect(self, callback: Callback) -> Callback:
        if not callable(callback):
            raise TypeError(f"{self.name or 'event'}: {callback!r} is not callable")
        self._callbacks.append(callback)
        return callback

    def disconnect(self, callback: Optional[Callback] = None) -> None:
        """Remove ``callback`` (every callback without one); unknown ones are ignored."""
        if callback is None:
            self._callbacks.clear()
        else:
            self._callbacks = [c for c in self._callbacks if c != callback]

    def emit(self, *args: Any) -> None:
        """Call every callback, even when one raises; the first exception is re-raised
        afterwards (a broken observer must not silence the others)."""
        error: Optional[BaseException] = None
        for callback in list(self._callbacks):
            try:
                callback(*args)
            except Exception as e:  # noqa: BLE001 - re-raised below
                error = error or e
        if error is not None:
            raise error

    def __len__(self) -> int:
        return len(self._callbacks)

    def __repr__(self) -> str:
        return f"<Event {self.name} ({len(self._callbacks)} connected)>"


class Evented(Generic[T]):
    """An attribute that emits ``event(new value)`` when it changes (compared with ``==``,
    after ``is``). The event is created on the owner class, named ``event`` or
    ``<attribute>_changed``."""

    def __init__(self, default: T, event: str = ""):
        self.default = default
        self.event = event
        self.name = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name
        self.event = self.event or f"{name}_changed"
        if not isinstance(owner.__dict__.get(self.event), Event):
            setattr(owner, self.event, Event(self.event))

    def __get__(self, obj: Any, owner: Optional[type] = None) -> Any:
        if obj is None:
            return self
        return obj.__dict__.get(self.name, self.default)

    def __set__(self, obj: Any, value: T) -> None:
        old = obj.__dict__.get(self.name, self.default)
        if old is value or _equal(old, value):
            return
        obj.__dict__[self.name] = value
        getattr(obj, self.event).emit(value)


def _equal(a: Any, b: Any) -> bool:
    try:
        return bool(a == b)
    except Exception:  # noqa: BLE001 - arrays and the like: only identity counts
        return False


class EventedModel:
    """Base of the observable models: ``Model(field=value)`` sets fields without events."""

    def __init__(self, **values: Any):
        for name, value in values.items():
            if not isinstance(getattr(type(self), name, None), Evented):
                raise TypeError(f"{type(self).__name__} has no evented field {name!r}")
            self.__dict__[name] = value

    @classmethod
    def fields(cls) -> List[str]:
        return [n for k in reversed(cls.__mro__) for n, v in vars(k).items() if isinstance(v, Evented)]


__all__ = ["Event", "Evented", "EventedModel", "MetricsStatus", "ModelStatus", "RunState"]
