"""Qt-free half of the live metrics: (ground truth, prediction) pairs from the cached
results, the evaluation built from them off the GUI thread, and the image-list
error filters. The Qt half (threads, debouncing, signals) is :mod:`app.metrics_glue`.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Callable, Dict, List, Optional, Sequence, Tuple

import numpy as np

from inspectors.errors import InspectorError
from inspectors.groundtruth import GroundTruthSet
from inspectors.metrics import ImageLevelCurve, LiveEvaluator
from inspectors.metrics.errors import CATEGORIES, segmentation_region_errors
from inspectors.metrics.pairing import Pairs, pair_with_ground_truth
from inspectors.metrics.segmentation import N_BINS, image_histogram
from inspectors.results import Result, Thresholds, defect_class_scores, is_defective

from .i18n import QT_TRANSLATE_NOOP, translate

#: Image-list filters from error analysis, per task: (label, key).
#: (the labels are marked for translation; :func:`filters_for` translates them)
IMAGE_LEVEL_FILTERS = [(QT_TRANSLATE_NOOP("Metrics", "Image-level false alarms"), "image_false_positive"),
                       (QT_TRANSLATE_NOOP("Metrics", "Image-level misses"), "image_missed")]
TASK_FILTERS: Dict[str, List[Tuple[str, str]]] = {
    "detection": [(QT_TRANSLATE_NOOP("Metrics", "False-positive boxes"), "false_positive"),
                  (QT_TRANSLATE_NOOP("Metrics", "Missed boxes"), "missed"),
                  (QT_TRANSLATE_NOOP("Metrics", "Wrong class"), "wrong_class"),
                  (QT_TRANSLATE_NOOP("Metrics", "Poor localisation"), "poor_localisation")],
    "segmentation": [(QT_TRANSLATE_NOOP("Metrics", "False-positive regions"), "false_positive_regions"),
                     (QT_TRANSLATE_NOOP("Metrics", "Missed regions"), "missed_regions")],
    "classification": [(QT_TRANSLATE_NOOP("Metrics", "Misclassified"), "misclassified")],
}
REGION_KEYS = ("false_positive_regions", "missed_regions")


class Unavailable(Exception):
    """No evaluation can be made; the message says why, for the empty state."""


ReadFn = Callable[[int, str], Optional[Result]]  # (store row, path) -> the full prediction


@dataclass(frozen=True)
class Snapshot:
    """What an evaluation is built from, taken in the GUI thread (cheap references); the
    full predictions are read in the worker through ``read``."""

    model: str
    rows: List[Tuple[int, str]]  # store row, image path of every inspected image
    read: ReadFn
    ground_truth: GroundTruthSet
    thresholds: Thresholds
    shares: Optional[SegmentationShares] = None  # kept between builds of one (folder, model, gt)


@dataclass
class Evaluation:
    """A LiveEvaluator over the pairs of one snapshot, plus threshold-free curves."""

    live: LiveEvaluator
    rows: np.ndarray  # store row of each pair
    snapshot: Snapshot
    curve: ImageLevelCurve
    pr_curves: List[dict]
    notes: List[str]
    first: dict  # at() at the snapshot's thresholds
    at_ms: float  # how long that at() took
    build_s: float

    @property
    def task(self) -> str:
        return self.live.task

    @property
    def num_pairs(self) -> int:
        return len(self.rows)


@dataclass(frozen=True)
class _Share:
    """One image's part of a segmentation evaluation; ``left`` names why it has none."""

    left: str = ""  # "" | "no_ground_truth" | "bad_ground_truth" | "wrong_size"
    index: Optional[np.ndarray] = None  # flat bins of image_histogram that are not zero
    count: Optional[np.ndarray] = None
    gt_defective: bool = False
    scores: Optional[np.ndarray] = None  # defect_class_scores in the ground truth's classes
    background_id: int = 0


class SegmentationShares:
    """Each inspected image's share of a segmentation evaluation (a sparse pixel histogram,
    its ground-truth verdict, its class scores), kept between rebuilds: a rebuild during
    a run decodes only the new results' masks, and no label map is held after its share
    is taken (10,000 strips of 1600x256 would be ~20 GB). Thread-safe: the GUI thread
    invalidates rows whose result changed while the worker fills others."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._shares: Dict[int, _Share] = {}
        self._generation: Dict[int, int] = {}
        self.notes: List[str] = []

    def invalidate(self, row: int) -> None:
        with self._lock:
            self._shares.pop(row, None)
            self._generation[row] = self._generation.get(row, 0) + 1

    def get(self, row: int) -> Tuple[Optional[_Share], int]:
        with self._lock:
            return self._shares.get(row), self._generation.get(row, 0)

    def put(self, row: int, generation: int, share: _Share) -> None:
        """Keep ``share`` unless the row's result changed since it was read."""
        with self._lock:
            if self._generation.get(row, 0) == generation:
                self._shares[row] = share

    def __len__(self) -> int:
        return len(self._shares)


def _pairs_of(gt: GroundTruthSet, items: Sequence[Tuple[int, str, Result]]) -> Pairs:
    try:
        return pair_with_ground_truth(gt, items)
    except InspectorError as e:
        raise Unavailable(str(e)) from None


def _share_of(gt: GroundTruthSet, row: int, path: str, pred: Result) -> Tuple[_Share, List[str]]:
    p = _pairs_of(gt, [(row, path, pred)])
    if not p.pairs:
        left = "no_ground_truth" if p.no_ground_truth else "bad_ground_truth" if p.bad_ground_truth else "wrong_size"
        return _Share(left), p.notes
    g, mapped = p.pairs[0]
    h = image_histogram(g, mapped, len(g.class_names)).ravel()
    nz = np.flatnonzero(h)
    return _Share("", nz.astype(np.int32), h[nz], is_defective(g), defect_class_scores(mapped),
                  mapped.background_id), p.notes


def _left_out_notes(counts: Dict[str, int]) -> List[str]:
    return Pairs(no_ground_truth=counts.get("no_ground_truth", 0), bad_ground_truth=counts.get("bad_ground_truth", 0),
                 wrong_size=counts.get("wrong_size", 0)).left_out()


def _segmentation_evaluation(snap: Snapshot, t0: float) -> Evaluation:
    gt = snap.ground_truth
    shares = snap.shares if snap.shares is not None else SegmentationShares()
    names = tuple(gt.class_names)
    size = len(names) * (len(names) + 1) * N_BINS
    rows, index, count, gt_def, scores = [], [], [], [], []
    left: Dict[str, int] = {}
    background_id = 0
    for r, path in snap.rows:
        share, generation = shares.get(r)
        if share is None:
            pred = snap.read(r, path)
            if pred is None:
                continue
            share, notes = _share_of(gt, r, path, pred)
            shares.notes += [n for n in notes if n not in shares.notes]
            shares.put(r, generation, share)
        if share.left:
            left[share.left] = left.get(share.left, 0) + 1
            continue
        rows.append(r)
        index.append(share.index)
        count.append(share.count)
        gt_def.append(share.gt_defective)
        scores.append(share.scores)
        background_id = share.background_id
    if not rows:
        raise Unavailable(no_ground_truth(len(snap.rows)))
    counts = np.bincount(np.concatenate(index), np.concatenate(count).astype(np.float64), minlength=size)
    live = LiveEvaluator.from_segmentation_counts(
        names, background_id, np.rint(counts).astype(np.int64).reshape(len(names), len(names) + 1, N_BINS),
        np.asarray(gt_def, bool), np.stack(scores))
    t1 = time.perf_counter()
    first = live.at(snap.thresholds)
    at_ms = (time.perf_counter() - t1) * 1000
    return Evaluation(live, np.asarray(rows, np.int64), snap, live.curve(), [], shares.notes + _left_out_notes(left),
                      first, at_ms, time.perf_counter() - t0)


def no_ground_truth(n: int) -> str:
    return translate("Metrics", "None of the {n} inspected images has ground truth.").format(n=n)


def read_items(snap: Snapshot, rows: Optional[Sequence[Tuple[int, str]]] = None) -> List[Tuple[int, str, Result]]:
    """(worker thread) The full predictions of ``rows`` (default: the snapshot's)."""
    items = []
    for r, path in snap.rows if rows is None else rows:
        res = snap.read(r, path)
        if res is not None:
            items.append((r, path, res))
    return items


def build_evaluation(snap: Snapshot) -> Evaluation:
    """Pairs, LiveEvaluator, curves and a first ``at()``: seconds for 10,000 images.

    Segmentation is summed image by image (:class:`SegmentationShares`); boxes and class
    probabilities are small and kept as pairs."""
    t0 = time.perf_counter()
    if not snap.rows:
        raise Unavailable(translate("Metrics", "No results yet: add a model (Ctrl+M) and run it (Ctrl+R)."))
    if snap.ground_truth.task == "segmentation":
        return _segmentation_evaluation(snap, t0)
    p = _pairs_of(snap.ground_truth, read_items(snap))
    p.notes += p.left_out()
    if not p.pairs:
        raise Unavailable(no_ground_truth(len(snap.rows)))
    live = LiveEvaluator(p.pairs, snap.ground_truth.task, difficult=p.difficult)
    pr = live.matches.pr_curves() if live.matches is not None else []
    t1 = time.perf_counter()
    first = live.at(snap.thresholds)
    at_ms = (time.perf_counter() - t1) * 1000
    return Evaluation(live, np.asarray(p.keys, np.int64), snap, live.curve(), pr, p.notes, first, at_ms,
                      time.perf_counter() - t0)


REGION_CHUNK = 32  # label maps held at once while counting regions


def region_errors(ev: Evaluation, thresholds: Thresholds) -> Dict[str, np.ndarray]:
    """Segmentation: store rows with false-positive / missed defect regions (slow: a worker;
    masks are read a few at a time)."""
    snap = ev.snapshot
    paths = dict(snap.rows)
    rows = [int(r) for r in ev.rows]
    hits: Dict[str, List[int]] = {k: [] for k in REGION_KEYS}
    for i in range(0, len(rows), REGION_CHUNK):
        p = _pairs_of(snap.ground_truth, read_items(snap, [(r, paths[r]) for r in rows[i:i + REGION_CHUNK]]))
        for key, region in zip(p.keys, segmentation_region_errors(p.pairs, thresholds)):
            for k in REGION_KEYS:
                if region[k] > 0:
                    hits[k].append(key)
    return {k: np.asarray(v, np.int64) for k, v in hits.items()}


def filters_for(task: str) -> List[Tuple[str, str]]:
    return [(translate("Metrics", label), key) for label, key in TASK_FILTERS.get(task, []) + IMAGE_LEVEL_FILTERS]


def filter_rows(ev: Evaluation, thresholds: Thresholds) -> Dict[str, np.ndarray]:
    """Store rows per error filter at ``thresholds`` (region filters: see :func:`region_errors`).

    Detection categories come from one ``per_image`` count (what ``images_with`` gives
    one category at a time); image-level ones from ``images_with``.
    """
    live = ev.live
    out = {key: ev.rows[live.images_with(thresholds, key)] for _label, key in IMAGE_LEVEL_FILTERS}
    if ev.task == "detection":
        counts = live.errors.per_image(live.effective(thresholds))
        for j, name in enumerate(CATEGORIES):
            out[name] = ev.rows[counts[:, j] > 0]
    elif ev.task == "classification":
        out["misclassified"] = ev.rows[live.classification.misclassified()]
    return out


def headline(task: str, at: dict) -> List[Tuple[str, Optional[float], str]]:
    """The task's headline numbers from an ``at()`` dict: (label, value or None, tooltip)."""
    m = at.get("metrics", {})
    if task == "segmentation":
        return [("mIoU", m.get("miou"), translate("Metrics", "mean IoU over all classes, background included (PaddleSeg)")),
                ("Dice", m.get("mdice"), translate("Metrics", "mean Dice over all classes")),
                (translate("Metrics", "Pixel acc."), m.get("accuracy"), translate("Metrics", "correct pixels / predicted pixels (PaddleSeg 'Acc')")),
                ("Kappa", m.get("kappa"), translate("Metrics", "Cohen's kappa of the pixel confusion matrix"))]
    if task == "detection":
        voc, coco = m.get("voc_map", {}), m.get("coco") or {}
        return [("VOC mAP@0.5", voc.get("area"), translate("Metrics", "all-point (area) interpolation, as PaddleDetection")),
                (translate("Metrics", "11-point"), voc.get("11point"), translate("Metrics", "VOC2007 11-point interpolation")),
                ("COCO mAP", coco.get("map"), translate("Metrics", "mAP@[.5:.95], pycocotools' matching")),
                (translate("Metrics", "Box recall"), m.get("totals", {}).get("recall"),
                 translate("Metrics", "matched ground-truth boxes at this threshold"))]
    topk = m.get("topk", {})
    k = max((int(x) for x in topk), default=1)
    return [(translate("Metrics", "Top-1 acc."), m.get("accuracy"), translate("Metrics", "share of images whose top class is right")),
            (translate("Metrics", "Top-{k} acc.").format(k=k), topk.get(str(k)),
             translate("Metrics", "ground-truth class among the {k} best").format(k=k)),
            (translate("Metrics", "Macro precision"), m.get("macro_precision"), translate("Metrics", "mean over classes with predictions")),
            (translate("Metrics", "Macro recall"), m.get("macro_recall"), translate("Metrics", "mean over classes with images"))]


def per_class_values(task: str, at: dict) -> Tuple[str, List[str], List[Optional[float]]]:
    """(title, class names, value per class) for the bar chart."""
    rows = at.get("metrics", {}).get("per_class", [])
    key, title = {"segmentation": ("iou", translate("Metrics", "IoU per class")),
                  "detection": ("ap_area", translate("Metrics", "AP@0.5 per class (at this threshold)"))}.get(
        task, ("recall", translate("Metrics", "Recall per class")))
    return title, [r["class_name"] for r in rows], [r.get(key) for r in rows]


def confusion(task: str, at: dict) -> Tuple[str, np.ndarray, Sequence[str], Sequence[str]]:
    """(title, matrix, row labels, column labels) of the confusion matrix to show."""
    names = at.get("class_names", [])
    if task == "detection":
        c = at["errors"]["confusion"]
        return translate("Metrics", "Boxes (IoU ≥ 0.5): ground truth ↓ vs predicted →"), np.asarray(c["matrix"]), c["rows"], c["columns"]
    title = translate("Metrics", "Pixels: ground truth ↓ vs predicted →") if task == "segmentation" else \
        translate("Metrics", "Images: ground truth ↓ vs predicted →")
    return title, np.asarray(at["metrics"]["confusion_matrix"]), names, names
