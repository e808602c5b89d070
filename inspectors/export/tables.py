"""The report's spreadsheets: ``images.csv`` (one row per image) and ``defects.csv`` (one
row per candidate defect), numbers in their own columns, UTF-8 with a BOM (spreadsheet
programs then read Chinese names), text cells made inert by :func:`inspectors.csvfile.csv_text`.

The image outcome (TP / FP / FN / TN) is the image-level one of ``metrics.json``: ground
truth defective (:func:`inspectors.results.is_defective` of the ground truth) against the
prediction flagged at the thresholds (the same function), so its counts are the report's
image-level recall and false-alarm rate. The verdict is the rules' (OK / REVIEW / NG,
:func:`inspectors.rules.decide`), and the defects are the rules' candidates, kept or
ignored with the reasons.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields
from typing import Any, Dict, List, Optional, Sequence

from ..csvfile import csv_text
from ..results import DetectionResult, Result, SegmentationResult, Thresholds, is_defective
from ..rules import Decision, Ignored

BOM = "\ufeff"
#: candidates ignored for their score alone are listed in defects.csv down to this share of
#: the threshold (a detector's hundred faint boxes per image are counted, not listed)
LISTED_SCORE = 0.5
OUTCOMES = ("TP", "FP", "FN", "TN")


@dataclass
class DefectRow:
    image: str
    index: int
    class_name: str
    score: float
    x0: Optional[float]
    y0: Optional[float]
    x1: Optional[float]
    y1: Optional[float]
    area_px: Optional[float]
    area_mm2: Optional[float]
    length_px: Optional[float]
    length_mm: Optional[float]
    kept: int  # 1 kept, 0 ignored by a rule
    level: str  # NG | REVIEW for kept defects
    ignored_why: str


@dataclass
class ImageRow:
    path: str  # relative to the inspected folder (posix)
    width: Optional[int] = None
    height: Optional[int] = None
    ground_truth: str = ""  # defective | clean | "" (none)
    truth_classes: str = ""
    verdict: str = ""  # OK | REVIEW | NG | error
    flagged: Optional[int] = None  # at the thresholds (1 / 0), None without a result
    outcome: str = ""  # TP | FP | FN | TN, with ground truth
    max_score: Optional[float] = None
    defects: Optional[int] = None  # kept defects
    candidates: Optional[int] = None  # every candidate, ignored ones included
    area_px: Optional[float] = None  # kept defects' total area
    area_mm2: Optional[float] = None  # with a calibration
    classes: str = ""  # kept defects' classes
    reasons: str = ""  # why NG / REVIEW
    operator: str = ""  # the operator's verdict, when reviewed
    error: str = ""
    compare: str = ""  # the compare image beside the report, when written
    defect_rows: List[DefectRow] = field(default_factory=list, repr=False)

    @property
    def is_miss(self) -> bool:
        """An escape: defective by the ground truth, OK by the rules (without rules, the
        same as outcome FN)."""
        return self.ground_truth == "defective" and self.verdict == "OK"

    @property
    def is_false_alarm(self) -> bool:
        """A clean image the rules did not pass (NG or REVIEW; without rules, outcome FP)."""
        return self.ground_truth == "clean" and self.verdict in ("NG", "REVIEW")


IMAGE_FIELDS = [f.name for f in fields(ImageRow) if f.name != "defect_rows"]
DEFECT_FIELDS = [f.name for f in fields(DefectRow)]


def _round(v: Optional[float], digits: int = 4) -> Optional[float]:
    return None if v is None else round(float(v), digits)


def _outcome(truth: Optional[bool], flagged: Optional[bool]) -> str:
    if truth is None or flagged is None:
        return ""
    return ("TP" if flagged else "FN") if truth else ("FP" if flagged else "TN")


def image_row(path: str, prediction: Optional[Result], thresholds: Thresholds,
              decision: Optional[Decision] = None, truth: Optional[Result] = None,
              size: Optional[Sequence[int]] = None, operator: str = "", error: str = "") -> ImageRow:
    """One image's row (and its defect rows) from its prediction, the rules' decision of
    it, its ground truth and the operator's verdict. ``size`` is (width, height)."""
    row = ImageRow(path, operator=operator, error=error)
    if size is not None:
        row.width, row.height = int(size[0]), int(size[1])
    elif prediction is not None:
        row.height, row.width = (int(v) for v in prediction.image_size)
    truth_def = None if truth is None else bool(is_defective(truth))
    if truth is not None:
        row.ground_truth = "defective" if truth_def else "clean"
        row.truth_classes = ";".join(_classes(truth))
    if prediction is None:
        row.verdict = "error" if error else ""
        return row
    flagged = bool(is_defective(prediction, thresholds))
    row.flagged = int(flagged)
    row.outcome = _outcome(truth_def, flagged)
    row.max_score = _round(prediction.defect_score())
    if decision is not None:
        row.verdict = decision.verdict.name
        row.reasons = "; ".join(decision.reasons)
        kept = [d for d in decision.defects if d.kept]
        row.defects, row.candidates = len(kept), len(decision.defects)
        row.area_px = _round(sum(d.area_px or 0.0 for d in kept), 2)
        mm = [d.area_mm2 for d in kept if d.area_mm2 is not None]
        row.area_mm2 = _round(sum(mm), 6) if mm else None
        row.classes = ";".join(dict.fromkeys(d.class_name for d in kept))
        floor = LISTED_SCORE * thresholds.default
        row.defect_rows = [_defect_row(path, d) for d in decision.defects
                           if not (d.ignored_bits == Ignored.LOW_SCORE and d.score < floor)]
    return row


def _classes(result: Result) -> List[str]:
    """The defect classes a ground truth holds (for the images table)."""
    if isinstance(result, DetectionResult):
        names = [result.class_names[int(c)] for c in result.class_ids]
    elif isinstance(result, SegmentationResult):
        names = [result.class_names[c] for c, n in sorted(result.class_areas().items())
                 if c != result.background_id and n > 0]
    else:
        names = [result.class_name] if is_defective(result) else []
    return list(dict.fromkeys(names))


def _defect_row(image: str, d) -> DefectRow:
    box = d.box if d.box is not None else (None, None, None, None)
    return DefectRow(image, d.index, d.class_name, round(float(d.score), 4),
                     *[_round(v, 2) for v in box], _round(d.area_px, 2), _round(d.area_mm2, 6),
                     _round(d.length_px, 2), _round(d.length_mm, 4), int(d.kept), d.level or "",
                     "; ".join(d.ignored))


def _cells(row: Any, names: Sequence[str]) -> Dict[str, Any]:
    return {k: ("" if getattr(row, k) is None else getattr(row, k)) for k in names}


def images_csv(rows: Sequence[ImageRow]) -> str:
    """``images.csv`` text, BOM first."""
    return BOM + csv_text(IMAGE_FIELDS, (_cells(r, IMAGE_FIELDS) for r in rows))


def defects_csv(rows: Sequence[ImageRow]) -> str:
    """``defects.csv`` text, BOM first: every image's listed candidate defects."""
    return BOM + csv_text(DEFECT_FIELDS, (_cells(d, DEFECT_FIELDS) for r in rows for d in r.defect_rows))


def rows_json(rows: Sequence[ImageRow]) -> List[Dict[str, Any]]:
    """The rows as JSON values (the report's ``images.json``, read back by ``report``);
    each image's defects as lists in :data:`DEFECT_FIELDS` order (compact for a day's
    thousands of images)."""
    return [{**{k: getattr(r, k) for k in IMAGE_FIELDS},
             "defect_rows": [[getattr(d, k) for k in DEFECT_FIELDS] for d in r.defect_rows]} for r in rows]


def rows_from_json(items: Sequence[Dict[str, Any]]) -> List[ImageRow]:
    out = []
    for item in items:
        item = dict(item)
        defects = [DefectRow(*d) if isinstance(d, list) else DefectRow(**d) for d in item.pop("defect_rows", [])]
        known = {k: v for k, v in item.items() if k in IMAGE_FIELDS}
        out.append(ImageRow(**known, defect_rows=defects))
    return out


def outcome_counts(rows: Sequence[ImageRow]) -> Dict[str, int]:
    return {k: sum(1 for r in rows if r.outcome == k) for k in OUTCOMES}


def json_text(value: Any) -> str:
    """Compact JSON (the C encoder: an indented dump of 100,000 defects takes seconds)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def caption_of(row: ImageRow) -> str:
    """The line under a compare image's title: verdict, ground truth, outcome, score."""
    truth = row.ground_truth + (f" ({row.truth_classes})" if row.truth_classes else "")
    score = "n/a" if row.max_score is None else f"{row.max_score:.3f}"
    words = {"FN": "missed", "FP": "false alarm", "TP": "found", "TN": "correctly passed"}
    outcome = f" · {row.outcome} ({words[row.outcome]})" if row.outcome else ""
    operator = f" · operator: {row.operator}" if row.operator else ""
    truth = f" · ground truth: {truth}" if truth else ""
    return f"verdict {row.verdict or 'n/a'}{truth}{outcome} · max score {score}{operator}"


