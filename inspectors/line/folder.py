"""A watched folder as a source: each new image file is taken once it is complete.

Complete means renamed into place (a ``moved`` event: the writer wrote elsewhere, e.g. a
hidden ``.x.png.part``, then renamed it) or, for a file written in place, its size and
mtime unchanged for ``settle`` seconds. A file is never handed over while it still grows.
Hidden files (``.name``), ``~`` files and names without an image suffix are ignored, so a
writer's temporary files are never read. Files already in the folder at start are taken
too (the station skips those the run already decided). Events come from ``watchdog``
(inotify on Linux); a poller thread checks the files still settling.
"""

from __future__ import annotations

import collections
import os
import threading
import time
from typing import Callable, Dict, Optional, Tuple

from ..imageio import is_image_file
from .frames import Frame, LineError

Emit = Callable[[Frame], bool]
#: files whose (size, mtime) was handed over, remembered to ignore repeated events
REMEMBERED = 100_000


def _wanted(path: str) -> bool:
    name = os.path.basename(path)
    return not name.startswith((".", "~")) and is_image_file(path)


class FolderSource:
    """Watch ``folder`` (and its subfolders) and emit complete image files."""

    def __init__(self, folder: str, settle: float = 0.5, recursive: bool = True):
        if not os.path.isdir(folder):
            raise LineError(f"the folder to watch does not exist: {folder}")
        self.folder = os.path.abspath(folder)
        self.settle = float(settle)
        self.recursive = recursive
        self._pending: Dict[str, Tuple[int, int, float]] = {}  # path -> size, mtime_ns, since
        self._emitted: collections.OrderedDict[str, Tuple[int, int]] = collections.OrderedDict()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._emit: Optional[Emit] = None
        self._observer = None
        self._poller: Optional[threading.Thread] = None
        self._seq = 0
        self.finished = threading.Event()  # a folder never runs out: set only by stop()

    # -- events (watchdog's thread) ------------------------------------------------
    def _seen(self, path: str) -> None:
        if not _wanted(path):
            return
        with self._lock:
            self._pending.setdefault(path, (-1, -1, time.monotonic()))

    def _forget(self, path: str) -> None:
        """A file taken away (the line's archiver): nothing to remember about it."""
        with self._lock:
            self._pending.pop(path, None)
            self._emitted.pop(path, None)

    def _renamed_in(self, path: str) -> None:
        if not _wanted(path):
            return
        try:
            st = os.stat(path)
        except OSError:
            return
        with self._lock:  # complete now: the poller hands it over at its next pass
            self._pending[path] = (st.st_size, st.st_mtime_ns, float("-inf"))

    def _handler(self):
        from watchdog.events import FileSystemEventHandler

        source = self

        class Handler(FileSystemEventHandler):
            def on_created(self, event):
                if not event.is_directory:
                    source._seen(os.fsdecode(event.src_path))

            def on_modified(self, event):
                if not event.is_directory:
                    source._seen(os.fsdecode(event.src_path))

            def on_closed(self, event):
                if not event.is_directory:
                    source._seen(os.fsdecode(event.src_path))

            def on_moved(self, event):
                if not event.is_directory:
                    source._forget(os.fsdecode(event.src_path))
                    source._renamed_in(os.fsdecode(event.dest_path))

            def on_deleted(self, event):
                if not event.is_directory:
                    source._forget(os.fsdecode(event.src_path))

        return Handler()

    # -- hand-over ---------------------------------------------------------------
    def _hand_over(self, path: str, stat: Optional[os.stat_result] = None) -> None:
        try:
            st = stat or os.stat(path)
        except OSError:  # gone again before it was taken
            return
        if st.st_size == 0:
            return
        key = (st.st_size, st.st_mtime_ns)
        with self._lock:
            if self._emitted.get(path) == key:
                return
            self._emitted[path] = key
            self._emitted.move_to_end(path)
            while len(self._emitted) > REMEMBERED:
                self._emitted.popitem(last=False)
            self._seq += 1
            seq = self._seq
        if self._emit is not None and not self._stop.is_set():
            self._emit(Frame(name=os.path.relpath(path, self.folder), captured=time.monotonic(),
                             wall=time.time(), path=path, seq=seq))

    def _poll(self) -> None:
        interval = max(0.02, min(0.1, self.settle / 5))
        while not self._stop.wait(interval):
            now = time.monotonic()
            ready = []
            with self._lock:
                items = list(self._pending.items())
            for path, (size, mtime, since) in items:
                try:
                    st = os.stat(path)
                except OSError:
                    with self._lock:
                        self._pending.pop(path, None)
                    continue
                if (st.st_size, st.st_mtime_ns) != (size, mtime):
                    with self._lock:
                        if path in self._pending:
                            self._pending[path] = (st.st_size, st.st_mtime_ns, now)
                elif now - since >= self.settle:
                    ready.append((path, st))
            for path, st in ready:
                with self._lock:
                    if self._pending.get(path, (None, None))[:2] != (st.st_size, st.st_mtime_ns):
                        continue
                    del self._pending[path]
                self._hand_over(path, st)

    def _initial_scan(self) -> None:
        """Files already there: complete when older than ``settle``, else left to settle."""
        now_wall = time.time()
        for root, dirs, files in os.walk(self.folder):
            dirs[:] = sorted(d for d in dirs if not d.startswith(".")) if self.recursive else []
            for name in sorted(files):
                path = os.path.join(root, name)
                if self._stop.is_set():
                    return
                if not _wanted(path):
                    continue
                try:
                    st = os.stat(path)
                except OSError:
                    continue
                if now_wall - st.st_mtime >= self.settle:
                    self._hand_over(path, st)
                else:
                    self._seen(path)

    # -- life ----------------------------------------------------------------------
    def start(self, emit: Emit) -> None:
        from watchdog.observers import Observer

        self._emit = emit
        self._observer = Observer()
        self._observer.schedule(self._handler(), self.folder, recursive=self.recursive)
        self._observer.daemon = True
        self._observer.start()  # before the scan: a file written meanwhile is not missed
        self._poller = threading.Thread(target=self._run, name="line-folder", daemon=True)
        self._poller.start()

    def _run(self) -> None:
        self._initial_scan()
        self._poll()

    def stop(self) -> None:
        self._stop.set()
        if self._observer is not None:
            self._observer.stop()
            self._observer.join(timeout=5)
        if self._poller is not None and self._poller is not threading.current_thread():
            self._poller.join(timeout=5)
        self.finished.set()

    @property
    def pending(self) -> int:
        with self._lock:
            return len(self._pending)
