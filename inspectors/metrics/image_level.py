"""Image-level recall and false-positive rate per confidence threshold (all tasks).

An image is *reported defective* at a threshold when its prediction still holds a
defect after ``filtered(thresholds)``: a box (detection), a defect pixel
(segmentation), a defect top-1 class (classification). That is the one flagging
rule, :func:`inspectors.results.is_defective`: some class's best score
(``defect_class_scores``) is >= its threshold in float32 (``flagged_classes``),
the function the app's image list and session flag with too. Image-level recall:
share of defective ground-truth images reported defective. False-positive rate:
share of defect-free ground-truth images reported defective. A rate without any
image to count is NaN (JSON null), never 0.

PaddleX's cal_tp_fp.py rounds an image's top score to 0.01 and counts it below
that value only (``tp[0:round(score / 0.01)]``); here a score counts at every
threshold <= it, the rule the predictor applies when it filters, so a 0.904 box
counts at 0.90 here and not there.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import List, Optional, Sequence, Union

import numpy as np

from inspectors.metrics._common import (
    GRID,
    GRID32,
    Pair,
    ThresholdsLike,
    safe_div,
)
from inspectors.results import defect_class_scores, flagged_classes, is_defective

NO_CLEAN = "no defect-free images: false-positive rate undefined (NaN)"
NO_DEFECTIVE = "no defective images: recall undefined (NaN)"
NO_PREDICTIONS = "no image has any prediction"


@dataclass(frozen=True)
class ImageLevelCurve:
    thresholds: np.ndarray  # float64, 0.00 .. 1.00
    recall: np.ndarray  # NaN when there is no defective image
    false_positive_rate: np.ndarray  # NaN when there is no defect-free image
    recalled: np.ndarray  # defective images reported defective, per threshold
    false_positives: np.ndarray  # defect-free images reported defective
    num_defective: int
    num_clean: int
    notes: List[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "thresholds": self.thresholds.round(6).tolist(),
            "recall": self.recall.tolist(),
            "false_positive_rate": self.false_positive_rate.tolist(),
            "recalled": self.recalled.tolist(),
            "false_positives": self.false_positives.tolist(),
            "num_defective": self.num_defective,
            "num_clean": self.num_clean,
            "notes": list(self.notes),
        }


class ImageScores:
    """Per image: ground truth defective or not, and best prediction score per class."""

    def __init__(self, gt_defective: np.ndarray, class_scores: np.ndarray, class_names: Sequence[str]):
        self.gt_defective = np.asarray(gt_defective, bool)
        self.class_scores = np.asarray(class_scores, np.float32).reshape(len(self.gt_defective), -1)
        self.class_names = tuple(class_names)
        self.image_scores = self.class_scores.max(axis=1, initial=-np.inf)

    @classmethod
    def from_pairs(cls, pairs: Sequence[Pair]) -> ImageScores:
        names = pairs[0][0].class_names
        gt = np.array([is_defective(g) for g, _ in pairs], bool)
        scores = np.stack([defect_class_scores(p) for _, p in pairs]) if len(pairs) else np.zeros((0, len(names)))
        return cls(gt, scores, names)

    def _notes(self, n_def: int, n_clean: int) -> List[str]:
        notes = [] if n_clean else [NO_CLEAN]
        notes += [] if n_def else [NO_DEFECTIVE]
        return notes + ([] if np.isfinite(self.image_scores).any() else [NO_PREDICTIONS])

    def predicted(self, thresholds: ThresholdsLike) -> np.ndarray:
        """Images reported defective at ``thresholds`` (per-class overrides honoured)."""
        return flagged_classes(self.class_scores, thresholds, self.class_names).any(axis=1)

    def at(self, thresholds: ThresholdsLike) -> dict:
        hit = self.predicted(thresholds)
        n_def = int(self.gt_defective.sum())
        n_clean = len(hit) - n_def
        rec = int((hit & self.gt_defective).sum())
        fp = int((hit & ~self.gt_defective).sum())
        return {
            "recall": safe_div(rec, n_def), "false_positive_rate": safe_div(fp, n_clean),
            "recalled": rec, "false_positives": fp, "num_defective": n_def, "num_clean": n_clean,
            "notes": self._notes(n_def, n_clean),
        }

    def curve(self) -> ImageLevelCurve:
        """Global threshold swept over 0.00 .. 1.00 in steps of 0.01."""
        def count(scores: np.ndarray) -> np.ndarray:
            s = np.sort(scores)
            return len(s) - np.searchsorted(s, GRID32, side="left")

        d, c = self.image_scores[self.gt_defective], self.image_scores[~self.gt_defective]
        rec, fp = count(d), count(c)
        with np.errstate(divide="ignore", invalid="ignore"):
            recall = rec / len(d) if len(d) else np.full(len(GRID), np.nan)
            fpr = fp / len(c) if len(c) else np.full(len(GRID), np.nan)
        return ImageLevelCurve(GRID.copy(), recall, fpr, rec, fp, len(d), len(c), self._notes(len(d), len(c)))


def image_level_curve(pairs: Sequence[Pair]) -> ImageLevelCurve:
    return ImageScores.from_pairs(pairs).curve()


@dataclass(frozen=True)
class OperatingPoint:
    threshold: float
    recall: float
    false_positive_rate: float
    rule: str

    def to_dict(self) -> dict:
        return {"threshold": self.threshold, "recall": self.recall,
                "false_positive_rate": self.false_positive_rate, "rule": self.rule}


def choose_operating_point(
    curve: ImageLevelCurve, min_recall: float, mode: str = "lowest_fpr"
) -> Optional[OperatingPoint]:
    """Pick a threshold on the curve; None when no threshold reaches ``min_recall``.

    ``highest_threshold``: the highest threshold whose recall is >= min_recall.
    ``lowest_fpr``: among those thresholds, the lowest false-positive rate, then
    the highest recall, then the lowest threshold (PaddleX's aluminium example
    picks 0.90 at recall 0.9589 / FPR 0.0074 this way). Without defect-free images
    the rate is undefined and ``lowest_fpr`` falls back to ``highest_threshold``.
    """
    if mode not in ("lowest_fpr", "highest_threshold"):
        raise ValueError(f"unknown mode {mode!r}")
    ok = np.flatnonzero(np.nan_to_num(curve.recall, nan=-1.0) >= min_recall)
    if not len(ok):
        return None
    fpr = curve.false_positive_rate
    rule = f"{mode} with recall >= {min_recall:g}"
    if mode == "highest_threshold" or np.isnan(fpr[ok]).all():
        k = int(ok[-1])
        if mode == "lowest_fpr":
            rule += " (false-positive rate undefined: highest threshold taken)"
    else:
        key = np.lexsort((curve.thresholds[ok], -curve.recall[ok], fpr[ok]))
        k = int(ok[key[0]])
    return OperatingPoint(float(round(curve.thresholds[k], 6)), float(curve.recall[k]), float(fpr[k]), rule)


def write_tp_fp_list(path: Union[str, Path], curve: ImageLevelCurve) -> Path:
    """Markdown table | score | recall rate | false-positive rate |, as cal_tp_fp.py.

    Six decimals per value as PaddleX writes them, ``nan`` for undefined rates;
    every threshold of the curve is written (PaddleX stops at 0.99).
    """
    lines = ["| score | recall rate | false-positive rate |", "| -- | -- | -- |"]
    for t, r, f in zip(curve.thresholds, curve.recall, curve.false_positive_rate):
        lines.append(f"| {t:f} | {r:f} | {f:f} |")
    path = Path(path)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def plot_tp_fp(
    path: Union[str, Path], curve: ImageLevelCurve, point: Optional[OperatingPoint] = None, dpi: int = 200
) -> Path:
    """Two panels as image-level_tp_fp.png: recall vs FPR, and recall vs threshold."""
    # Agg canvas on a bare Figure: no pyplot state, no global backend switch.
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(10, 4.6))
    FigureCanvasAgg(fig)
    left, right = fig.subplots(1, 2)
    ticks = np.arange(0, 1.01, 0.1)
    for ax, title, ylabel in (
        (left, "image-level false positive rate vs recall", "false-positive rate"),
        (right, "threshold vs image-level recall", "confidence threshold"),
    ):
        ax.set_title(title, fontsize=9)
        ax.set_xlabel("recall")
        ax.set_ylabel(ylabel)
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1)
        ax.set_xticks(ticks)
        ax.set_yticks(ticks)
        ax.tick_params(labelsize=6)
        ax.grid(linestyle="--", linewidth=0.6)
    left.plot([0, 1], [0, 1], "r--", linewidth=0.8)
    left.plot(curve.recall, curve.false_positive_rate, color="b", linewidth=1.2, label="image level")
    right.plot(curve.recall, curve.thresholds, color="b", linewidth=1.2, label="image level")
    if point is not None:
        label = f"t={point.threshold:.2f}: recall {point.recall:.4f}, FPR {point.false_positive_rate:.4f}"
        left.plot([point.recall], [point.false_positive_rate], "o", color="orange", label=label)
        right.plot([point.recall], [point.threshold], "o", color="orange", label=label)
    for note, ax in ((NO_CLEAN, left), (NO_DEFECTIVE, right)):
        if note in curve.notes:
            ax.text(0.5, 0.5, note, ha="center", va="center", fontsize=7, wrap=True)
    left.legend(loc="lower right", fontsize=6)
    right.legend(loc="lower left", fontsize=6)
    fig.tight_layout()
    path = Path(path)
    fig.savefig(str(path), dpi=dpi)
    return path
