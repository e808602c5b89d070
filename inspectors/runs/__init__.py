"""Inspection runs that persist: one model over one image folder, stored on disk (Qt-free).

:class:`RunStore` (a root folder) holds runs; a :class:`Run` holds one row per image in a
SQLite index plus compact mask files, and the compact summaries the live threshold needs.
See :mod:`.run` for the layout and the crash / concurrency rules.
"""

from .fingerprint import model_fingerprint, run_id
from .run import Run
from .store import RunStore
from .types import (
    SCHEMA_VERSION,
    DecisionSettings,
    RunBusyError,
    RunCorruptError,
    RunError,
    RunInfo,
    RunNotFoundError,
    RunSchemaError,
    RunStatus,
    RunSummaries,
)

__all__ = [
    "SCHEMA_VERSION",
    "DecisionSettings",
    "Run",
    "RunBusyError",
    "RunCorruptError",
    "RunError",
    "RunInfo",
    "RunNotFoundError",
    "RunSchemaError",
    "RunStatus",
    "RunStore",
    "RunSummaries",
    "model_fingerprint",
    "run_id",
]
