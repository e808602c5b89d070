"""How ``predict`` and ``evaluate`` use the inspection-run store (:mod:`inspectors.runs`).

One rule for both: the run is the one of this model (same fingerprint) whose folder holds
all the images of the invocation (the deepest such folder), else a new run on the
invocation's folder (``predict``: the input folder, the single image's folder or the list
file's folder; ``evaluate``: the images' common folder). Stored images that are unchanged
(size and mtime) are reused; missing, changed and earlier failed images are inferred and
stored on a writer thread; the caller then reads every outcome back from the run, so a
fresh run and a reused one give the same results.
"""

from __future__ import annotations

import argparse
import os
import queue
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterable, Iterator, List, Optional, Sequence

from ..results import Outcome
from ..runs import Run, RunBusyError, RunError, RunStore
from ..runs.fingerprint import FileKey, file_key, model_fingerprint
from ..runs.location import runs_root
from .common import CliError


def add_store_args(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("inspection runs")
    g.add_argument("--work-dir", default=None, metavar="DIR",
                   help="keep inspection runs in DIR/runs (default: $DEFECT_INSPECTOR_HOME, else the "
                        "user data folder the app uses)")
    g.add_argument("--no-store", action="store_true",
                   help="neither reuse nor write an inspection run (infer every image)")


def _holds(folder: str, path: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def open_run(args: argparse.Namespace, folder: Path, images: Sequence[Path], settings) -> Optional[Run]:
    """The run to use as its one writer (None with ``--no-store``, or when the store cannot
    be used here: a note says why). Another writer on it: a one-line CliError (exit 2)."""
    if getattr(args, "no_store", False):
        return None
    store = RunStore(runs_root(args.work_dir))
    try:
        real = os.path.realpath(folder)
        dirs = {os.path.realpath(Path(p).parent) for p in images}
        if dirs and not all(_holds(real, d) for d in dirs):
            real = os.path.commonpath([real, *dirs])
        _spec, fp = model_fingerprint(args.model)
        ancestors = [i for i in store.runs() if i.problem is None and i.fingerprint == fp
                     and i.folder and _holds(i.folder, real) and os.path.isdir(i.folder)]
        if ancestors:
            real = max(ancestors, key=lambda i: len(i.folder)).folder
        return store.open(real, args.model, settings)
    except RunBusyError as e:
        raise CliError(str(e)) from None
    except RunError as e:
        print(f"note: results are not stored ({e})", file=sys.stderr)
        return None




@dataclass
class Plan:
    """What to infer: ``todo`` (paths, unique), with the counts for the line printed."""

    todo: List[Path]
    reused: int = 0
    stale: int = 0
    new: int = 0
    retried: int = 0
    outside: List[Path] = field(default_factory=list)  # not inside the run's folder: not stored

    def line(self, run: Run) -> str:
        s = (f"{self.reused} images already in run {run.run_id} (reused), {self.stale} stale re-run, "
             f"{self.new} new")
        if self.retried:
            s += f", {self.retried} that failed before retried"
        return s


def _abs(p) -> str:
    return os.path.abspath(os.fspath(p))


def plan(run: Run, images: Iterable[Path]) -> Plan:
    """Split the images (duplicates once) by what the run holds."""
    storable: Dict[str, Path] = {}  # absolute path -> the path as given
    outside: List[Path] = []
    seen = set()
    for img in images:
        key = os.fspath(img)
        if key in seen:
            continue
        seen.add(key)
        try:
            run.rel_of(_abs(img))
            storable[_abs(img)] = img
        except RunError:
            outside.append(img)
    status = run.status_of(list(storable))
    failed = run.summaries().errors if status.done else {}
    retry = [p for p in status.done if run.rel_of(p) in failed]
    todo_set = {*status.missing, *status.stale, *retry}
    todo = [given for a, given in storable.items() if a in todo_set] + outside
    return Plan(todo, reused=len(status.done) - len(retry), stale=len(status.stale),
                new=len(status.missing), retried=len(retry), outside=outside)


class Writer:
    """Stores outcomes on a background thread (one SQLite transaction each), so inference
    does not wait for the disk; :meth:`close` waits for the queue and re-raises the first
    storing error."""

    def __init__(self, run: Run, depth: int = 64):
        self.run = run
        self._q: queue.Queue = queue.Queue(maxsize=depth)
        self._error: Optional[BaseException] = None
        self._thread = threading.Thread(target=self._work, name="run-writer", daemon=True)
        self._thread.start()

    def _work(self) -> None:
        while True:
            item = self._q.get()
            if item is None:
                return
            if self._error is not None:
                continue
            outcome, key = item
            try:
                self.run.put(outcome, *(key or ()))
            except BaseException as e:  # noqa: BLE001 - handed to the main thread
                self._error = e

    def put(self, outcome: Outcome, key: Optional[FileKey]) -> None:
        if self._error is not None:
            raise self._error
        self._q.put((outcome, key))

    def close(self) -> None:
        if self._thread.is_alive():
            self._q.put(None)
            self._thread.join()
        if self._error is not None:
            raise self._error


def infer_into(run: Optional[Run], inspector, todo: Sequence[Path], bar=None) -> Dict[str, Outcome]:
    """Infer ``todo``; outcomes of images the run can hold are stored, the others returned
    (all of them without a run), keyed by ``os.fspath`` of the path as given.

    Each stored image's file key is taken before the image is read: here, or, for an
    inspector with ``run_keyed`` (a cluster's, :mod:`inspectors.cluster`), by the worker
    that reads it, which sends the key with the outcome (None: it could not open the file,
    whose error is then reported, not stored, as an image gone here is)."""
    kept: Dict[str, Outcome] = {}
    if not todo:
        return kept
    stats: Dict[str, Optional[FileKey]] = {}
    storable = set()
    run_keyed = getattr(inspector, "run_keyed", None)
    if run is not None:
        for p in todo:
            key = os.fspath(p)
            try:
                run.rel_of(_abs(p))
                storable.add(key)
            except RunError:
                continue
            if run_keyed is not None:
                continue
            try:
                stats[key] = file_key(p)  # before the image is read: a later edit reads as stale
            except OSError:  # gone: its error is reported, not stored
                storable.discard(key)
    given = {_abs(p): os.fspath(p) for p in todo}
    paths = [_abs(p) for p in todo] if run is not None else list(todo)
    if run_keyed is not None:
        keyed = run_keyed(paths)
    else:
        keyed = ((o, stats.get(given.get(os.fspath(o.path), os.fspath(o.path))))
                 for o in inspector.run(paths))
    writer = Writer(run) if run is not None else None
    try:
        for outcome, file_stat in keyed:
            key = given.get(os.fspath(outcome.path), os.fspath(outcome.path))
            if writer is not None and key in storable and file_stat is not None:
                writer.put(outcome, file_stat)
            else:
                kept[key] = outcome
            if bar is not None:
                bar.update(1)
    finally:
        if writer is not None:
            writer.close()
    return kept


def outcomes(run: Optional[Run], images: Sequence[Path], kept: Dict[str, Outcome]) -> Iterator[Outcome]:
    """Every image's outcome in order: read back from the run, else from ``kept``."""
    for img in images:
        key = os.fspath(img)
        if key in kept:
            yield kept[key]
        elif run is not None:
            yield run.get(_abs(img))
        else:
            raise RunError(f"{img} has no result")
