"""One validated result type per task.

Everything downstream (overlays, metrics, export, CLI, GUI) consumes these types.
Ground truth is expressed with the same types (boxes with score 1.0, a label map
without confidence, a one-hot probability vector), so comparisons are symmetric.

Results are immutable: :meth:`filtered` returns a new result, so a cached model
output can be re-thresholded any number of times without running the model again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, Mapping, Optional, Sequence, Tuple, Union

import numpy as np

Task = str  # "segmentation" | "detection" | "classification"
TASKS = ("segmentation", "detection", "classification")

#: Class names that mean "no defect" for classifiers (compared case-insensitively).
CLEAN_CLASS_NAMES = frozenset(
    {"ok", "good", "normal", "clean", "background", "bg", "no_defect", "nodefect", "none", "pass"}
)


class ResultValidationError(ValueError):
    """A result's arrays are inconsistent (wrong shape, dtype, range)."""


@dataclass(frozen=True)
class Thresholds:
    """Confidence thresholds: one global value and optional per-class overrides.

    Per-class keys may be class ids or class names.
    """

    default: float = 0.5
    per_class: Mapping[Union[int, str], float] = field(default_factory=dict)
    #: vector() per class-name tuple: flagging thousands of images at one setting is cheap
    _vectors: Dict[Tuple[str, ...], np.ndarray] = field(
        default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        values = [self.default, *self.per_class.values()]
        for v in values:
            if not (0.0 <= float(v) <= 1.0):
                raise ResultValidationError(f"threshold {v} is outside [0, 1]")

    def for_class(self, class_id: int, class_names: Sequence[str] = ()) -> float:
        if class_id in self.per_class:
            return float(self.per_class[class_id])
        if 0 <= class_id < len(class_names) and class_names[class_id] in self.per_class:
            return float(self.per_class[class_names[class_id]])
        return float(self.default)

    def vector(self, class_names: Sequence[str]) -> np.ndarray:
        """Threshold per class id as a float32 array (length = number of classes; read-only)."""
        key = tuple(class_names)
        vec = self._vectors.get(key)
        if vec is None:
            vec = np.array([self.for_class(i, key) for i in range(len(key))], dtype=np.float32)
            vec.flags.writeable = False
            self._vectors[key] = vec
        return vec


def _as_thresholds(t: Union[Thresholds, float, None]) -> Thresholds:
    if t is None:
        return Thresholds(0.0)
    if isinstance(t, Thresholds):
        return t
    return Thresholds(float(t))


def _check_names(names: Sequence[str]) -> Tuple[str, ...]:
    names = tuple(str(n) for n in names)
    if not names:
        raise ResultValidationError("class_names must not be empty")
    return names


@dataclass(frozen=True, eq=False)
class DetectionResult:
    """Boxes in original-image pixel coordinates (x1, y1, x2, y2)."""

    boxes: np.ndarray  # (N, 4) float32
    scores: np.ndarray  # (N,) float32 in [0, 1]
    class_ids: np.ndarray  # (N,) int32
    class_names: Tuple[str, ...]
    image_size: Tuple[int, int]  # (height, width)

    task = "detection"

    def __post_init__(self) -> None:
        boxes = np.asarray(self.boxes, dtype=np.float32).reshape(-1, 4)
        scores = np.asarray(self.scores, dtype=np.float32).reshape(-1)
        ids = np.asarray(self.class_ids).reshape(-1)
        names = _check_names(self.class_names)
        if not (len(boxes) == len(scores) == len(ids)):
            raise ResultValidationError(
                f"boxes ({len(boxes)}), scores ({len(scores)}) and class_ids ({len(ids)}) differ in length"
            )
        if not np.all(np.isfinite(boxes)) or not np.all(np.isfinite(scores)):
            raise ResultValidationError("boxes and scores must be finite")
        if len(ids) and (ids.min() < 0 or ids.max() >= len(names)):
            raise ResultValidationError(
                f"class id {int(ids.max()) if ids.max() >= len(names) else int(ids.min())} "
                f"is outside 0..{len(names) - 1}"
            )
        if np.any(boxes[:, 2] < boxes[:, 0]) or np.any(boxes[:, 3] < boxes[:, 1]):
            raise ResultValidationError("boxes must have x2 >= x1 and y2 >= y1")
        h, w = (int(v) for v in self.image_size)
        if h <= 0 or w <= 0:
            raise ResultValidationError(f"image_size {self.image_size} must be positive")
        object.__setattr__(self, "boxes", boxes)
        object.__setattr__(self, "scores", np.clip(scores, 0.0, 1.0))
        object.__setattr__(self, "class_ids", ids.astype(np.int32))
        object.__setattr__(self, "class_names", names)
        object.__setattr__(self, "image_size", (h, w))

    def __len__(self) -> int:
        return len(self.scores)

    @classmethod
    def empty(cls, class_names: Sequence[str], image_size: Tuple[int, int]) -> DetectionResult:
        return cls(np.zeros((0, 4)), np.zeros(0), np.zeros(0, np.int32), tuple(class_names), image_size)

    def keep(self, mask: np.ndarray) -> DetectionResult:
        return DetectionResult(
            self.boxes[mask], self.scores[mask], self.class_ids[mask], self.class_names, self.image_size
        )

    def filtered(self, thresholds: Union[Thresholds, float, None]) -> DetectionResult:
        thr = _as_thresholds(thresholds).vector(self.class_names)
        return self.keep(self.scores >= thr[self.class_ids]) if len(self) else self

    def defect_score(self) -> float:
        """Highest box score; 0.0 when there are no boxes."""
        return float(self.scores.max()) if len(self) else 0.0

    def is_defective(self, thresholds: Union[Thresholds, float, None] = None) -> bool:
        """A box reaches its class threshold: see :func:`is_defective`."""
        return is_defective(self, thresholds)

    def areas(self) -> np.ndarray:
        return (self.boxes[:, 2] - self.boxes[:, 0]) * (self.boxes[:, 3] - self.boxes[:, 1])

    def clipped(self) -> DetectionResult:
        h, w = self.image_size
        b = self.boxes.copy()
        b[:, [0, 2]] = b[:, [0, 2]].clip(0, w)
        b[:, [1, 3]] = b[:, [1, 3]].clip(0, h)
        return DetectionResult(b, self.scores, self.class_ids, self.class_names, self.image_size)

    def to_dict(self) -> dict:
        return {
            "task": self.task,
            "image_size": list(self.image_size),
            "class_names": list(self.class_names),
            "detections": [
                {
                    "class_id": int(c),
                    "class_name": self.class_names[int(c)],
                    "score": round(float(s), 6),
                    "box": [round(float(v), 2) for v in b],
                }
                for b, s, c in zip(self.boxes, self.scores, self.class_ids)
            ],
        }


@dataclass(frozen=True, eq=False)
class SegmentationResult:
    """A label map at the original image size.

    ``confidence`` is the probability of the winning class per pixel (None for
    ground truth or for models exported with an argmax output). Class 0 is the
    background ("no defect") class, as in PaddleSeg datasets; ``ignore_index``
    pixels (255) are only expected in ground truth.
    """

    label_map: np.ndarray  # (H, W) uint8 / int32
    class_names: Tuple[str, ...]
    confidence: Optional[np.ndarray] = None  # (H, W) float32 in [0, 1]
    background_id: int = 0
    ignore_index: int = 255

    task = "segmentation"

    def __post_init__(self) -> None:
        names = _check_names(self.class_names)
        lm = np.asarray(self.label_map)
        if lm.ndim != 2:
            raise ResultValidationError(f"label_map must be 2-D, got shape {lm.shape}")
        if not np.issubdtype(lm.dtype, np.integer):
            raise ResultValidationError(f"label_map must hold integers, got {lm.dtype}")
        valid = lm[lm != self.ignore_index]
        if valid.size and (valid.min() < 0 or valid.max() >= len(names)):
            raise ResultValidationError(
                f"label value {int(valid.max())} is outside 0..{len(names) - 1}"
            )
        lm = lm.astype(np.uint8) if len(names) <= 255 and lm.dtype != np.uint8 else lm
        conf = self.confidence
        if conf is not None:
            conf = np.asarray(conf, dtype=np.float32)
            if conf.shape != lm.shape:
                raise ResultValidationError(
                    f"confidence shape {conf.shape} differs from label_map shape {lm.shape}"
                )
        object.__setattr__(self, "label_map", lm)
        object.__setattr__(self, "confidence", conf)
        object.__setattr__(self, "class_names", names)

    @property
    def image_size(self) -> Tuple[int, int]:
        return (int(self.label_map.shape[0]), int(self.label_map.shape[1]))

    def filtered(self, thresholds: Union[Thresholds, float, None]) -> SegmentationResult:
        """Pixels whose confidence is below their class threshold become background."""
        if self.confidence is None or thresholds is None:
            return self
        thr = _as_thresholds(thresholds).vector(self.class_names)
        lm = self.label_map
        safe = np.where(lm == self.ignore_index, self.background_id, lm)
        low = self.confidence < thr[safe]
        low &= lm != self.background_id
        if not low.any():
            return self
        out = lm.copy()
        out[low] = self.background_id
        return SegmentationResult(out, self.class_names, self.confidence, self.background_id, self.ignore_index)

    def class_areas(self) -> Dict[int, int]:
        """Pixel count per class id present (ignore pixels excluded)."""
        counts = np.bincount(self.label_map.ravel(), minlength=len(self.class_names))
        return {i: int(counts[i]) for i in range(len(self.class_names)) if counts[i]}

    def defect_mask(self) -> np.ndarray:
        lm = self.label_map
        return (lm != self.background_id) & (lm != self.ignore_index)

    def defect_score(self) -> float:
        """Highest confidence of a defect pixel (1.0 without confidence); 0.0 if none."""
        mask = self.defect_mask()
        if not mask.any():
            return 0.0
        if self.confidence is None:
            return 1.0
        return float(self.confidence[mask].max())

    def class_scores(self) -> Dict[int, float]:
        """Highest confidence per defect class present."""
        out: Dict[int, float] = {}
        for cid in self.class_areas():
            if cid in (self.background_id, self.ignore_index):
                continue
            m = self.label_map == cid
            out[cid] = 1.0 if self.confidence is None else float(self.confidence[m].max())
        return out

    def is_defective(self, thresholds: Union[Thresholds, float, None] = None) -> bool:
        """A defect pixel keeps its class after ``filtered``: see :func:`is_defective`."""
        return is_defective(self, thresholds)

    def to_dict(self) -> dict:
        areas = self.class_areas()
        scores = self.class_scores()
        return {
            "task": self.task,
            "image_size": list(self.image_size),
            "class_names": list(self.class_names),
            "classes": [
                {
                    "class_id": cid,
                    "class_name": self.class_names[cid],
                    "area_px": areas[cid],
                    "max_score": round(scores[cid], 6),
                }
                for cid in sorted(scores)
            ],
        }


@dataclass(frozen=True, eq=False)
class ClassificationResult:
    """Class probabilities for one image.

    ``clean_ids`` are classes meaning "no defect" (e.g. "ok"); by default they are
    taken from the class names (see :data:`CLEAN_CLASS_NAMES`). For NEU every class
    is a defect type, so every image is defective at threshold 0.
    """

    probabilities: np.ndarray  # (C,) float32, sums to ~1
    class_names: Tuple[str, ...]
    image_size: Tuple[int, int] = (0, 0)
    clean_ids: Optional[Tuple[int, ...]] = None

    task = "classification"

    def __post_init__(self) -> None:
        names = _check_names(self.class_names)
        p = np.asarray(self.probabilities, dtype=np.float32).reshape(-1)
        if len(p) != len(names):
            raise ResultValidationError(
                f"{len(p)} probabilities for {len(names)} class names"
            )
        if not np.all(np.isfinite(p)) or p.min(initial=0) < -1e-6 or p.max(initial=0) > 1 + 1e-6:
            raise ResultValidationError("probabilities must be finite and within [0, 1]")
        clean = self.clean_ids
        if clean is None:
            clean = tuple(i for i, n in enumerate(names) if n.strip().lower() in CLEAN_CLASS_NAMES)
        object.__setattr__(self, "probabilities", p.clip(0, 1))
        object.__setattr__(self, "class_names", names)
        object.__setattr__(self, "clean_ids", tuple(int(i) for i in clean))
        object.__setattr__(self, "image_size", tuple(int(v) for v in self.image_size))

    @classmethod
    def one_hot(cls, class_id: int, class_names: Sequence[str], image_size=(0, 0)) -> ClassificationResult:
        if not 0 <= class_id < len(class_names):
            raise ResultValidationError(f"class id {class_id} is outside 0..{len(class_names) - 1}")
        p = np.zeros(len(class_names), np.float32)
        p[class_id] = 1.0
        return cls(p, tuple(class_names), image_size)

    @property
    def class_id(self) -> int:
        return int(np.argmax(self.probabilities))

    @property
    def class_name(self) -> str:
        return self.class_names[self.class_id]

    @property
    def score(self) -> float:
        return float(self.probabilities[self.class_id])

    def topk(self, k: int = 5) -> list:
        order = np.argsort(-self.probabilities, kind="stable")[:k]
        return [(int(i), self.class_names[int(i)], float(self.probabilities[i])) for i in order]

    def filtered(self, thresholds: Union[Thresholds, float, None]) -> ClassificationResult:
        return self  # probabilities are kept; thresholds act on is_defective

    def defect_score(self) -> float:
        """Probability of the top class if it is a defect class, else 0.0."""
        return 0.0 if self.class_id in self.clean_ids else self.score

    def is_defective(self, thresholds: Union[Thresholds, float, None] = None) -> bool:
        """The top class is a defect class and reaches its threshold: see :func:`is_defective`."""
        return is_defective(self, thresholds)

    def to_dict(self) -> dict:
        return {
            "task": self.task,
            "image_size": list(self.image_size),
            "class_names": list(self.class_names),
            "class_id": self.class_id,
            "class_name": self.class_name,
            "score": round(self.score, 6),
            "topk": [{"class_id": i, "class_name": n, "score": round(s, 6)} for i, n, s in self.topk(5)],
        }


Result = Union[DetectionResult, SegmentationResult, ClassificationResult]


# -- the flagging decision: one rule for the image list, the session, the metrics, exports --
def defect_class_scores(result: Result) -> np.ndarray:
    """Highest score per class that can make the image defective (float32, ``-inf`` where none).

    Detection: the best box of each class. Segmentation: the best pixel confidence of each
    defect class present (1.0 without a confidence map; background and ignore pixels never
    count). Classification: the top class's probability unless it is a clean class.
    """
    out = np.full(len(result.class_names), -np.inf, np.float32)
    if isinstance(result, DetectionResult):
        if len(result):
            np.maximum.at(out, result.class_ids, result.scores)
    elif isinstance(result, SegmentationResult):
        for cid, score in result.class_scores().items():
            out[cid] = score
    elif isinstance(result, ClassificationResult):
        if result.class_id not in result.clean_ids:
            out[result.class_id] = result.score
    else:
        raise TypeError(f"not a result: {type(result).__name__}")
    return out


def flagged_classes(class_scores: np.ndarray, thresholds: Union[Thresholds, float, None],
                    class_names: Sequence[str]) -> np.ndarray:
    """Which classes reach their threshold: ``score >= threshold`` compared in float32, as
    :meth:`DetectionResult.filtered` / :meth:`SegmentationResult.filtered` compare.

    ``class_scores`` is :func:`defect_class_scores` of one image (shape (C,)) or of many
    (shape (N, C)); the result has its shape. ``thresholds`` None means 0.0 everywhere.
    """
    return np.asarray(class_scores, np.float32) >= _as_thresholds(thresholds).vector(class_names)


def is_defective(result: Result, thresholds: Union[Thresholds, float, None] = None) -> bool:
    """THE decision whether an image is flagged at ``thresholds``: some defect class's best
    score (:func:`defect_class_scores`) reaches that class's threshold (:func:`flagged_classes`).

    For detection and segmentation this is exactly "``result.filtered(thresholds)`` still
    holds a box / a defect pixel". The image list, the session summary, image-level metrics,
    exports and the CLI all decide through this function; ground truth (scores 1.0, no
    thresholds) is defective when it holds any defect.
    """
    return bool(flagged_classes(defect_class_scores(result), thresholds, result.class_names).any())


@dataclass(frozen=True)
class StageTimings:
    """Seconds spent per stage for one image (batch stages are divided evenly)."""

    read: float = 0.0
    preprocess: float = 0.0
    inference: float = 0.0
    postprocess: float = 0.0

    @property
    def total(self) -> float:
        return self.read + self.preprocess + self.inference + self.postprocess


@dataclass(frozen=True)
class Outcome:
    """What inspecting one image produced: a result, or an error message."""

    path: str
    result: Optional[Result] = None
    error: Optional[str] = None
    timings: StageTimings = StageTimings()

    def __post_init__(self) -> None:
        if (self.result is None) == (self.error is None):
            raise ResultValidationError("an Outcome holds exactly one of result / error")

    @property
    def ok(self) -> bool:
        return self.error is None
