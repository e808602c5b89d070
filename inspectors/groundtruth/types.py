"""The ground-truth container shared by every reader.

Ground truth uses the result types of :mod:`inspectors.results` (boxes with score
1.0, a label map without confidence, a one-hot vector) so metrics compare like
with like. Small per-image structures are kept in memory; segmentation label maps
are decoded only when :meth:`GroundTruthSet.get` asks for one.
"""

from __future__ import annotations

import contextlib
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, Iterator, List, Optional, Sequence, Tuple, Union

import numpy as np

from ..errors import GroundTruthError
from ..results import Result, Task

PathLike = Union[str, "os.PathLike[str]"]


def path_key(path: PathLike) -> str:
    """Normalised absolute path used to look images up (no symlink resolution)."""
    return os.path.normcase(os.path.abspath(os.fspath(path)))


@dataclass(frozen=True)
class GroundTruthProblem:
    """One malformed or inconsistent ground-truth file (or line), and what is wrong."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


class LazyEntry:
    """Ground truth that is decoded on demand (label maps, run-length masks)."""

    __slots__ = ()

    def load(self) -> Result:  # pragma: no cover - interface
        raise NotImplementedError

    def defective(self) -> bool:
        """Whether the image holds any defect; may decode."""
        return bool(self.load().is_defective())

    def source(self) -> str:
        """The file to name in a problem report."""
        return ""


Entry = Union[Result, LazyEntry]


@dataclass(eq=False)
class GroundTruthSet:
    """Ground truth for an ordered set of images.

    ``images`` are the images to evaluate, in dataset order. :meth:`get` returns the
    image's ground truth, or None when it has no entry. ``problems`` lists bad files
    that were skipped or clipped at load time, plus label maps found bad by ``get``.
    ``difficult`` maps an image key to a bool per box of its DetectionResult
    (VOC ``difficult`` / COCO ``iscrowd``): metrics should neither count those
    boxes as misses nor predictions matched to them as false positives.
    """

    task: Task
    class_names: Tuple[str, ...]
    images: List[Path]
    problems: List[GroundTruthProblem] = field(default_factory=list)
    entries: Dict[str, Entry] = field(default_factory=dict, repr=False)
    difficult: Dict[str, np.ndarray] = field(default_factory=dict, repr=False)
    source: Optional[Path] = None
    layout: str = ""

    def __post_init__(self) -> None:
        self.class_names = tuple(str(n) for n in self.class_names)
        self._defective: Dict[str, bool] = {}
        self._seen = {(p.path, p.message) for p in self.problems}
        self._lock = threading.Lock()
        self.sources: List[Path] = [Path(self.source)] if self.source is not None else []

    def describe(self) -> str:
        """Which files the set was read from, for the operator: "voc-list: val_list.txt"."""
        names = ", ".join(str(p) for p in self.sources) or "?"
        return f"{self.layout or 'ground truth'} from {names}"

    def __len__(self) -> int:
        return len(self.images)

    def annotation_files(self) -> set:
        """Real paths of the label maps this set reads (PaddleSeg lists keep them beside the
        images, e.g. ``labels/*.png``): a folder listing should not offer them as images."""
        out = set()
        for entry in self.entries.values():
            if isinstance(entry, LazyEntry):
                src = entry.source()
                if src and os.path.isfile(src):
                    out.add(os.path.normcase(os.path.realpath(src)))
        return out

    def without_annotation_files(self, images: Sequence[str]) -> List[str]:
        """``images`` less this set's label maps (compared by real path)."""
        labels = self.annotation_files()
        if not labels:
            return list(images)
        names = {os.path.basename(p) for p in labels}
        return [p for p in images if os.path.basename(p) not in names
                or os.path.normcase(os.path.realpath(p)) not in labels]

    def __iter__(self) -> Iterator[Path]:
        return iter(self.images)

    def __contains__(self, image_path: object) -> bool:
        return isinstance(image_path, (str, os.PathLike)) and path_key(image_path) in self.entries

    def add_problem(self, path: PathLike, message: str) -> None:
        item = (os.fspath(path), message)
        with self._lock:
            if item not in self._seen:
                self._seen.add(item)
                self.problems.append(GroundTruthProblem(*item))

    def get(self, image_path: PathLike) -> Optional[Result]:
        """The image's ground truth; None when it has none. A label map that cannot be
        decoded raises GroundTruthError (and is added to ``problems``)."""
        entry = self.entries.get(path_key(image_path))
        if entry is None or not isinstance(entry, LazyEntry):
            return entry
        try:
            result = entry.load()
        except GroundTruthError as e:
            self.add_problem(entry.source() or image_path, str(e))
            raise
        self._defective[path_key(image_path)] = bool(result.is_defective())
        return result

    def is_defective(self, image_path: PathLike) -> Optional[bool]:
        """Whether the image has any defect in its ground truth; None without an entry.
        A ground-truth file that cannot be decoded also gives None."""
        key = path_key(image_path)
        entry = self.entries.get(key)
        if entry is None:
            return None
        if not isinstance(entry, LazyEntry):
            return bool(entry.is_defective())
        if key not in self._defective:
            try:
                self._defective[key] = bool(entry.defective())
            except GroundTruthError as e:
                self.add_problem(entry.source() or image_path, str(e))
                return None
        return self._defective[key]

    def difficult_flags(self, image_path: PathLike) -> np.ndarray:
        """Bool per box of ``get(image_path)``: True for boxes metrics should ignore."""
        key = path_key(image_path)
        flags = self.difficult.get(key)
        if flags is not None:
            return flags
        entry = self.entries.get(key)
        n = (
            len(entry)
            if entry is not None and not isinstance(entry, LazyEntry) and entry.task == "detection"
            else 0
        )
        return np.zeros(n, bool)

    def validate(
        self, progress: Optional[Callable[[int, int], None]] = None
    ) -> List[GroundTruthProblem]:
        """Decode every lazy entry so bad label files show up in ``problems``."""
        for i, image in enumerate(self.images):
            if isinstance(self.entries.get(path_key(image)), LazyEntry):
                with contextlib.suppress(GroundTruthError):
                    self.get(image)
            if progress is not None:
                progress(i + 1, len(self.images))
        return self.problems

    def subset(self, images: Sequence[PathLike]) -> GroundTruthSet:
        """A set restricted to ``images`` (in that order), sharing the entries."""
        keys = [path_key(p) for p in images]
        keep = {k for k in keys if k in self.entries}
        out = GroundTruthSet(
            self.task,
            self.class_names,
            [Path(p) for p, k in zip(images, keys) if k in keep],
            list(self.problems),
            {k: self.entries[k] for k in keep},
            {k: v for k, v in self.difficult.items() if k in keep},
            self.source,
            self.layout,
        )
        out.sources = list(self.sources)
        return out


def merge_sets(sets: Sequence[GroundTruthSet]) -> GroundTruthSet:
    """Union of sets of one task and one class list (e.g. train + val lists)."""
    first = sets[0]
    for s in sets[1:]:
        if s.task != first.task or s.class_names != first.class_names:
            raise GroundTruthError(
                f"cannot merge {s.source} with {first.source}: different task or class names"
            )
    out = GroundTruthSet(first.task, first.class_names, [], [], {}, {}, first.source, first.layout)
    out.sources = [src for s in sets for src in s.sources]
    listed = set()
    for s in sets:
        for image in s.images:
            key = path_key(image)
            if key in listed:
                continue
            listed.add(key)
            out.images.append(image)
            if key in s.entries:
                out.entries[key] = s.entries[key]
            if key in s.difficult:
                out.difficult[key] = s.difficult[key]
        for p in s.problems:
            out.add_problem(p.path, p.message)
    return out
