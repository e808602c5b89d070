"""The defect tables of a run's rows (the compact tables the decision rules re-decide from,
:func:`inspectors.rules.pack_table`): read, checked against the row's ``class_scores``,
computed from the stored result where a row has none (written before the column existed, or
left behind by an older writer), and stored back. A mixin of :class:`~.run.Run`, which
provides the index (``_tx``, ``_need_writer``), names (``rel_of``, ``run_id``,
``class_names``) and results (``get``)."""

from __future__ import annotations

import contextlib
import sqlite3
from typing import List, Optional, Sequence, Tuple

import numpy as np

from ..errors import InspectorError
from ..rules import DefectTable, DefectTables, defect_table, pack_table, unpack_table
from .types import PathLike, RunCorruptError, RunError


def best_scores(tables: DefectTables, num_classes: int) -> np.ndarray:
    """(N, C) best score per image and class of the tables: equal to the ``class_scores``
    column for a table that belongs to the row's result."""
    best = np.full((len(tables), num_classes), -np.inf, np.float32)
    if len(tables.defects):
        np.maximum.at(best, (tables.image_of, tables.column("cls")), tables.column("score"))
    return best


class RunTables:
    """A run's defect tables (see the module)."""

    def _has_column(self, name: str) -> bool:
        """Whether the index has an added column (a reader of a run an older version wrote
        may not: only writers add them)."""
        with self._tx() as con:
            return name in {r[1] for r in con.execute("PRAGMA table_info(images)")}

    def defect_table(self, rel_or_path: PathLike) -> Optional[DefectTable]:
        """The stored defect table of one image (None for an error row; computed from the
        stored result for rows written before the column existed). RunError when absent."""
        rel = self.rel_of(rel_or_path)
        col = "defects" if self._has_column("defects") else "NULL"
        with self._tx() as con:
            row = con.execute(f"SELECT status, class_scores, {col} FROM images WHERE rel = ?",
                              (rel,)).fetchone()
        if row is None:
            raise RunError(f"{rel} has no result in run {self.run_id}")
        status, scores, blob = row
        if status != "ok":
            return None
        table = self._unpack(rel, blob)
        if table is not None and scores is not None:
            best = best_scores(DefectTables.stack([table]), len(self.class_names))[0]
            if not np.array_equal(best, np.frombuffer(scores, np.float32)):
                table = None
        return table if table is not None else self._computed_table(rel)

    def store_defect_tables(self, items: Sequence[Tuple[str, DefectTable]]) -> None:
        """Write defect tables computed later for rows that have none (a run from before
        tables were stored), in one transaction; each row's ``class_scores`` becomes its
        table's best scores (equal but for the 8-bit confidence of stored masks)."""
        self._need_writer()
        c = len(self.class_names)
        # the table comes from the stored (8-bit confidence) result: its best scores become
        # the row's class_scores, so table and scores agree from now on
        rows = [(pack_table(t), best_scores(DefectTables.stack([t]), c)[0].tobytes(), rel) for rel, t in items]
        with self._tx() as con:
            con.execute("BEGIN IMMEDIATE")
            try:
                con.executemany("UPDATE images SET defects = ?, class_scores = ? WHERE rel = ?", rows)
                con.execute("COMMIT")
            except BaseException:
                with contextlib.suppress(sqlite3.Error):
                    con.execute("ROLLBACK")
                raise

    def _stacked_tables(self, rels: List[str], ok: np.ndarray, scores: np.ndarray,
                        blobs: List[Optional[bytes]], compute_missing: bool) -> DefectTables:
        """Every row's table for :meth:`Run.summaries`: the stored one where it agrees with
        the row's scores; else computed from the result, or (``compute_missing=False``) left
        out (``tables.ok`` False there)."""
        tabs = [self._unpack(rel, blob) if good else None for rel, good, blob in zip(rels, ok, blobs)]
        tables = DefectTables.stack(tabs)
        stored = np.fromiter((t is not None for t in tabs), bool, len(tabs))
        stale = ok & ~(stored & (best_scores(tables, scores.shape[1]) == scores).all(axis=1))
        if not stale.any():
            return tables
        for i in np.flatnonzero(stale):
            tabs[i] = self._computed_table(rels[i]) if compute_missing else None
        return DefectTables.stack(tabs)

    def _unpack(self, rel: str, blob: Optional[bytes]) -> Optional[DefectTable]:
        if blob is None:
            return None
        try:
            return unpack_table(blob)
        except InspectorError as e:
            raise RunCorruptError(f"run {self.run_id}: the row of {rel}: {e}") from None

    def _computed_table(self, rel: str) -> Optional[DefectTable]:
        """From the stored result: rows without a table, or whose table an older writer left
        behind when it replaced the result (its scores disagree with ``class_scores``)."""
        result = self.get(rel).result
        return None if result is None else defect_table(result)
