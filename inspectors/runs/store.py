"""The store of runs: a root folder holding one folder per run (see :mod:`.run` for a
run's layout and its crash / concurrency rules); open, list, delete."""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import shutil
import time
from pathlib import Path
from typing import Any, Dict, List, Optional

from ..errors import InspectorError
from ..outdir import check_apart
from .fingerprint import model_fingerprint, run_id
from .run import Run
from .types import INDEX, PathLike, RunError, RunInfo, RunNotFoundError


def _settings_dict(settings: Any) -> Dict[str, Any]:
    """Runtime settings (a dataclass or mapping) as plain JSON data for the run's meta."""
    if settings is None:
        return {}
    if dataclasses.is_dataclass(settings) and not isinstance(settings, type):
        settings = dataclasses.asdict(settings)
    return json.loads(json.dumps(dict(settings), default=str))



class RunStore:
    """All runs under one root folder (the user data folder or ``--work-dir``)."""

    def __init__(self, root: PathLike):
        self.root = Path(os.path.abspath(os.path.expanduser(os.fspath(root))))

    def open(self, folder: PathLike, model_dir: PathLike, settings: Any = None,
             write: bool = True) -> Run:
        """The run of ``model_dir`` over ``folder``: created or reopened (``write``: as its one
        writer, recording ``settings``; else read-only, RunNotFoundError when absent)."""
        real = os.path.realpath(os.fspath(folder))
        if not os.path.isdir(real):
            raise RunError(f"image folder {folder} does not exist")
        check_apart(self.root, [real], what="the run store")
        spec, fp = model_fingerprint(model_dir)
        rid = run_id(real, fp)
        run = Run(self.root / rid, write=write, create=write)
        if write:
            try:
                now = time.time()
                meta = {"folder": real, "model_path": os.fspath(spec.directory), "fingerprint": fp,
                        "task": spec.task, "model_class_names": list(spec.class_names),
                        "settings": _settings_dict(settings)}
                if "created" not in run.meta:
                    meta["created"] = now
                run.set_meta(**meta)
            except BaseException:
                run.close()
                raise
        return run

    def open_id(self, rid: str, write: bool = False) -> Run:
        """An existing run by id (the Runs view, a run ``predict`` made)."""
        path = self.root / rid
        if not rid or os.sep in rid or rid.startswith(".") or not (path / INDEX).exists():
            raise RunNotFoundError(f"run {rid} does not exist in {self.root}")
        return Run(path, write=write)

    def runs(self, folder: Optional[PathLike] = None) -> List[RunInfo]:
        """Runs in the store (of ``folder`` only, when given), newest first; a run that
        cannot be read is listed with its ``problem`` so that it can be deleted."""
        real = os.path.realpath(os.fspath(folder)) if folder is not None else None
        out: List[RunInfo] = []
        try:
            entries = sorted(os.scandir(self.root), key=lambda e: e.name)
        except FileNotFoundError:
            return []
        for entry in entries:
            if entry.name.startswith(".") or not entry.is_dir() \
                    or not os.path.exists(os.path.join(entry.path, INDEX)):
                continue
            try:
                with Run(Path(entry.path), write=False) as run:
                    info = run.info()
            except InspectorError as e:
                if real is None:
                    out.append(RunInfo(entry.name, Path(entry.path), problem=str(e)))
                continue
            if real is None or info.folder == real:
                out.append(info)
        return sorted(out, key=lambda i: -i.updated)

    def delete(self, rid: str) -> None:
        """Remove a run (also a broken one); RunBusyError while another process writes it."""
        path = self.root / rid
        if not rid or os.sep in rid or rid.startswith(".") or not path.is_dir():
            raise RunNotFoundError(f"run {rid} does not exist in {self.root}")
        run = Run.__new__(Run)
        run.path, run.run_id, run._lock_file = path, rid, None
        run._acquire()
        try:
            trash = path.with_name(f".deleting-{rid}-{os.getpid()}")
            os.replace(path, trash)
        finally:
            run._release()
        shutil.rmtree(trash, ignore_errors=True)

    def sweep(self) -> None:
        """Remove leftovers of deletions that were interrupted."""
        with contextlib.suppress(OSError):
            for entry in os.scandir(self.root):
                if entry.name.startswith(".deleting-"):
                    shutil.rmtree(entry.path, ignore_errors=True)


