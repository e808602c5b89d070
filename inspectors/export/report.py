"""Report rows for exported images: what was found, at which threshold, and the verdict."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Sequence

from ..csvfile import csv_text as table_text
from ..results import DetectionResult, Outcome, SegmentationResult, Thresholds

CSV_FIELDS = ["file", "verdict", "flagged", "task", "model", "threshold", "classes", "scores",
              "boxes", "areas_px", "defect_score", "error", "original", "overlay", "compare"]


def thresholds_dict(t: Thresholds) -> Dict[str, Any]:
    return {"default": t.default, "per_class": {str(k): v for k, v in t.per_class.items()}}


def threshold_text(t: Thresholds) -> str:
    extra = ";".join(f"{k}={v:g}" for k, v in t.per_class.items())
    return f"{t.default:g}" + (f" ({extra})" if extra else "")


@dataclass
class Row:
    """One exported image."""

    file: str
    outcome: Optional[Outcome]
    model: str
    thresholds: Thresholds
    verdict: str = ""
    original: str = ""
    overlay: str = ""
    compare: str = ""
    error: str = ""
    _json: Optional[Dict[str, Any]] = field(default=None, repr=False)
    _csv: Optional[Dict[str, Any]] = field(default=None, repr=False)

    def freeze(self) -> Row:
        """Compute the report's entries now and let go of the outcome (an export of a day's
        segmentation strips must not hold every label map until the report is written)."""
        self._json, self._csv = self.as_json(), self.as_csv()
        self.outcome = None
        return self

    def detail(self) -> Dict[str, Any]:
        """The filtered result as the report's JSON shows it."""
        if self.outcome is None or self.outcome.result is None:
            return {}
        return self.outcome.result.filtered(self.thresholds).to_dict()

    def as_json(self) -> Dict[str, Any]:
        if self._json is not None:
            return self._json
        r = self.outcome.result if self.outcome else None
        return {
            "file": self.file,
            "verdict": self.verdict or None,
            "flagged": bool(r is not None and r.is_defective(self.thresholds)),
            "model": self.model,
            "defect_score": round(r.defect_score(), 6) if r is not None else None,
            "result": self.detail(),
            "error": self.error or (self.outcome.error if self.outcome else None) or None,
            "files": {"original": self.original, "overlay": self.overlay, "compare": self.compare},
        }

    def as_csv(self) -> Dict[str, Any]:
        if self._csv is not None:
            return self._csv
        r = self.outcome.result if self.outcome else None
        row: Dict[str, Any] = {
            "file": self.file, "verdict": self.verdict, "model": self.model,
            "threshold": threshold_text(self.thresholds), "original": self.original,
            "overlay": self.overlay, "compare": self.compare,
            "error": self.error or (self.outcome.error if self.outcome and self.outcome.error else ""),
        }
        if r is None:
            return {**row, "flagged": ""}
        f = r.filtered(self.thresholds)
        row.update(task=r.task, flagged=int(r.is_defective(self.thresholds)),
                   defect_score=f"{r.defect_score():.4f}")
        if isinstance(f, DetectionResult):
            row["classes"] = ";".join(f.class_names[int(c)] for c in f.class_ids)
            row["scores"] = ";".join(f"{s:.4f}" for s in f.scores)
            row["boxes"] = ";".join(" ".join(f"{v:.1f}" for v in b) for b in f.boxes)
        elif isinstance(f, SegmentationResult):
            scores = f.class_scores()
            areas = f.class_areas()
            ids = [c for c in sorted(scores) if c != f.background_id]
            row["classes"] = ";".join(f.class_names[c] for c in ids)
            row["scores"] = ";".join(f"{scores[c]:.4f}" for c in ids)
            row["areas_px"] = ";".join(str(areas[c]) for c in ids)
        else:
            row["classes"] = f.class_name
            row["scores"] = f"{f.score:.4f}"
        return row


def csv_text(rows: Sequence[Row]) -> str:
    return table_text(CSV_FIELDS, (row.as_csv() for row in rows))


def json_text(rows: Sequence[Row], header: Dict[str, Any]) -> str:
    images: List[Dict[str, Any]] = [r.as_json() for r in rows]
    return json.dumps({**header, "count": len(images), "images": images}, indent=1, ensure_ascii=False)
