"""The inspection report a manager reads: ``report.html`` + ``report.pdf`` (one document,
:mod:`inspectors.report`), ``images.csv`` + ``defects.csv`` (:mod:`.tables`), the compare
images of the misses and false alarms (``compare/x_compare.png``) and ``images.json``
(the rows, read back by ``python main.py report`` to write it all again).

Every number comes from what the caller measured: the metrics dict is ``metrics.json``'s
(``evaluate``: :func:`inspectors.metrics.evaluate` and :func:`inspectors.metrics.decision.decision_metrics`),
the counts from the rows. Nothing is recomputed here, so the report says what metrics.json says.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

import cv2
import numpy as np

from ..atomic import atomic_write_text
from ..imageio import write_image
from ..report import (
    Column,
    Document,
    Figure,
    KeyValues,
    Paragraph,
    Picture,
    Table,
    Thumb,
    ThumbGrid,
    charts,
    write_html,
    write_pdf,
)
from .names import readable_names
from .robustness_section import robustness_blocks
from .tables import ImageRow, defects_csv, images_csv, json_text, outcome_counts, rows_json

THUMBS = 24  # per grid; the rest are in images.csv
PICTURES = 200  # full-size compare images written per kind (a day's thousands are in images.csv)
THUMB_WIDTH = 420
SheetFn = Callable[[ImageRow], Optional[np.ndarray]]


@dataclass
class ReportHeader:
    """What was inspected and how (the report's first section)."""

    title: str
    folder: str
    images: int
    created: str
    model: str = ""
    model_path: str = ""
    fingerprint: str = ""
    task: str = ""
    class_names: Sequence[str] = ()
    threshold: Optional[float] = None
    per_class_thresholds: Dict[str, float] = field(default_factory=dict)
    rules: str = ""  # the rules in words (or YAML)
    engine: str = ""
    device: str = ""
    seconds: Optional[float] = None
    images_per_second: Optional[float] = None
    source: str = ""  # evaluate | export | run
    ground_truth: str = ""

    def to_dict(self) -> Dict[str, Any]:
        d = asdict(self)
        d["class_names"] = list(self.class_names)
        return d

    @classmethod
    def from_dict(cls, d: Dict[str, Any]) -> ReportHeader:
        known = {k: v for k, v in d.items() if k in cls.__dataclass_fields__}
        return cls(**known)


# ------------------------------------------------------------------------------- the document
def _pct(v: Optional[float]) -> str:
    return "n/a" if v is None or (isinstance(v, float) and math.isnan(v)) else f"{100 * v:.1f} %"


def _num(v: Optional[float], digits: int = 4) -> str:
    return "n/a" if v is None or (isinstance(v, float) and math.isnan(v)) else f"{v:.{digits}f}"


def _inspected(h: ReportHeader) -> KeyValues:
    rows: List[Tuple[str, Any]] = [("Folder", h.folder), ("Images", h.images), ("Date", h.created)]
    if h.ground_truth:
        rows.append(("Ground truth", h.ground_truth))
    rows += [("Model", h.model or "n/a")]
    if h.model_path:
        rows.append(("Model folder", h.model_path))
    if h.fingerprint:
        rows.append(("Model fingerprint", h.fingerprint))
    if h.task:
        rows.append(("Task", h.task))
    if h.class_names:
        rows.append(("Classes", ", ".join(h.class_names)))
    if h.threshold is not None:
        extra = ", ".join(f"{k} {v:g}" for k, v in h.per_class_thresholds.items())
        rows.append(("Threshold", f"{h.threshold:g}" + (f" ({extra})" if extra else "")))
    rows.append(("Decision rules", h.rules or "none: NG when a defect reaches the threshold"))
    if h.engine or h.device:
        rows.append(("Engine / device", " / ".join(x for x in (h.engine, h.device) if x)))
    if h.images_per_second:
        rows.append(("Speed", f"{h.images_per_second:.1f} images/s, {h.seconds:.1f} s in all (results "
                              "already stored in the run are reused, not inferred again)"))
    return KeyValues(rows)


def _decisions(rows: Sequence[ImageRow], metrics: Optional[dict]) -> List:
    counts = {v: sum(1 for r in rows if r.verdict == v) for v in ("OK", "REVIEW", "NG")}
    errors = sum(1 for r in rows if r.error)
    n = len(rows)
    cols = [Column("Verdict"), Column("Images", "int"), Column("Share", "percent", 1)]
    data = [[k, counts[k], counts[k] / n if n else None] for k in ("OK", "REVIEW", "NG")]
    data.append(["errors (not inspected)", errors, errors / n if n else None])
    data.append(["total", n, 1.0 if n else None])
    blocks: List = [Table(cols, data, tones=["good", "warn", "bad", "muted", ""], total=True)]
    d = (metrics or {}).get("decision")
    if d and d.get("by_ground_truth"):
        by = d["by_ground_truth"]
        blocks.append(Table(
            [Column("Ground truth"), Column("OK", "int"), Column("REVIEW", "int"), Column("NG", "int"),
             Column("Images", "int")],
            [["defective", by["defective"]["OK"], by["defective"]["REVIEW"], by["defective"]["NG"], d["defective"]],
             ["clean", by["clean"]["OK"], by["clean"]["REVIEW"], by["clean"]["NG"], d["clean"]]],
            title="Verdicts by ground truth",
            note="A defective image judged OK is an escape; a clean image judged NG a false reject; "
                 "REVIEW goes to a person."))
    return blocks


def _against_truth(metrics: dict, rows: Sequence[ImageRow]) -> List:
    il = metrics.get("image_level", {})
    d = metrics.get("decision", {})
    oc = outcome_counts(rows)
    thr = metrics.get("thresholds", {}).get("default")
    kv = [("Image-level recall", f"{_pct(il.get('recall'))} ({il.get('recalled', 0)} of "
                                 f"{il.get('num_defective', 0)} defective images flagged)"),
          ("False-alarm rate", f"{_pct(il.get('false_positive_rate'))} ({il.get('false_positives', 0)} of "
                               f"{il.get('num_clean', 0)} clean images flagged)"),
          ("Outcomes", f"TP {oc['TP']} · FN (missed) {oc['FN']} · FP (false alarm) {oc['FP']} · TN {oc['TN']}")]
    if d:
        kv += [("Escapes (defective judged OK)", f"{d.get('escapes', 0)} ({_pct(d.get('escape_rate'))})"),
               ("False rejects (clean judged NG)", f"{d.get('false_rejects', 0)} ({_pct(d.get('false_reject_rate'))})"),
               ("Review rate", _pct(d.get("review_rate")))]
    blocks: List = [KeyValues(kv)]
    if thr is not None and d:
        blocks.append(Paragraph(f"Recall, false-alarm rate and outcomes count the images with a defect at the "
                                f"threshold {thr:g}; escapes, false rejects and the review rate count the rules' "
                                "verdicts (the same when no rule but the threshold is set).", "muted"))
    for note in il.get("notes", []):
        blocks.append(Paragraph(note, "muted"))
    curve = metrics.get("image_level_curve")
    if curve and curve.get("thresholds"):
        t = curve["thresholds"]
        rec = [np.nan if v is None else v for v in curve["recall"]]
        fa = [np.nan if v is None else v for v in curve["false_positive_rate"]]
        point = None
        if thr is not None:
            point = (float(thr), il.get("recall") or 0.0,
                     il.get("false_positive_rate") if il.get("false_positive_rate") is not None else np.nan)
        blocks.append(Figure(charts.threshold_chart(t, rec, fa, point, name="threshold_chart.png"),
                             "Image-level recall and false-alarm rate against the confidence threshold; "
                             "the dashed line is the threshold this report uses."))
    op = (metrics.get("operating_points") or {}).get("lowest_fpr")
    if op:
        blocks.append(Paragraph(
            f"Suggested operating point ({op.get('rule', '')}): threshold {op['threshold']:g}, recall "
            f"{_pct(op.get('recall'))}, false-alarm rate {_pct(op.get('false_positive_rate'))}.", "muted"))
    return blocks


def _task_metrics(metrics: dict) -> List:
    task = metrics.get("task")
    m = metrics.get("metrics", {})
    names = metrics.get("class_names", [])
    blocks: List = []
    if task == "detection":
        voc, coco = m.get("voc_map") or {}, m.get("coco") or {}
        tot = m.get("totals", {})
        blocks.append(KeyValues([
            ("VOC mAP@0.5 (area)", _num(voc.get("area"))), ("VOC mAP@0.5 (11 point)", _num(voc.get("11point"))),
            ("COCO mAP@[.5:.95]", _num(coco.get("map"))), ("Boxes: precision / recall",
                                                           f"{_num(tot.get('precision'))} / {_num(tot.get('recall'))}")]))
        per = m.get("per_class", [])
        coco_ap = {c["class_name"]: c.get("ap") for c in coco.get("per_class", [])}
        blocks.append(Table(
            [Column("Class"), Column("GT boxes", "int"), Column("Predicted", "int"), Column("TP", "int"),
             Column("FP", "int"), Column("FN", "int"), Column("Precision", "number", 3),
             Column("Recall", "number", 3), Column("AP@0.5", "number", 4), Column("COCO AP", "number", 4)],
            [[c["class_name"], c["num_gt"], c["num_pred"], c["tp"], c["fp"], c["fn"], c["precision"],
              c["recall"], c["ap_area"], coco_ap.get(c["class_name"])] for c in per],
            title="Per class", note=f"Boxes match at IoU >= {m.get('iou_threshold', 0.5)}."))
        conf = (metrics.get("errors") or {}).get("confusion")
        if conf:
            blocks.append(Figure(charts.confusion_chart(conf["matrix"], conf["rows"], conf["columns"],
                                                        name="confusion.png"),
                                 "Box confusion (IoU >= 0.5): rows the ground truth, columns the prediction; the "
                                 "'missed' column counts ground-truth boxes nothing matched, the 'background' "
                                 "row predicted boxes where there is none.", 0.8))
    elif task == "segmentation":
        blocks.append(KeyValues([("mIoU", _num(m.get("miou"))), ("mean Dice", _num(m.get("mdice"))),
                                 ("Pixel accuracy", _num(m.get("accuracy"))), ("Kappa", _num(m.get("kappa")))]))
        blocks.append(Table(
            [Column("Class"), Column("IoU", "number", 4), Column("Dice", "number", 4),
             Column("Precision", "number", 4), Column("Recall", "number", 4), Column("GT pixels", "int"),
             Column("Predicted pixels", "int")],
            [[c["class_name"], c.get("iou"), c.get("dice"), c.get("precision"), c.get("recall"),
              c.get("pixels_gt"), c.get("pixels_pred")] for c in m.get("per_class", [])], title="Per class"))
        if m.get("confusion_matrix"):
            blocks.append(Figure(charts.confusion_chart(m["confusion_matrix"], names, names, name="confusion.png"),
                                 "Pixel confusion: rows the ground truth, columns the prediction.", 0.8))
    elif task == "classification":
        blocks.append(KeyValues([("Top-1 accuracy", _num(m.get("accuracy"))),
                                 ("Macro precision", _num(m.get("macro_precision"))),
                                 ("Macro recall", _num(m.get("macro_recall")))]))
        blocks.append(Table(
            [Column("Class"), Column("Images", "int"), Column("Predicted", "int"), Column("Precision", "number", 4),
             Column("Recall", "number", 4)],
            [[c["class_name"], c.get("support"), c.get("num_pred"), c.get("precision"), c.get("recall")]
             for c in m.get("per_class", [])], title="Per class"))
        if m.get("confusion_matrix"):
            blocks.append(Figure(charts.confusion_chart(m["confusion_matrix"], names, names, name="confusion.png"),
                                 "Confusion: rows the true class, columns the predicted class.", 0.8))
    return blocks


def _thumb(row: ImageRow, folder: Path, tone: str) -> Optional[Thumb]:
    if not row.compare or not (folder / row.compare).is_file():
        return None
    image = cv2.imread(str(folder / row.compare), cv2.IMREAD_COLOR)
    if image is None:
        return None
    k = THUMB_WIDTH / image.shape[1]
    if k < 1:
        image = cv2.resize(image, (THUMB_WIDTH, max(1, round(image.shape[0] * k))), interpolation=cv2.INTER_AREA)
    truth = row.ground_truth + (f" ({row.truth_classes})" if row.truth_classes else "")
    caption = [row.path, f"verdict {row.verdict or 'n/a'}" + (f" · outcome {row.outcome}" if row.outcome else "")]
    if truth:
        caption.append(f"ground truth: {truth}")
    caption.append(f"max score {_num(row.max_score, 3)}" + (f" · operator: {row.operator}" if row.operator else ""))
    return Thumb(Picture.from_array(image, Path(row.compare).name, jpeg_quality=82), caption, row.compare, tone)


def _grid(rows: Sequence[ImageRow], folder: Path, title: str, tone: str, empty: str, hint: str) -> List:
    thumbs = [t for t in (_thumb(r, folder, tone) for r in rows[:THUMBS]) if t is not None]
    blocks: List = [ThumbGrid(thumbs, columns=3, title=f"{title} ({len(rows)})", empty=empty)]
    if len(rows) > len(thumbs):
        blocks.append(Paragraph(f"{len(rows) - len(thumbs)} more not shown: see images.csv ({hint}).", "muted"))
    return blocks


def _operator(rows: Sequence[ImageRow]) -> List:
    reviewed = [r for r in rows if r.operator]
    if not reviewed:
        return []
    verdicts = sorted({r.operator for r in reviewed})
    model = ("OK", "REVIEW", "NG")
    data = [[v, *[sum(1 for r in reviewed if r.operator == v and r.verdict == m) for m in model],
             sum(1 for r in reviewed if r.operator == v)] for v in verdicts]
    return [Table([Column("Operator verdict"), *[Column(f"model {m}", "int") for m in model], Column("Images", "int")],
                  data, note=f"{len(reviewed)} of {len(rows)} images reviewed by an operator.")]


def misses(rows: Sequence[ImageRow]) -> List[ImageRow]:
    """Escapes (defective images judged OK), the most confident miss last (a clear miss first)."""
    return sorted((r for r in rows if r.is_miss), key=lambda r: (r.max_score or 0.0, r.path))


def false_alarms(rows: Sequence[ImageRow]) -> List[ImageRow]:
    """Clean images judged NG or REVIEW, the highest score first."""
    return sorted((r for r in rows if r.is_false_alarm), key=lambda r: (-(r.max_score or 0.0), r.path))


def build_document(header: ReportHeader, rows: Sequence[ImageRow], metrics: Optional[dict],
                   folder: Path) -> Document:
    """The report document; ``folder`` is where the compare images are (the report's own)."""
    doc = Document(header.title, subtitle=header.folder, created=header.created)
    doc.section("What was inspected", _inspected(header))
    doc.section("Decisions", *_decisions(rows, metrics))
    if metrics:
        doc.section("Against the ground truth", *_against_truth(metrics, rows))
        doc.section("Task metrics", *_task_metrics(metrics))
        if metrics.get("robustness"):
            doc.section("Robustness", *robustness_blocks(metrics["robustness"]))
    if any(r.outcome for r in rows):
        doc.section("Escapes and false alarms",
                    Paragraph("Each picture: the ground truth, then the model (side by side, or one above the "
                              "other for wide strips); click for the full size.", "muted"),
                    *_grid(misses(rows), folder, "Escapes: defective images judged OK", "bad", "no escape",
                          "ground_truth defective, verdict OK"),
                    *_grid(false_alarms(rows), folder, "False alarms: clean images judged NG or REVIEW", "warn",
                          "no false alarm", "ground_truth clean, verdict NG or REVIEW"))
    elif any(r.compare for r in rows):
        doc.section("Flagged images",
                    Paragraph("The model's defects on each NG or REVIEW image; click for the full size.", "muted"),
                    *_grid(flagged(rows), folder, "NG and REVIEW", "bad", "none flagged", "verdict NG or REVIEW"))
    op = _operator(rows)
    if op:
        doc.section("Operator verdicts", *op)
    doc.section("Files", KeyValues([
        ("images.csv", "one row per image: size, ground truth, verdict, outcome, score, defect count and area"),
        ("defects.csv", "one row per candidate defect: class, score, box, area, length, kept or ignored and why"),
        ("compare/ or overlay/", f"ground truth | prediction of the first {PICTURES} escapes and false alarms "
                                 "(without ground truth: the model's drawing of the NG / REVIEW images)")]))
    return doc


# ----------------------------------------------------------------------------------- writing
def flagged(rows: Sequence[ImageRow]) -> List[ImageRow]:
    """NG and REVIEW images (a folder without ground truth), the highest score first."""
    return sorted((r for r in rows if r.verdict in ("NG", "REVIEW")), key=lambda r: (-(r.max_score or 0.0), r.path))


def write_compare_images(out: Path, rows: Sequence[ImageRow], sheet: SheetFn) -> None:
    """``compare/<name>_compare.png`` for the first :data:`PICTURES` escapes and false alarms
    (without ground truth: ``overlay/<name>_overlay.png`` of the NG / REVIEW images); the
    report shows :data:`THUMBS` of each, images.csv lists them all."""
    truth = any(r.outcome for r in rows)
    wanted = misses(rows)[:PICTURES] + false_alarms(rows)[:PICTURES] if truth else flagged(rows)[:PICTURES]
    kind = "compare" if truth else "overlay"
    names = readable_names([r.path for r in wanted], kind, flat=True)
    for r in wanted:
        image = sheet(r)
        if image is None:
            continue
        r.compare = f"{kind}/{names[r.path]}"
        write_image(out / r.compare, image)


def write_report(out: Path, header: ReportHeader, rows: Sequence[ImageRow], metrics: Optional[dict] = None,
                 sheet: Optional[SheetFn] = None) -> List[str]:
    """Write the report's files into ``out`` (a staging folder: the caller renames it into
    place); ``sheet`` draws a row's compare image (None: rows keep the ``compare`` they
    have, files already in ``out``). Returns the names written."""
    if sheet is not None:
        write_compare_images(out, rows, sheet)
    atomic_write_text(out / "images.csv", images_csv(rows))
    atomic_write_text(out / "defects.csv", defects_csv(rows))
    atomic_write_text(out / "images.json", json_text({"header": header.to_dict(), "images": rows_json(rows)}))
    doc = build_document(header, rows, metrics, out)
    write_html(doc, out / "report.html")
    write_pdf(doc, out / "report.pdf")
    return ["report.html", "report.pdf", "images.csv", "defects.csv", "images.json"]

