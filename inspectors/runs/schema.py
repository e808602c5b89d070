"""The run index's tables (SQLite) and opening it: newer schemas and unreadable files are
refused with a one-line message; columns added since schema 1 are listed for writers."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from .types import SCHEMA_VERSION, RunCorruptError, RunError, RunSchemaError


def connect(path: Path, run: str) -> sqlite3.Connection:
    """Open the index, refusing newer schemas and unreadable files with a one-line message."""
    try:
        con = sqlite3.connect(os.fspath(path), timeout=10.0, check_same_thread=False,
                              isolation_level=None)
    except sqlite3.Error as e:
        raise RunCorruptError(f"run {run}: cannot open {path}: {e}") from None
    try:
        version = con.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise RunSchemaError(
                f"run {run} was written by a newer Defect Inspector (schema {version}; this one "
                f"reads up to {SCHEMA_VERSION}): update the app, or delete the run")
        con.execute("PRAGMA journal_mode=WAL")
        con.execute("PRAGMA synchronous=NORMAL")
        if version == SCHEMA_VERSION:
            con.execute("SELECT count(*) FROM images").fetchone()
    except sqlite3.Error as e:
        con.close()
        raise RunCorruptError(f"run {run}: {path} is not a readable run index ({e}); "
                              "delete the run to inspect again") from None
    except RunError:
        con.close()
        raise
    return con


SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS decision (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS images (
    rel TEXT PRIMARY KEY, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('ok', 'error')), error TEXT,
    t_read REAL, t_preprocess REAL, t_inference REAL, t_postprocess REAL,
    height INTEGER, width INTEGER, result BLOB, extra TEXT,
    label_file TEXT, conf_file TEXT, class_scores BLOB, histogram BLOB, written REAL,
    digest TEXT, defects BLOB
);
"""
#: Columns added after schema 1 was first written (readers of schema 1 ignore them; readers
#: of this version tolerate their absence).
ADDED_COLUMNS = {"digest": "TEXT", "defects": "BLOB"}


ROW_COLUMNS = ("rel", "size", "mtime_ns", "status", "error", "t_read", "t_preprocess", "t_inference",
                "t_postprocess", "height", "width", "result", "extra", "label_file", "conf_file",
                "class_scores", "histogram", "written", "digest", "defects")
