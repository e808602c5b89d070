"""Image-level metrics of the OK / REVIEW / NG decision against ground truth clean / defective.

What a plant asks of its rules: how many images go to a person (the review rate), how many
defective images pass as OK (escapes) and how many clean images are rejected (false
rejects). REVIEW is neither an escape nor a false reject: a person decides those. A rate
without any image to count is None (JSON null), never 0.

:func:`choose_band` is the operating-point chooser: T_low from "escapes <= E" and T_high
from "false rejects <= F" for one band over every class, from each image's best score
among the defects the other rules keep (:func:`eligible_scores`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, Optional

import numpy as np

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
    (size, length, region); -inf where none. Count and area rules are not taken into account."""
    score = tables.column("score")
    ok = (verdicts.ignored & ~np.uint8(Ignored.LOW_SCORE)) == 0
    best = np.full(len(tables), -np.inf, np.float32)
    np.maximum.at(best, tables.image_of[ok], score[ok])
    return best


@dataclass(frozen=True)
class BandChoice:
    """A band over every class and what it gives on the images it was chosen on."""

    low: float
    high: float
    escapes: int
    false_rejects: int
    review_rate: Optional[float]

    def to_dict(self) -> dict:
        return {"review": [self.low, self.high], "escapes": self.escapes,
                "false_rejects": self.false_rejects, "review_rate": self.review_rate}


def choose_band(scores: np.ndarray, gt_defective: np.ndarray, max_escapes: int = 0,
                max_false_rejects: int = 0) -> BandChoice:
    """The lowest T_high with at most ``max_false_rejects`` clean images at or above it,
    and the highest T_low (<= T_high) with at most ``max_escapes`` defective images below it,
    on the 0.00 .. 1.00 grid (scores compare in float32, as the decision does)."""
    s = np.asarray(scores, np.float32)
    gt = np.asarray(gt_defective, bool)
    grid = np.round(np.linspace(0, 1, 101), 2)
    g32 = grid.astype(np.float32)
    fr = ((s[~gt][None, :] >= g32[:, None]).sum(axis=1))  # clean images NG at each T_high
    esc = ((s[gt][None, :] < g32[:, None]).sum(axis=1))  # defective images OK at each T_low
    ok_high = np.flatnonzero(fr <= max_false_rejects)
    high = float(grid[ok_high[0]]) if len(ok_high) else 1.0
    ok_low = np.flatnonzero((esc <= max_escapes) & (grid <= high))
    low = float(grid[ok_low[-1]]) if len(ok_low) else 0.0
    lo32, hi32 = np.float32(low), np.float32(high)
    review = int(((s >= lo32) & (s < hi32)).sum())
    return BandChoice(low, high, int((gt & (s < lo32)).sum()), int((~gt & (s >= hi32)).sum()),
                      _rate(review, len(s)))
