"""Inspection runs on disk: one model over one image folder, reopened without inference.

Layout under the store's root (a folder the caller chooses, never inside an image folder)::

    ROOT/<run id>/index.sqlite     the index (SQLite, WAL; PRAGMA user_version = schema)
    ROOT/<run id>/lock             the writer's OS lock (:mod:`.lock`), holding its pid and command
    ROOT/<run id>/masks/<key>-<token>.label.png   segmentation label map (uint8/uint16 PNG)
    ROOT/<run id>/masks/<key>-<token>.conf.png    confidence, round(c * 255) as 8-bit PNG

The run id is 16 hex digits of sha256(folder real path, model fingerprint)
(:mod:`.fingerprint`). Tables of ``index.sqlite``:

- ``meta(key, value)``: JSON values: folder, model_path, fingerprint, task, class_names,
  model_class_names, settings (runtime settings of the last writer), created, updated.
- ``decision(key, value)``: JSON values: default (threshold), per_class, hidden, rules
  (YAML text of the decision rules, when saved).
- ``images``: one row per image: ``rel`` (path relative to the folder, '/' separated),
  size, mtime_ns, status ('ok' | 'error'), error, t_read / t_preprocess / t_inference /
  t_postprocess (seconds), height, width, result (detection: float32 (N, 6) rows
  x1 y1 x2 y2 score class; classification: float32 probabilities), extra (JSON:
  clean_ids; background_id / ignore_index / has_confidence), label_file, conf_file (names
  in masks/), class_scores (float32 (C,): :func:`inspectors.results.defect_class_scores`,
  -inf where none), histogram (zlib of uint32 (C, 101), segmentation:
  :func:`.arrays.class_histograms`), written (unix time), digest (blake2b-128 hex of
  the file's bytes, :func:`.fingerprint.file_digest`; NULL when not taken), defects (the
  compact defect table the decision rules re-decide from,
  :func:`inspectors.rules.pack_table`; NULL in rows written before it existed: computed
  from the stored result when read).

Crash safety: :meth:`Run.put` writes the mask files (atomically, under new names) first and
then the row in one transaction, so a kill at any moment leaves at most files no row
points to; the next writer's open removes them. Concurrency: one writer per run (an
``flock`` on ``lock``; a second gets :class:`RunBusyError` naming the holder), any number
of readers, which never block (WAL).
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

import numpy as np

from ..results import (
    Outcome,
    Result,
    StageTimings,
    Thresholds,
)
from . import arrays, codec, lock
from .freshness import RunFreshness
from .schema import ADDED_COLUMNS, ROW_COLUMNS, SCHEMA, connect
from .tables import RunTables
from .types import (
    INDEX,
    LOCK,
    MASKS,
    SCHEMA_VERSION,
    DecisionSettings,
    PathLike,
    RunCorruptError,
    RunError,
    RunInfo,
    RunNotFoundError,
    RunSummaries,
)


# ------------------------------------------------------------------ a run
class Run(RunTables, RunFreshness):
    """One run's index and files. Open through :meth:`RunStore.open` / :meth:`RunStore.open_id`.

    A writer (``write=True``) holds the run's lock until :meth:`close`; a reader never
    blocks and sees every committed row. Safe to share between threads.
    """

    def __init__(self, path: Path, write: bool, create: bool = False):
        self.path = path
        self.run_id = path.name
        self.writable = write
        self._lock_file = None
        self._mutex = threading.RLock()
        self._real_dirs: Dict[str, str] = {}  # directory as given -> its real path (rel_of)
        index = path / INDEX
        if not create and not index.exists():
            raise RunNotFoundError(f"run {self.run_id} does not exist in {path.parent}")
        if write:
            self._acquire()
        try:
            self._con = connect(index, self.run_id)
            if write:
                self._init_schema()
                self._sweep_orphans()
        except BaseException:
            self._release()
            raise
        self._meta = self._read_meta()

    # -- lock ---------------------------------------------------------------------
    def _acquire(self) -> None:
        self._lock_file = lock.acquire(self.path / LOCK, self.run_id)

    def _release(self) -> None:
        f, self._lock_file = self._lock_file, None
        lock.release(f)

    def close(self) -> None:
        """Close the index and release the writer's lock (idempotent)."""
        with self._mutex:
            con = getattr(self, "_con", None)
            if con is not None:
                with contextlib.suppress(sqlite3.Error):
                    con.close()
                self._con = None
            self._release()

    def __enter__(self) -> Run:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- schema, meta ---------------------------------------------------------------
    def _init_schema(self) -> None:
        with self._tx() as con:
            if con.execute("PRAGMA user_version").fetchone()[0] == 0:
                con.executescript("BEGIN IMMEDIATE;" + SCHEMA +
                                  f"PRAGMA user_version = {SCHEMA_VERSION}; COMMIT;")
            have = {r[1] for r in con.execute("PRAGMA table_info(images)")}
            for name, kind in ADDED_COLUMNS.items():
                if name not in have:  # a run written before the column existed
                    con.execute(f"ALTER TABLE images ADD COLUMN {name} {kind}")

    @contextlib.contextmanager
    def _tx(self):
        with self._mutex:
            if self._con is None:
                raise RunError(f"run {self.run_id} is closed")
            yield self._con

    def _write_kv(self, table: str, values: Mapping[str, Any]) -> None:
        with self._tx() as con:
            try:
                con.execute("BEGIN IMMEDIATE")
                con.executemany(f"INSERT OR REPLACE INTO {table} (key, value) VALUES (?, ?)",
                                [(k, json.dumps(v)) for k, v in values.items()])
                con.execute("COMMIT")
            except BaseException:
                with contextlib.suppress(sqlite3.Error):
                    con.execute("ROLLBACK")
                raise

    def _read_kv(self, table: str) -> Dict[str, Any]:
        with self._tx() as con:
            try:
                rows = con.execute(f"SELECT key, value FROM {table}").fetchall()
            except sqlite3.Error as e:
                raise RunCorruptError(f"run {self.run_id}: its index cannot be read ({e})") from None
        return {k: json.loads(v) for k, v in rows}

    def _read_meta(self) -> Dict[str, Any]:
        return self._read_kv("meta")

    @property
    def meta(self) -> Dict[str, Any]:
        """The run's metadata (folder, model_path, fingerprint, task, class_names, settings, ...)."""
        return dict(self._meta)

    @property
    def folder(self) -> str:
        return str(self._meta.get("folder", ""))

    @property
    def class_names(self) -> Tuple[str, ...]:
        return tuple(self._meta.get("class_names") or self._meta.get("model_class_names") or ())

    def set_meta(self, **values: Any) -> None:
        """Write metadata keys (JSON values); ``updated`` is set to now."""
        self._need_writer()
        self._write_kv("meta", {**values, "updated": time.time()})
        self._meta = self._read_meta()

    @property
    def decision_settings(self) -> DecisionSettings:
        d = self._read_kv("decision")
        review = d.get("review")
        return DecisionSettings(float(d.get("default", 0.5)),
                                {str(k): float(v) for k, v in (d.get("per_class") or {}).items()},
                                tuple(d.get("hidden") or ()), None if review is None else float(review))

    @property
    def has_decision_settings(self) -> bool:
        """Whether decision settings were ever saved to this run."""
        return "default" in self._read_kv("decision")

    @decision_settings.setter
    def decision_settings(self, value: DecisionSettings) -> None:
        """Any holder of the run may set them (SQLite serializes the short transaction)."""
        Thresholds(float(value.default), dict(value.per_class))  # validates the range
        self._write_kv("decision", {"default": float(value.default),
                                    "per_class": {str(k): float(v) for k, v in value.per_class.items()},
                                    "hidden": list(value.hidden), "review": value.review})

    @property
    def rules_text(self) -> Optional[str]:
        """The run's decision rules as YAML text (the rules file format), None when none
        were saved. Kept beside the decision settings; any holder may set them."""
        value = self._read_kv("decision").get("rules")
        return None if value is None else str(value)

    @rules_text.setter
    def rules_text(self, text: Optional[str]) -> None:
        if text is None:
            with self._tx() as con:
                con.execute("DELETE FROM decision WHERE key = 'rules'")
        else:
            self._write_kv("decision", {"rules": str(text)})

    def _need_writer(self) -> None:
        if not self.writable:
            raise RunError(f"run {self.run_id} was opened for reading; open it for writing to store results")

    # -- files ----------------------------------------------------------------------
    def _sweep_orphans(self) -> None:
        """Remove mask files no row points to (a writer killed between files and row)."""
        masks = self.path / MASKS
        if not masks.is_dir():
            return
        with self._tx() as con:
            used = set()
            for a, b in con.execute("SELECT label_file, conf_file FROM images "
                                    "WHERE label_file IS NOT NULL OR conf_file IS NOT NULL"):
                used.update(x for x in (a, b) if x)
        for entry in os.scandir(masks):
            if entry.name not in used:
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)

    def _read_file(self, name: str, rel: str) -> bytes:
        path = self.path / MASKS / name
        try:
            return path.read_bytes()
        except FileNotFoundError:
            raise RunCorruptError(f"run {self.run_id}: the mask file {name} of {rel} is missing; "
                                  "inspect the image again or delete the run") from None
        except OSError as e:
            raise RunCorruptError(f"run {self.run_id}: cannot read {path}: {e.strerror or e}") from None

    # -- paths ------------------------------------------------------------------------
    def rel_of(self, path: PathLike) -> str:
        """Path relative to the run's folder ('/' separated); a relative path is taken as is."""
        p = os.fspath(path)
        if not os.path.isabs(p):
            return p.replace(os.sep, "/")
        folder = self.folder
        head, name = os.path.split(p)
        real_dir = self._real_dirs.get(head)
        if real_dir is None:  # a folder's images share their directory: resolved once
            real_dir = self._real_dirs[head] = os.path.realpath(head)
        if real_dir == folder:
            return name
        if real_dir.startswith(folder + os.sep):
            return real_dir[len(folder) + 1:].replace(os.sep, "/") + "/" + name
        rel = os.path.relpath(os.path.join(real_dir, name), folder)  # the file may be a link out
        if rel == os.curdir or rel.startswith(os.pardir + os.sep) or rel == os.pardir:
            raise RunError(f"{p} is not inside the run's folder {folder}")
        return rel.replace(os.sep, "/")

    def path_of(self, rel: str) -> str:
        return os.path.join(self.folder, *rel.split("/"))

    # -- rows ---------------------------------------------------------------------
    def put(self, outcome: Outcome, size: Optional[int] = None,
            mtime_ns: Optional[int] = None, digest: Optional[str] = None) -> str:
        """Store one image's outcome (replacing an earlier one); returns its ``rel``.

        ``size`` / ``mtime_ns`` / ``digest`` are the image file's before it was read
        (:func:`.fingerprint.file_key`; default: stat now, no digest). Mask files are
        written first, then the row in one transaction.
        """
        self._need_writer()
        rel = self.rel_of(outcome.path)
        if size is None or mtime_ns is None:
            try:
                st = os.stat(self.path_of(rel))
            except OSError as e:
                raise RunError(f"cannot store {rel}: the image cannot be read ({e.strerror or e})") from None
            size, mtime_ns = st.st_size, st.st_mtime_ns
        row: Dict[str, Any] = {"rel": rel, "size": int(size), "mtime_ns": int(mtime_ns),
                               "status": "ok" if outcome.ok else "error", "error": outcome.error,
                               "written": time.time(), "digest": digest}
        t = outcome.timings
        row.update(t_read=t.read, t_preprocess=t.preprocess, t_inference=t.inference,
                   t_postprocess=t.postprocess)
        files: List[str] = []
        try:
            if outcome.result is not None:
                row.update(self._encode(outcome.result, rel, files))
            self._write_row(rel, row, files)
        except OSError as e:  # a full disk, a store folder gone: one line, nothing else lost
            self._drop(files)
            raise RunError(f"run {self.run_id}: cannot store {rel}: {e.strerror or e}") from None
        except sqlite3.Error as e:
            self._drop(files)
            raise RunError(f"run {self.run_id}: cannot store {rel}: {e}") from None
        return rel

    def _drop(self, files: Sequence[str]) -> None:
        for name in files:
            with contextlib.suppress(OSError):
                os.unlink(self.path / MASKS / name)

    def _write_row(self, rel: str, row: Dict[str, Any], files: List[str]) -> None:
        """The row in one transaction; on failure the new files go, after success the old ones."""
        cols = ", ".join(row)
        marks = ", ".join("?" * len(row))
        sets = ", ".join(f"{k} = excluded.{k}" for k in ROW_COLUMNS if k != "rel")
        old: List[str] = []
        try:
            with self._tx() as con:
                con.execute("BEGIN IMMEDIATE")
                try:
                    prev = con.execute("SELECT label_file, conf_file FROM images WHERE rel = ?",
                                       (rel,)).fetchone()
                    con.execute(f"INSERT INTO images ({cols}) VALUES ({marks}) "  # keeps the rowid
                                f"ON CONFLICT (rel) DO UPDATE SET {sets}", tuple(row.values()))
                    con.execute("COMMIT")
                except BaseException:
                    with contextlib.suppress(sqlite3.Error):
                        con.execute("ROLLBACK")
                    raise
            old = [x for x in (prev or ()) if x]
        except BaseException:
            self._drop(files)  # not referenced: removed now rather than at the next open
            raise
        self._drop(old)

    def _check_names(self, result: Result) -> None:
        names = tuple(result.class_names)
        have = tuple(self._meta.get("class_names") or ())
        if not have:
            self.set_meta(class_names=list(names))
        elif have != names:
            raise RunError(f"run {self.run_id} holds classes {', '.join(have)}; a result with "
                           f"{', '.join(names)} belongs to another model")

    def _encode(self, result: Result, rel: str, files: List[str]) -> Dict[str, Any]:
        self._check_names(result)
        return codec.encode(result, rel, self.path / MASKS, files)

    def __contains__(self, rel: str) -> bool:
        with self._tx() as con:
            return con.execute("SELECT 1 FROM images WHERE rel = ?", (rel,)).fetchone() is not None

    def __len__(self) -> int:
        with self._tx() as con:
            return int(con.execute("SELECT count(*) FROM images").fetchone()[0])

    def rels(self) -> List[str]:
        with self._tx() as con:
            return [r for (r,) in con.execute("SELECT rel FROM images ORDER BY rowid")]

    def key_of(self, rel_or_path: PathLike) -> Optional[Tuple[int, int, Optional[str]]]:
        """The stored (size, mtime_ns, digest) of one image, None when it has no row (one
        indexed lookup: line mode asks it for every new file)."""
        rel = self.rel_of(rel_or_path)
        with self._tx() as con:
            row = con.execute("SELECT size, mtime_ns, digest FROM images WHERE rel = ?", (rel,)).fetchone()
        return None if row is None else (int(row[0]), int(row[1]), row[2])

    def get(self, rel_or_path: PathLike) -> Outcome:
        """The stored outcome (masks read now); RunError when the image is not in the run."""
        rel = self.rel_of(rel_or_path)
        with self._tx() as con:
            try:
                row = con.execute(
                    "SELECT status, error, t_read, t_preprocess, t_inference, t_postprocess, height, "
                    "width, result, extra, label_file, conf_file FROM images WHERE rel = ?",
                    (rel,)).fetchone()
            except sqlite3.Error as e:
                raise RunCorruptError(f"run {self.run_id}: its index cannot be read ({e})") from None
        if row is None:
            raise RunError(f"{rel} has no result in run {self.run_id}")
        status, error, tr, tp, ti, tpo, h, w, blob, extra, label, conf = row
        timings = StageTimings(tr or 0.0, tp or 0.0, ti or 0.0, tpo or 0.0)
        path = self.path_of(rel)
        if status == "error":
            return Outcome(path, error=error or "error", timings=timings)
        result = codec.decode(json.loads(extra or "{}"), blob, (h, w), label, conf, self.class_names,
                              lambda name: self._read_file(name, rel), f"run {self.run_id}: the row of {rel}")
        return Outcome(path, result=result, timings=timings)

    def summaries(self, histograms: bool = False, defects: bool = False,
                  compute_missing: bool = True) -> RunSummaries:
        """Every row's compact state (scores per class, ok/error), without touching masks;
        ``defects``: with every row's defect table (:class:`inspectors.rules.DefectTables`;
        for rows written before tables were stored, masks are read to compute them, or with
        ``compute_missing=False`` those rows are left out: ``defects.ok`` False)."""
        names = self.class_names
        c = len(names)
        sql = "SELECT rel, status, error, class_scores" + (", histogram" if histograms else "")
        if defects:
            sql += ", defects" if self._has_column("defects") else ", NULL"
        sql += " FROM images ORDER BY rowid"
        with self._tx() as con:
            rows = con.execute(sql).fetchall()
        n = len(rows)
        rels = [r[0] for r in rows]
        ok = np.fromiter((r[1] == "ok" for r in rows), bool, n)
        empty = np.full(c, -np.inf, np.float32).tobytes()
        blob = b"".join(r[3] if r[3] is not None else empty for r in rows)
        scores = np.frombuffer(blob, np.float32).reshape(n, c) if c else np.zeros((n, 0), np.float32)
        errors = {r[0]: r[2] or "error" for r in rows if r[1] != "ok"}
        hist = None
        if histograms:
            hist = np.zeros((n, c, arrays.N_BINS), np.uint32)
            for i, r in enumerate(rows):
                if r[4] is not None:
                    hist[i] = arrays.unpack_histograms(r[4], c)
        tables = self._stacked_tables(rels, ok, scores, [r[-1] for r in rows], compute_missing) if defects else None
        return RunSummaries(rels, ok, scores, names, errors, hist, tables)

    def info(self) -> RunInfo:
        with self._tx() as con:
            n, errs = con.execute("SELECT count(*), coalesce(sum(status = 'error'), 0) FROM images").fetchone()
        m = self._read_meta()
        return RunInfo(self.run_id, self.path, str(m.get("folder", "")), str(m.get("model_path", "")),
                       str(m.get("fingerprint", "")), str(m.get("task", "")), m.get("settings") or {},
                       float(m.get("created", 0.0)), float(m.get("updated", 0.0)), int(n), int(errs))


# ------------------------------------------------------------------ the store
