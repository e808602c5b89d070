"""THE decision: OK / REVIEW / NG for one image or ten thousand, from their defect tables.

Per candidate defect (a row of a :class:`~.defects.DefectTable`) of class c:

- ignored when its score is below T_low(c), its area below the class's minimum (px, or
  mm² with a calibration), its length below the minimum (px or mm), or it is outside the
  regions of interest (:class:`~.types.Ignored` bits; several can hold);
- otherwise kept: NG-level at score >= T_high(c), else REVIEW-level.

An image is NG when a kept defect is NG-level, or a class reaches its count rule (kept
defects >= ng_count) or its total-area rule (sum of kept areas >= ng_total_area /
_mm2); else REVIEW when it has any kept defect; else OK. Scores and bands compare in
float32 (as :func:`inspectors.results.flagged_classes`): with ``T_low = T_high`` and no
other rule the verdict is NG exactly when :func:`inspectors.results.is_defective`.

:func:`decide_many` is the one implementation (vectorised over every row of many images);
:func:`decide` is it applied to one image, with the per-defect table and reason texts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence, Tuple, Union

import numpy as np

from ..results import Result, Thresholds
from .defects import DefectTable, DefectTables, defect_table
from .regions import outside
from .types import NO_RESULT, Calibration, Ignored, ImageVerdict, Rules, RulesError

ThresholdsLike = Union[Thresholds, float, None]

#: per-class NG causes in :attr:`Verdicts.ng_causes` (bits)
NG_SCORE, NG_COUNT, NG_AREA = 1, 2, 4
#: sizes in mm compare with this relative slack, so a defect exactly at a minimum given in
#: mm reaches it whatever the order of the float multiplications (px * mm/px * mm/px)
MM_SLACK = 1.0 - 1e-9


@dataclass(frozen=True, eq=False)
class BoundRules:
    """Rules bound to a model's classes: one value per class id, ready for numpy."""

    rules: Rules
    class_names: Tuple[str, ...]
    low: np.ndarray  # (C,) float32
    high: np.ndarray  # (C,) float32
    min_area: np.ndarray  # (C,) float64 px (0: none)
    min_length: np.ndarray
    min_area_mm2: np.ndarray
    min_length_mm: np.ndarray
    ng_count: np.ndarray  # (C,) int64 (0: no count rule)
    ng_total_area: np.ndarray  # (C,) float64 px (inf: no rule)
    ng_total_area_mm2: np.ndarray

    @property
    def calibration(self) -> Optional[Calibration]:
        return self.rules.calibration


def bind(rules: Rules, class_names: Sequence[str], base: ThresholdsLike = None,
         review_from: Optional[float] = None) -> BoundRules:
    """Bind ``rules`` to a model's classes. A class without a band in the rules (its own or
    the default's) keeps ``base``'s threshold for it as ``T_high`` and as ``T_low``, or
    ``T_low = min(review_from, T_high)`` when ``review_from`` is given (the app's "review
    from" slider under the threshold). RulesError when the rules name a class the model
    does not have."""
    names = tuple(str(n) for n in class_names)
    for n, _rule in rules.classes:
        if n not in names:
            raise RulesError(f"classes.{n}: the model has no class {n!r} (classes: {', '.join(names)})")
    thr = base if isinstance(base, Thresholds) else Thresholds(0.0 if base is None else float(base))
    per = [rules.rule_for(n) for n in names]
    fallback = thr.vector(names)
    low_fallback = fallback if review_from is None else np.minimum(np.float32(review_from), fallback)
    low = np.array([r.band.low if r.band else low_fallback[i] for i, r in enumerate(per)], np.float32)
    high = np.array([r.band.high if r.band else fallback[i] for i, r in enumerate(per)], np.float32)

    def values(key: str, none: float) -> np.ndarray:
        return np.array([none if getattr(r, key) is None else getattr(r, key) for r in per], np.float64)

    return BoundRules(rules, names, low, high,
                      values("min_area", 0.0), values("min_length", 0.0),
                      values("min_area_mm2", 0.0), values("min_length_mm", 0.0),
                      values("ng_count", 0).astype(np.int64),
                      values("ng_total_area", np.inf), values("ng_total_area_mm2", np.inf))


@dataclass(frozen=True, eq=False)
class Verdicts:
    """What :func:`decide_many` returns (image ``i`` = row ``i`` of the tables)."""

    verdict: np.ndarray  # (N,) int8: ImageVerdict values, NO_RESULT (-1) without a result
    ignored: np.ndarray  # (M,) uint8 Ignored bits per defect row (0 = kept)
    ng_level: np.ndarray  # (M,) bool: kept and score >= T_high
    kept_count: np.ndarray  # (N, C) int64 kept defects per class
    kept_area: np.ndarray  # (N, C) float64 kept area per class (px)
    ng_causes: np.ndarray  # (N, C) uint8 NG_SCORE | NG_COUNT | NG_AREA

    def __len__(self) -> int:
        return len(self.verdict)

    def counts(self) -> Dict[str, int]:
        """Images per verdict (OK, REVIEW, NG) and without a result."""
        b = np.bincount(self.verdict.astype(np.int64) + 1, minlength=4)
        return {"OK": int(b[1]), "REVIEW": int(b[2]), "NG": int(b[3]), "no result": int(b[0])}


def _mm_lengths(tables: DefectTables, cal: Calibration) -> np.ndarray:
    """Longest side of each rotated box, each side measured in mm."""
    key = ("length_mm", cal)
    if key not in tables.cache:
        a, b, t = (tables.column(k).astype(np.float64) for k in ("side_a", "side_b", "angle"))
        c, s = np.cos(t), np.sin(t)
        mx, my = cal.mm_per_px_x, cal.mm_per_px_y
        la = a * np.hypot(c * mx, s * my)
        lb = b * np.hypot(s * mx, c * my)
        tables.cache[key] = np.maximum(la, lb)
    return tables.cache[key]


def decide_many(tables: DefectTables, rules: BoundRules) -> Verdicts:
    """Every image's verdict at ``rules``, in a few numpy passes over all defect rows
    (regions are resolved once per regions value and kept on ``tables``)."""
    n, c = len(tables), len(rules.class_names)
    cls = tables.column("cls").astype(np.int64)
    if len(cls) and (cls.min() < 0 or cls.max() >= c):
        raise RulesError(f"a stored defect has class {int(cls.max())}; the rules are bound to {c} classes")
    score, area, length = tables.column("score"), tables.column("area"), tables.column("length")
    ignored = np.where(score < rules.low[cls], np.uint8(Ignored.LOW_SCORE), np.uint8(0))
    small = area < rules.min_area[cls]
    short = length < rules.min_length[cls]
    cal = rules.calibration
    if cal is not None:
        small |= area.astype(np.float64) * cal.mm2_per_px < rules.min_area_mm2[cls] * MM_SLACK
        if rules.min_length_mm.any():
            short |= _mm_lengths(tables, cal) < rules.min_length_mm[cls] * MM_SLACK
    ignored |= small.astype(np.uint8) * np.uint8(Ignored.SMALL_AREA)
    ignored |= short.astype(np.uint8) * np.uint8(Ignored.SHORT)
    if rules.rules.regions.active:
        ignored |= outside(tables, rules.rules.regions).astype(np.uint8) * np.uint8(Ignored.OUTSIDE)
    kept = ignored == 0
    ng_level = kept & (score >= rules.high[cls])
    cell = (tables.image_of * c + cls)[kept]
    kept_count = np.bincount(cell, minlength=n * c).reshape(n, c)
    kept_area = np.bincount(cell, weights=np.nan_to_num(area[kept]), minlength=n * c).reshape(n, c)
    causes = (np.bincount((tables.image_of * c + cls)[ng_level], minlength=n * c).reshape(n, c) > 0)
    causes = causes.astype(np.uint8) * np.uint8(NG_SCORE)
    if rules.ng_count.any():
        causes |= ((rules.ng_count > 0) & (kept_count >= rules.ng_count)).astype(np.uint8) * np.uint8(NG_COUNT)
    over = kept_area >= rules.ng_total_area
    if cal is not None:
        over |= kept_area * cal.mm2_per_px >= rules.ng_total_area_mm2 * MM_SLACK
    causes |= (over & (kept_count > 0)).astype(np.uint8) * np.uint8(NG_AREA)
    verdict = np.where(causes.any(axis=1), ImageVerdict.NG,
                       np.where(kept_count.any(axis=1), ImageVerdict.REVIEW, ImageVerdict.OK)).astype(np.int8)
    verdict[~tables.ok] = NO_RESULT
    return Verdicts(verdict, ignored, ng_level, kept_count, kept_area, causes)


# ------------------------------------------------------------------ one image, explained
@dataclass(frozen=True)
class Defect:
    """One candidate defect as the panels, JSON and renderer show it."""

    index: int  # row in the image's table (segmentation: component k has labels == k + 1)
    class_id: int
    class_name: str
    score: float
    area_px: Optional[float]
    length_px: Optional[float]
    area_mm2: Optional[float]
    length_mm: Optional[float]
    centroid: Optional[Tuple[float, float]]  # (x, y)
    box: Optional[Tuple[float, float, float, float]]  # x1, y1, x2, y2
    kept: bool
    level: Optional[str]  # "NG" | "REVIEW" for kept defects
    ignored: Tuple[str, ...]  # why not kept (texts), empty when kept
    ignored_bits: int = 0

    def to_dict(self) -> dict:
        return {"class_id": self.class_id, "class_name": self.class_name, "score": self.score,
                "area_px": self.area_px, "length_px": self.length_px, "area_mm2": self.area_mm2,
                "length_mm": self.length_mm,
                "centroid": None if self.centroid is None else [round(v, 2) for v in self.centroid],
                "box": None if self.box is None else [round(v, 2) for v in self.box],
                "kept": self.kept, "level": self.level, "ignored": list(self.ignored)}


@dataclass(frozen=True)
class Decision:
    """One image's verdict, the reasons for it and every candidate defect."""

    verdict: ImageVerdict
    reasons: Tuple[str, ...]
    defects: Tuple[Defect, ...]

    @property
    def flagged(self) -> bool:
        return self.verdict != ImageVerdict.OK

    def to_dict(self) -> dict:
        return {"verdict": self.verdict.name, "reasons": list(self.reasons),
                "defects": [d.to_dict() for d in self.defects]}


def _num(v: float) -> Optional[float]:
    return None if not np.isfinite(v) else float(v)


def _fmt(v: float) -> str:
    return f"{v:.4g}"


def decide(table: DefectTable, rules: BoundRules) -> Decision:
    """One image's :class:`Decision` (by :func:`decide_many`, with the texts added)."""
    tables = DefectTables.stack([table])
    return explain(tables, 0, decide_many(tables, rules), rules)


def decide_result(result: Result, rules: BoundRules) -> Decision:
    """:func:`decide` of a result's :func:`~.defects.defect_table`."""
    return decide(defect_table(result), rules)


def explain(tables: DefectTables, i: int, verdicts: Verdicts, rules: BoundRules) -> Decision:
    """Image ``i`` of a :func:`decide_many` call as a :class:`Decision` (texts for panels and
    exports; the verdict is the one computed there)."""
    a, b = int(tables.offsets[i]), int(tables.offsets[i + 1])
    cal = rules.calibration
    names = rules.class_names
    lengths_mm = _mm_lengths(tables, cal) if cal is not None else None
    defects: List[Defect] = []
    for row in range(a, b):
        d = tables.defects[row]
        cid = int(d["cls"])
        bits = int(verdicts.ignored[row])
        area, length = _num(d["area"]), _num(d["length"])
        why = []
        if bits & Ignored.OUTSIDE:
            why.append("outside the regions of interest")
        if bits & Ignored.SMALL_AREA:
            why.append(_below("area", area, cal, rules.min_area[cid], rules.min_area_mm2[cid], area=True))
        if bits & Ignored.SHORT:
            mm = float(lengths_mm[row]) if lengths_mm is not None else None
            why.append(_below("length", length, cal, rules.min_length[cid], rules.min_length_mm[cid], mm=mm))
        if bits & Ignored.LOW_SCORE:
            why.append(f"score {_fmt(float(d['score']))} < T_low {_fmt(float(rules.low[cid]))}")
        kept = bits == 0
        centroid = (float(d["cx"]), float(d["cy"])) if np.isfinite(d["cx"]) else None
        box = tuple(float(d[k]) for k in ("x1", "y1", "x2", "y2")) if np.isfinite(d["x1"]) else None
        defects.append(Defect(
            index=row - a, class_id=cid, class_name=names[cid], score=float(d["score"]),
            area_px=area, length_px=length,
            area_mm2=None if cal is None or area is None else area * cal.mm2_per_px,
            length_mm=None if lengths_mm is None or length is None else float(lengths_mm[row]),
            centroid=centroid, box=box, kept=kept,  # type: ignore[arg-type]
            level=("NG" if verdicts.ng_level[row] else "REVIEW") if kept else None,
            ignored=tuple(why), ignored_bits=bits))
    v = int(verdicts.verdict[i])
    verdict = ImageVerdict(max(v, 0))
    return Decision(verdict, tuple(_reasons(defects, verdicts, i, rules)), tuple(defects))


def _below(what: str, value: Optional[float], cal: Optional[Calibration], px: float, mm_min: float,
           area: bool = False, mm: Optional[float] = None) -> str:
    if cal is not None and mm_min > 0:
        got = value * cal.mm2_per_px if area and value is not None else mm
        if got is not None and got < mm_min * MM_SLACK:
            return f"{what} {_fmt(got)} {'mm²' if area else 'mm'} < {_fmt(mm_min)}"
    return f"{what} {_fmt(value or 0.0)} px < {_fmt(px)}"


def _reasons(defects: Sequence[Defect], verdicts: Verdicts, i: int, rules: BoundRules) -> List[str]:
    names = rules.class_names
    cal = rules.calibration
    out: List[str] = []
    causes = verdicts.ng_causes[i]
    for cid in np.flatnonzero(causes):
        name = names[cid]
        if causes[cid] & NG_SCORE:
            best = max(d.score for d in defects if d.class_id == cid and d.level == "NG")
            out.append(f"{name}: score {_fmt(best)} >= T_high {_fmt(float(rules.high[cid]))} (NG)")
        if causes[cid] & NG_COUNT:
            out.append(f"{name}: {int(verdicts.kept_count[i, cid])} defects >= {int(rules.ng_count[cid])} (NG)")
        if causes[cid] & NG_AREA:
            total = float(verdicts.kept_area[i, cid])
            if total >= rules.ng_total_area[cid]:
                out.append(f"{name}: total area {_fmt(total)} px >= {_fmt(rules.ng_total_area[cid])} (NG)")
            else:
                out.append(f"{name}: total area {_fmt(total * cal.mm2_per_px)} mm² >= "  # type: ignore[union-attr]
                           f"{_fmt(rules.ng_total_area_mm2[cid])} (NG)")
    if not out:
        for cid in np.flatnonzero(verdicts.kept_count[i]):
            best = max(d.score for d in defects if d.class_id == cid and d.kept)
            out.append(f"{names[cid]}: score {_fmt(best)} in [{_fmt(float(rules.low[cid]))}, "
                       f"{_fmt(float(rules.high[cid]))}) (REVIEW)")
    return out
