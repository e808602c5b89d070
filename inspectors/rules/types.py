"""The decision rules as frozen values, parsed in full before anything uses them.

A :class:`Rules` is what a rules file says, independent of a model: class entries are
keyed by class name and bound to a model's class list later (:func:`.decide.bind`).
Every field is immutable, so a rules value can key caches and be compared for equality
(a save / load round trip gives an equal value).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Optional, Tuple

import numpy as np

from ..errors import InspectorError

RULES_VERSION = 1

Point = Tuple[float, float]
Polygon = Tuple[Point, ...]


class RulesError(InspectorError):
    """Rules that cannot be used; the one-line message names the key (``classes.pit.min_area``)."""


class ImageVerdict(enum.IntEnum):
    """The model's decision for one image (the operator's confirm / reject stays apart)."""

    OK = 0
    REVIEW = 1
    NG = 2


#: verdict code for an image without a result (an error row) in :class:`.decide.Verdicts`
NO_RESULT = -1


class Ignored(enum.IntFlag):
    """Why a defect does not count (bits; 0 = kept). A defect can have several."""

    LOW_SCORE = 1  # score below the class's T_low
    SMALL_AREA = 2  # area below min_area / min_area_mm2
    SHORT = 4  # length below min_length / min_length_mm
    OUTSIDE = 8  # outside the regions of interest (centroid or overlap)


@dataclass(frozen=True)
class Band:
    """Two confidences: a kept defect at ``>= high`` is NG, one in ``[low, high)`` REVIEW.
    ``low == high`` is the single threshold of the flagging decision."""

    low: float
    high: float


@dataclass(frozen=True)
class ClassRule:
    """One class's rule (or the default). ``None`` means "not set here": a class entry
    inherits the default's value, the default the caller's threshold (band) or nothing."""

    band: Optional[Band] = None
    min_area: Optional[float] = None  # px
    min_length: Optional[float] = None  # px
    min_area_mm2: Optional[float] = None
    min_length_mm: Optional[float] = None
    ng_count: Optional[int] = None  # NG at this many kept defects of the class
    ng_total_area: Optional[float] = None  # NG at this total kept area (px)
    ng_total_area_mm2: Optional[float] = None

    def over(self, base: ClassRule) -> ClassRule:
        """This rule's values, ``base``'s where this one has none."""
        return ClassRule(**{k: getattr(self, k) if getattr(self, k) is not None else getattr(base, k)
                            for k in self.__dataclass_fields__})

    @property
    def uses_mm(self) -> bool:
        return any(v is not None for v in (self.min_area_mm2, self.min_length_mm, self.ng_total_area_mm2))


@dataclass(frozen=True)
class Calibration:
    """Millimetres per pixel along x (columns) and y (rows); both > 0."""

    mm_per_px_x: float
    mm_per_px_y: float

    @property
    def mm2_per_px(self) -> float:
        return self.mm_per_px_x * self.mm_per_px_y


@dataclass(frozen=True)
class MaskFile:
    """A region given as a PNG (nonzero = inside), read and checked when the rules are parsed."""

    path: str  # absolute
    digest: str  # of the pixels: an edited file is another region (caches, equality)
    pixels: np.ndarray = field(compare=False, repr=False, hash=False)  # (H, W) bool, read-only


@dataclass(frozen=True)
class Regions:
    """Where defects count. Allowed = union of ``include`` (the whole image when there is
    none) minus union of ``exclude``. A defect is outside when its centroid's pixel is not
    allowed (``mode="centroid"``) or when less than ``min_overlap`` of its pixels are
    (``mode="overlap"``). Polygon points are (x, y) in pixels, (0, 0) the top-left corner
    of the top-left pixel; a pixel is inside when its centre is."""

    include: Tuple[Polygon, ...] = ()
    exclude: Tuple[Polygon, ...] = ()
    include_masks: Tuple[MaskFile, ...] = ()
    exclude_masks: Tuple[MaskFile, ...] = ()
    mode: str = "centroid"
    min_overlap: float = 0.5
    image_size: Optional[Tuple[int, int]] = None  # (height, width), when the file states it

    @property
    def active(self) -> bool:
        return bool(self.include or self.exclude or self.include_masks or self.exclude_masks)


@dataclass(frozen=True)
class Rules:
    """A whole rules file (version 1): a default rule, per-class rules, a calibration and
    regions of interest. ``Rules()`` is "today's decision at the caller's thresholds"."""

    default: ClassRule = ClassRule()
    classes: Tuple[Tuple[str, ClassRule], ...] = ()  # (class name, rule), file order
    calibration: Optional[Calibration] = None
    regions: Regions = Regions()
    version: int = RULES_VERSION

    def rule_for(self, name: str) -> ClassRule:
        """The effective rule of a class: its entry over the default."""
        for n, rule in self.classes:
            if n == name:
                return rule.over(self.default)
        return self.default
