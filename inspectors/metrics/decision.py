"""Image-level metrics of the OK / REVIEW / NG decision against ground truth clean / defective.

What a plant asks of its rules: how many images go to a person (the review rate), how many
defective images pass as OK (escapes) and how many clean images are rejected (false
rejects). REVIEW is neither an escape nor a false reject: a person decides those. A rate
without any image to count is None (JSON null), never 0.

:func:`decision_metrics` is the one home of these numbers (``evaluate`` and the app call it).
:func:`choose_band` is the operating-point chooser: T_low from "escapes <= E" and T_high
from "false rejects <= F" for one band over every class, from each image's best score
among the defects the other rules keep (:func:`eligible_scores`); :func:`band_counts` is
what a band gives on those scores.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, Optional, Tuple

import numpy as np

from inspectors.metrics._common import GRID, GRID32
from inspectors.rules import DefectTables, Ignored, ImageVerdict, Verdicts

_NAMES = {int(v): v.name for v in ImageVerdict}


def _rate(num: int, den: int) -> Optional[float]:
    return None if den == 0 else num / den


def decision_metrics(verdicts: np.ndarray, gt_defective: np.ndarray) -> Dict[str, object]:
    """Counts and rates of the verdicts (int codes, :class:`~inspectors.rules.ImageVerdict`)
    of images whose ground truth is defective / clean; images without a verdict (negative
    codes) are left out."""
    v = np.asarray(verdicts).astype(np.int64)
    gt = np.asarray(gt_defective, bool)
    keep = v >= 0
    v, gt = v[keep], gt[keep]
    n, n_def = len(v), int(gt.sum())
    n_clean = n - n_def
    table = {side: {_NAMES[k]: int(((v == k) & mask).sum()) for k in _NAMES}
             for side, mask in (("defective", gt), ("clean", ~gt))}
    review = int((v == ImageVerdict.REVIEW).sum())
    escapes = table["defective"]["OK"]
    false_rejects = table["clean"]["NG"]
    return {
        "images": n, "defective": n_def, "clean": n_clean,
        "OK": int((v == ImageVerdict.OK).sum()), "REVIEW": review, "NG": int((v == ImageVerdict.NG).sum()),
        "review_rate": _rate(review, n),
        "escapes": escapes, "escape_rate": _rate(escapes, n_def),
        "false_rejects": false_rejects, "false_reject_rate": _rate(false_rejects, n_clean),
        "by_ground_truth": table,
    }


def eligible_scores(tables: DefectTables, verdicts: Verdicts) -> np.ndarray:
    """(N,) float32 per image: the best score among defects no rule but the band ignores
    (size, length, region); -inf where none, NaN for an image without a result. Count and
    area rules are not taken into account."""
    score = tables.column("score")
    ok = (verdicts.ignored & ~np.uint8(Ignored.LOW_SCORE)) == 0
    best = np.full(len(tables), -np.inf, np.float32)
    np.maximum.at(best, tables.image_of[ok], score[ok])
    best[~tables.ok] = np.nan
    return best


@dataclass(frozen=True)
class BandChoice:
    """A band over every class and what it gives on the images it was chosen on.

    ``met``: both limits hold at the band. ``notes``: why not, or that the two limits
    cross (a single threshold meets both: T_low is set to T_high, no review band)."""

    low: float
    high: float
    escapes: int
    false_rejects: int
    review: int
    review_rate: Optional[float]
    met: bool = True
    notes: Tuple[str, ...] = ()

    def to_dict(self) -> dict:
        return {"review": [self.low, self.high], "escapes": self.escapes,
                "false_rejects": self.false_rejects, "review_images": self.review,
                "review_rate": self.review_rate, "met": self.met, "notes": list(self.notes)}


def band_counts(scores: np.ndarray, gt_defective: np.ndarray, low: float, high: float) -> Tuple[int, int, int]:
    """(escapes, false rejects, review) of one band over image scores: OK below ``low``,
    NG at or above ``high``, REVIEW between (float32, as the decision compares)."""
    s = np.asarray(scores, np.float32)
    gt = np.asarray(gt_defective, bool)
    lo, hi = np.float32(low), np.float32(high)
    return int((gt & (s < lo)).sum()), int((~gt & (s >= hi)).sum()), int(((s >= lo) & (s < hi)).sum())


def choose_band(scores: np.ndarray, gt_defective: np.ndarray, max_escapes: int = 0,
                max_false_rejects: int = 0) -> BandChoice:
    """The band with the fewest REVIEW images under the two limits, on the 0.00 .. 1.00 grid:
    T_high the lowest threshold with at most ``max_false_rejects`` clean images scoring >= it,
    T_low the highest with at most ``max_escapes`` defective images scoring below it, and
    T_low <= T_high (the limits cross: T_low = T_high, said in ``notes``). A limit no grid
    value meets gives T_high 1.00 / T_low 0.00 and ``met`` False.

    ``scores``: per image the best score the other rules keep (:func:`eligible_scores`,
    -inf where none: such an image is OK at every band; NaN: no result, left out)."""
    s = np.asarray(scores, np.float32).ravel()
    gt = np.asarray(gt_defective, bool).ravel()
    if s.shape != gt.shape:
        raise ValueError(f"{s.size} scores for {gt.size} ground-truth flags")
    has = ~np.isnan(s)
    s, gt = s[has], gt[has]
    clean, defective = np.sort(s[~gt]), np.sort(s[gt])
    fr = len(clean) - np.searchsorted(clean, GRID32, side="left")  # clean images NG at each T_high
    esc = np.searchsorted(defective, GRID32, side="left")  # defective images OK at each T_low
    notes = [] if len(clean) else ["no clean images: any T_high keeps false rejects at 0"]
    notes += [] if len(defective) else ["no defective images: any T_low keeps escapes at 0"]
    ok_high = np.flatnonzero(fr <= max_false_rejects)
    high = float(GRID[ok_high[0]]) if len(ok_high) else 1.0
    if not len(ok_high):
        notes.append(f"no T_high keeps false rejects <= {max_false_rejects}: {int(fr[-1])} clean images "
                     "score 1.00")
    ok_low = np.flatnonzero(esc <= max_escapes)
    low = float(GRID[ok_low[-1]]) if len(ok_low) else 0.0
    if not len(ok_low):
        notes.append(f"no T_low keeps escapes <= {max_escapes}: {int(esc[0])} defective images score "
                     "below 0.00 (no defect the other rules keep)")
    elif low > high:
        notes.append(f"the limits cross: T_low up to {low:.2f} keeps escapes <= {max_escapes}, T_high from "
                     f"{high:.2f} keeps false rejects <= {max_false_rejects}; T_low = T_high, no review band")
        low = high
    escapes, false_rejects, review = band_counts(s, gt, low, high)
    met = escapes <= max_escapes and false_rejects <= max_false_rejects
    return BandChoice(low, high, escapes, false_rejects, review, _rate(review, len(s)), met, tuple(notes))
