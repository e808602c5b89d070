"""The defect table: every candidate defect of one image in a compact array, so that a rule
change re-decides stored results without reading masks or boxes again.

One row per candidate (:data:`DEFECT_DTYPE`, 52 bytes): class, score, area and length in
pixels, the rotated box (sides and angle, for lengths in mm with a calibration that differs
in x and y), centroid and axis-aligned box. Segmentation adds each component's pixels as row
runs (for the overlap-fraction region rule). What a candidate is, per task:

- segmentation: a connected component of one class of the label map
  (:func:`.components.class_components`); score = its highest confidence;
- detection: a box; area = width x height, length = the longer side;
- classification: the top class when it is not a clean class (no geometry: NaN, so size
  and region rules do not apply to it).

So the best score per class over the rows is exactly
:func:`inspectors.results.defect_class_scores`, which keeps the band ``T_low = T_high``
equal to today's flagging decision.

Stored form (:func:`pack_table`, the runs' ``defects`` column): a 24-byte header, then
zlib of the rows, the run counts and the runs (uint16 when the image fits). Row runs rather
than a contour or a downsampled mask because they are exact (the overlap rule counts the
very pixels) and cheap to test against a region: two lookups per run in a row-wise prefix
sum of the region mask. Measured (``bench/bench_rules.py``, 2 shared cores): a 1600x256
strip with ~45 components (blobs, scratches, speckles) stores ~2.5 KB (~420 runs) and takes
~8 ms to build at store time; a detection image with ~31 boxes ~1.4 KB; classification 44 B.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass, field
from typing import Dict, Optional, Sequence, Tuple

import numpy as np

from ..results import ClassificationResult, DetectionResult, Result, SegmentationResult
from .components import class_components
from .types import RulesError

DEFECT_DTYPE = np.dtype([
    ("cls", "<i4"), ("score", "<f4"), ("area", "<f4"), ("length", "<f4"),
    ("side_a", "<f4"), ("side_b", "<f4"), ("angle", "<f4"),
    ("cx", "<f4"), ("cy", "<f4"), ("x1", "<f4"), ("y1", "<f4"), ("x2", "<f4"), ("y2", "<f4"),
])
TASK_CODES = {"segmentation": 1, "detection": 2, "classification": 3}
_TASKS = {v: k for k, v in TASK_CODES.items()}
_MAGIC = b"DIDT"
_HEADER = struct.Struct("<4sBBBxIIII")  # magic, version, task, flags(run dtype), h, w, n, runs
_NO_RUNS = np.zeros((0, 3), np.int32)


@dataclass(frozen=True, eq=False)
class DefectTable:
    """One image's candidate defects (see the module docstring)."""

    task: str
    image_size: Tuple[int, int]  # (height, width)
    defects: np.ndarray  # (n,) DEFECT_DTYPE
    runs: np.ndarray = field(default_factory=lambda: _NO_RUNS)  # (r, 3) int32 row, x0, x1
    run_offsets: Optional[np.ndarray] = None  # (n + 1,) int64; None: no runs

    def __post_init__(self) -> None:
        if self.run_offsets is None:
            object.__setattr__(self, "run_offsets", np.zeros(len(self.defects) + 1, np.int64))

    def __len__(self) -> int:
        return len(self.defects)


def _rows(n: int) -> np.ndarray:
    return np.zeros(n, DEFECT_DTYPE)


def defect_table(result: Result) -> DefectTable:
    """The candidate defects of a result (one home for what a defect is, per task)."""
    if isinstance(result, SegmentationResult):
        comp = class_components(result.label_map, result.confidence, len(result.class_names),
                                result.background_id, result.ignore_index)
        rows = _rows(len(comp))
        rows["cls"] = comp.class_ids
        rows["score"] = comp.scores
        rows["area"] = comp.areas
        rows["side_a"], rows["side_b"], rows["angle"] = comp.rects.T
        rows["length"] = comp.rects[:, :2].max(axis=1, initial=0.0) if len(comp) else 0.0
        rows["cx"], rows["cy"] = comp.centroids.T
        rows["x1"], rows["y1"], rows["x2"], rows["y2"] = comp.boxes.T
        return DefectTable(result.task, result.image_size, rows, comp.runs, comp.run_offsets)
    if isinstance(result, DetectionResult):
        b = result.boxes
        w, h = b[:, 2] - b[:, 0], b[:, 3] - b[:, 1]
        rows = _rows(len(result))
        rows["cls"] = result.class_ids
        rows["score"] = result.scores
        rows["area"] = w * h
        rows["length"] = np.maximum(w, h)
        rows["side_a"], rows["side_b"] = w, h
        rows["cx"], rows["cy"] = (b[:, 0] + b[:, 2]) / 2, (b[:, 1] + b[:, 3]) / 2
        rows["x1"], rows["y1"], rows["x2"], rows["y2"] = b.T
        return DefectTable(result.task, result.image_size, rows)
    if isinstance(result, ClassificationResult):
        rows = _rows(0 if result.class_id in result.clean_ids else 1)
        if len(rows):
            rows["cls"] = result.class_id
            rows["score"] = result.score
            for k in DEFECT_DTYPE.names[2:]:
                rows[k] = np.nan
        return DefectTable(result.task, tuple(result.image_size), rows)  # type: ignore[arg-type]
    raise TypeError(f"not a result: {type(result).__name__}")


def pack_table(table: DefectTable) -> bytes:
    """The stored form of a table (see the module docstring)."""
    h, w = table.image_size
    small = max(h, w) <= 0xFFFF
    runs = table.runs.astype(np.uint16 if small else np.int32)
    counts = np.diff(table.run_offsets).astype(np.uint32)
    body = np.ascontiguousarray(table.defects, DEFECT_DTYPE).tobytes() + \
        (counts.tobytes() + runs.tobytes() if len(runs) else b"")
    head = _HEADER.pack(_MAGIC, 1, TASK_CODES[table.task], int(small), h, w, len(table.defects), len(runs))
    return head + zlib.compress(body, 1)


def unpack_table(data: bytes) -> DefectTable:
    """A stored table back (RulesError when the bytes are not one)."""
    try:
        magic, version, task, small, h, w, n, r = _HEADER.unpack_from(data)
        if magic != _MAGIC or version != 1 or task not in _TASKS:
            raise ValueError("bad header")
        body = zlib.decompress(data[_HEADER.size:])
        size = n * DEFECT_DTYPE.itemsize
        rows = np.frombuffer(body, DEFECT_DTYPE, n).copy()
        offsets = np.zeros(n + 1, np.int64)
        runs = _NO_RUNS
        if r:
            counts = np.frombuffer(body, np.uint32, n, size)
            offsets[1:] = np.cumsum(counts)
            rdt = np.uint16 if small else np.int32
            runs = np.frombuffer(body, rdt, 3 * r, size + 4 * n).reshape(r, 3).astype(np.int32)
    except (ValueError, struct.error, zlib.error) as e:
        raise RulesError(f"a stored defect table is unreadable ({e})") from None
    return DefectTable(_TASKS[task], (h, w), rows, runs, offsets)


# ------------------------------------------------------------------ many images
@dataclass(frozen=True, eq=False)
class DefectTables:
    """Many images' tables in one set of arrays (image ``i`` = rows
    ``offsets[i]:offsets[i + 1]``), what :func:`.decide.decide_many` re-decides at once."""

    defects: np.ndarray  # (M,) DEFECT_DTYPE
    offsets: np.ndarray  # (N + 1,) int64
    image_sizes: np.ndarray  # (N, 2) int64 (height, width)
    ok: np.ndarray  # (N,) bool: the image has a result (False: error / missing rows)
    runs: np.ndarray  # (R, 3) int32
    run_offsets: np.ndarray  # (M + 1,) int64
    task: str = ""
    #: derived arrays and per-region results, computed once (never part of the value)
    cache: Dict[object, np.ndarray] = field(default_factory=dict, repr=False)

    def __len__(self) -> int:
        return len(self.ok)

    @classmethod
    def stack(cls, tables: Sequence[Optional[DefectTable]]) -> DefectTables:
        """Tables of N images (None: an image without a result)."""
        present = [t for t in tables if t is not None]
        n_rows = np.array([len(t) if t is not None else 0 for t in tables], np.int64)
        offsets = np.concatenate([[0], np.cumsum(n_rows)]).astype(np.int64)
        sizes = np.array([t.image_size if t is not None else (0, 0) for t in tables], np.int64).reshape(-1, 2)
        ok = np.array([t is not None for t in tables], bool)
        # raw bytes: numpy's concatenate of structured arrays is ~30x slower
        defects = np.frombuffer(b"".join(np.ascontiguousarray(t.defects, DEFECT_DTYPE).tobytes()
                                         for t in present), DEFECT_DTYPE).copy()
        with_runs = [t for t in present if len(t.runs)]
        runs = np.concatenate([t.runs for t in with_runs]) if with_runs else _NO_RUNS
        counts = np.zeros(len(defects), np.int64)
        at = 0
        for t in present:
            if len(t.runs):
                counts[at:at + len(t)] = np.diff(t.run_offsets)
            at += len(t)
        run_offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        task = present[0].task if present else ""
        return cls(defects, offsets, sizes, ok, np.ascontiguousarray(runs, np.int32), run_offsets, task)

    def table(self, i: int) -> Optional[DefectTable]:
        """Image ``i``'s table (None without a result)."""
        if not self.ok[i]:
            return None
        a, b = self.offsets[i], self.offsets[i + 1]
        r0, r1 = self.run_offsets[a], self.run_offsets[b]
        h, w = (int(v) for v in self.image_sizes[i])
        return DefectTable(self.task, (h, w), self.defects[a:b].copy(), self.runs[r0:r1].copy(),
                           self.run_offsets[a:b + 1] - r0)

    def column(self, name: str) -> np.ndarray:
        """One field of every row as a contiguous array (cached)."""
        key = ("column", name)
        if key not in self.cache:
            self.cache[key] = np.ascontiguousarray(self.defects[name])
        return self.cache[key]

    @property
    def image_of(self) -> np.ndarray:
        """(M,) the image index of each row."""
        key = ("image_of",)
        if key not in self.cache:
            self.cache[key] = np.repeat(np.arange(len(self.ok)), np.diff(self.offsets))
        return self.cache[key]
