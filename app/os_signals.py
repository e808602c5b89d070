"""SIGINT (Ctrl+C in the app's terminal) and SIGTERM close the app the way closing its
window does: the model workers are stopped (queues dropped, the image in flight
finishes), a running export is cancelled, settings are saved; then the event loop ends.

Exit status: 128 + the signal's number, 130 for SIGINT and 143 for SIGTERM, the shell's
convention for a process ended by a signal, so a script or a supervisor can tell an
interrupted session from one the user ended (0) even though the close itself was clean.
A second signal while the first close is still under way quits at once, same status.

Python runs a handler set with :func:`signal.signal` only between bytecodes, and Qt's
event loop sits in C++, so such a handler alone would wait for the next Python callback
(often forever in an idle window). :func:`signal.set_wakeup_fd` makes the C-level handler
write a byte to a socket; a :class:`QSocketNotifier` on the other end wakes the event
loop, whose Python slot gives the interpreter the chance to run the pending handler.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import sys
from typing import Callable, Dict, Optional, Sequence

from PySide6.QtCore import QObject, QSocketNotifier, QTimer

SIGNALS = tuple(s for s in (getattr(signal, "SIGINT", None), getattr(signal, "SIGTERM", None)) if s)


class SignalCloser(QObject):
    """Route ``signums`` to ``close`` on the GUI thread; ``exit_code`` says what to return."""

    def __init__(self, close: Callable[[], None], signums: Sequence[int] = SIGNALS,
                 parent: Optional[QObject] = None):
        super().__init__(parent)
        self.received = 0
        self._close = close
        self._rsock, self._wsock = socket.socketpair()
        for s in (self._rsock, self._wsock):
            s.setblocking(False)
        self._old_fd = signal.set_wakeup_fd(self._wsock.fileno(), warn_on_full_buffer=False)
        self._notifier = QSocketNotifier(self._rsock.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._drain)
        self._old: Dict[int, object] = {s: signal.signal(s, self._handle) for s in signums}

    def _handle(self, signum: int, _frame) -> None:
        if self.received:
            print(f"Defect Inspector: {signal.Signals(signum).name} again, quitting now.",
                  file=sys.stderr, flush=True)
            os._exit(128 + self.received)
        self.received = signum
        print(f"Defect Inspector: {signal.Signals(signum).name} received, closing "
              "(send it again to quit at once).", file=sys.stderr, flush=True)
        QTimer.singleShot(0, self._close)

    def _drain(self, *_args) -> None:
        # The byte only woke the loop; the Python handler runs around this slot.
        with contextlib.suppress(OSError):
            while self._rsock.recv(64):
                pass

    def rearm(self, *_args) -> None:
        """Take the signals back: paddle's import (glog's failure handler) replaces the
        C-level SIGTERM handler, which then dumps a stack and kills the process."""
        for s in self._old:
            signal.signal(s, self._handle)

    def exit_code(self, default: int) -> int:
        return 128 + self.received if self.received else default

    def restore(self) -> None:
        """Put back the previous handlers and wake-up fd (the event loop has ended)."""
        for s, old in self._old.items():
            signal.signal(s, old)  # type: ignore[arg-type]
        self._old.clear()
        signal.set_wakeup_fd(self._old_fd)
        self._notifier.setEnabled(False)
        self._rsock.close()
        self._wsock.close()


def install(close: Callable[[], None], parent: Optional[QObject] = None) -> Optional[SignalCloser]:
    """A :class:`SignalCloser` for SIGINT and SIGTERM, or None where signals cannot be
    handled here (not the main thread)."""
    try:
        return SignalCloser(close, SIGNALS, parent)
    except ValueError:  # signal only works in the main thread of the main interpreter
        return None
