"""What the run store hands out: its errors, the run's settings, listing, status and summaries."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Tuple, Union

import numpy as np

from ..errors import InspectorError
from ..results import Thresholds
from ..rules import DefectTables

PathLike = Union[str, "os.PathLike[str]"]

SCHEMA_VERSION = 1
INDEX = "index.sqlite"
LOCK = "lock"
MASKS = "masks"


class RunError(InspectorError):
    """A run that cannot be used as asked (the message says which and what to do)."""


class RunBusyError(RunError):
    """Another process writes this run."""


class RunSchemaError(RunError):
    """The run was written by a newer version of Defect Inspector."""


class RunCorruptError(RunError):
    """The run's index or one of its files is unreadable."""


class RunNotFoundError(RunError):
    """No such run in the store."""


# ------------------------------------------------------------------ small types
@dataclass(frozen=True)
class DecisionSettings:
    """A run's decision settings: threshold (NG at), per-class overrides, hidden classes,
    and where the review band starts for classes the rules give no band (None: no band)."""

    default: float = 0.5
    per_class: Mapping[str, float] = field(default_factory=dict)
    hidden: Tuple[str, ...] = ()
    review: Optional[float] = None

    def thresholds(self) -> Thresholds:
        return Thresholds(float(self.default), dict(self.per_class))


@dataclass(frozen=True)
class RunInfo:
    """One run as the Runs view lists it; ``problem`` is set for a run that cannot be opened."""

    run_id: str
    path: Path
    folder: str = ""
    model_path: str = ""
    fingerprint: str = ""
    task: str = ""
    settings: Mapping[str, Any] = field(default_factory=dict)
    created: float = 0.0
    updated: float = 0.0
    images_done: int = 0
    errors: int = 0
    problem: Optional[str] = None


@dataclass(frozen=True)
class RunStatus:
    """Paths of a listing, split by what the run holds for them (paths as given)."""

    done: List[str]  # stored, same size and mtime (errors included: they were tried)
    missing: List[str]  # not in the run
    stale: List[str]  # stored, but the file changed since (size or mtime)


@dataclass(frozen=True, eq=False)
class RunSummaries:
    """All rows' compact state, in one set of arrays (row i = ``rels[i]``)."""

    rels: List[str]
    ok: np.ndarray  # (N,) bool
    scores: np.ndarray  # (N, C) float32, defect_class_scores (-inf: none / error rows)
    class_names: Tuple[str, ...]
    errors: Dict[str, str]  # rel -> error text
    histograms: Optional[np.ndarray] = None  # (N, C, 101) uint32 (segmentation, when asked)
    defects: Optional[DefectTables] = None  # every row's defect table (when asked; row i = image i)

    def __len__(self) -> int:
        return len(self.rels)


