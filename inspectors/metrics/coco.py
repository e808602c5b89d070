"""COCO mAP@[.5:.95] through pycocotools, and a live replica of its bbox evaluation.

:func:`coco_map` builds the COCO objects in memory (image ids 1..N in pair order,
category id = class id + 1, boxes as float64 ``[x1, y1, x2 - x1, y2 - y1]``) and
runs ``COCOeval`` unchanged; it is the reference. pycocotools' C extension
segfaults (zlib, ``inflateReset2``) when first imported after ``paddle``; in that
state :func:`coco_map` uses the replica below instead (``"engine": "replica"``):
import pycocotools before paddle at start-up to keep the reference engine. :class:`CocoMatches` repeats its
matching once (area range "all", 100 detections per image and class, no crowd
boxes) and keeps per-class TP flags for the 10 IoU thresholds, so mAP at any
confidence threshold is a prefix computation, as for VOC (see ``detection``).
"""

from __future__ import annotations

import contextlib
import io
import sys
from typing import List, Sequence, Tuple

import numpy as np

from inspectors.metrics._common import Pair, ThresholdsLike, threshold_vector
from inspectors.results import DetectionResult

IOU_THRS = np.linspace(0.5, 0.95, int(np.round((0.95 - 0.5) / 0.05)) + 1, endpoint=True)
REC_THRS = np.linspace(0.0, 1.00, int(np.round((1.00 - 0.0) / 0.01)) + 1, endpoint=True)
MAX_DETS = 100


def xywh(boxes: np.ndarray) -> np.ndarray:
    b = np.asarray(boxes, np.float64).reshape(-1, 4)
    return np.stack([b[:, 0], b[:, 1], b[:, 2] - b[:, 0], b[:, 3] - b[:, 1]], axis=1)


def to_coco(pairs: Sequence[Pair]) -> Tuple[dict, List[dict]]:
    """In-memory COCO ground-truth dataset and detection list for ``pairs``."""
    names = pairs[0][0].class_names
    images, anns, dets = [], [], []
    for i, (gt, pred) in enumerate(pairs, start=1):
        h, w = gt.image_size
        images.append({"id": i, "height": h, "width": w})
        for box, c in zip(xywh(gt.boxes), gt.class_ids):
            anns.append({
                "id": len(anns) + 1, "image_id": i, "category_id": int(c) + 1,
                "bbox": box.tolist(), "area": float(box[2] * box[3]), "iscrowd": 0,
            })
        for box, c, s in zip(xywh(pred.boxes), pred.class_ids, pred.scores):
            dets.append({"image_id": i, "category_id": int(c) + 1, "bbox": box.tolist(), "score": float(s)})
    cats = [{"id": c + 1, "name": n} for c, n in enumerate(names)]
    return {"images": images, "annotations": anns, "categories": cats}, dets


def _nan(v: float) -> float:
    return float("nan") if v < 0 else float(v)


def pycocotools_loadable() -> bool:
    """False when importing pycocotools now would crash the process (paddle first)."""
    return "pycocotools._mask" in sys.modules or "paddle" not in sys.modules


def coco_map(pairs: Sequence[Pair], thresholds: ThresholdsLike = None) -> dict:
    """COCO bbox mAP@[.5:.95], AP50, AP75 and per-class AP via pycocotools.

    NaN where undefined (no ground truth); 0.0 when there is ground truth but no
    prediction at all (pycocotools itself cannot load an empty result list).
    """
    pairs = [(gt, pred.filtered(thresholds)) for gt, pred in pairs]
    if not pycocotools_loadable():
        return CocoMatches(pairs).summary(None)
    from pycocotools.coco import COCO
    from pycocotools.cocoeval import COCOeval

    names = pairs[0][0].class_names
    dataset, dets = to_coco(pairs)
    has_gt = np.bincount(
        [a["category_id"] - 1 for a in dataset["annotations"]], minlength=len(names)
    ) > 0
    if not dets:
        ap = np.where(has_gt, 0.0, np.nan)
        m = float(np.mean(ap[has_gt])) if has_gt.any() else float("nan")
        return {**_coco_dict(names, m, m, m, ap, ap), "engine": "pycocotools"}
    with contextlib.redirect_stdout(io.StringIO()):
        coco_gt = COCO()
        coco_gt.dataset = dataset
        coco_gt.createIndex()
        ev = COCOeval(coco_gt, coco_gt.loadRes(dets), "bbox")
        ev.evaluate()
        ev.accumulate()
        ev.summarize()
    prec = ev.eval["precision"][:, :, :, 0, -1]  # (T, R, K), area "all", 100 dets
    ap = np.array([prec[:, :, k].mean() if (prec[:, :, k] > -1).all() else np.nan for k in range(len(names))])
    ap50 = np.array([prec[0, :, k].mean() if (prec[0, :, k] > -1).all() else np.nan for k in range(len(names))])
    return {**_coco_dict(names, _nan(ev.stats[0]), _nan(ev.stats[1]), _nan(ev.stats[2]), ap, ap50),
            "engine": "pycocotools"}


def _coco_dict(names, m, m50, m75, ap, ap50) -> dict:
    return {
        "map": m, "map50": m50, "map75": m75,
        "per_class": [
            {"class_id": i, "class_name": n, "ap": float(ap[i]), "ap50": float(ap50[i])}
            for i, n in enumerate(names)
        ],
    }


def coco_iou(d: np.ndarray, g: np.ndarray) -> np.ndarray:
    """pycocotools' ``bbIou`` (xywh boxes, no crowd), same float64 operations."""
    da, ga = d[:, 2] * d[:, 3], g[:, 2] * g[:, 3]
    w = np.minimum(d[:, None, 2] + d[:, None, 0], g[None, :, 2] + g[None, :, 0]) - np.maximum(
        d[:, None, 0], g[None, :, 0]
    )
    h = np.minimum(d[:, None, 3] + d[:, None, 1], g[None, :, 3] + g[None, :, 1]) - np.maximum(
        d[:, None, 1], g[None, :, 1]
    )
    inter = w * h
    with np.errstate(divide="ignore", invalid="ignore"):
        o = inter / ((da[:, None] + ga[None, :]) - inter)
    o[(w <= 0) | (h <= 0)] = 0.0
    return o


def _greedy(ious: np.ndarray) -> np.ndarray:
    """TP flags (T, D) of score-sorted detections against one image's boxes of a class."""
    n_det, n_gt = ious.shape
    thr = np.minimum(IOU_THRS, 1 - 1e-10)[:, None]
    rows = np.arange(len(IOU_THRS))
    taken = np.zeros((len(IOU_THRS), n_gt), bool)
    tps = np.zeros((len(IOU_THRS), n_det), bool)
    for d in range(n_det):
        cand = (ious[d][None, :] >= thr) & ~taken
        vals = np.where(cand, ious[d][None, :], -1.0)
        j = n_gt - 1 - np.argmax(vals[:, ::-1], axis=1)  # last best box, as pycocotools
        ok = cand[rows, j]
        taken[rows[ok], j[ok]] = True
        tps[ok, d] = True
    return tps


class CocoMatches:
    """pycocotools' matching done once; COCO mAP at any confidence threshold."""

    def __init__(self, pairs: Sequence[Pair]) -> None:
        self.class_names = pairs[0][0].class_names
        c = len(self.class_names)
        self.num_gt = np.zeros(c, np.int64)
        scores: List[List[np.ndarray]] = [[] for _ in range(c)]
        flags: List[List[np.ndarray]] = [[] for _ in range(c)]
        for gt, pred in pairs:
            self.num_gt += np.bincount(gt.class_ids, minlength=c)
            _match_image(gt, pred, scores, flags)
        self.scores, self.tps, self._neg = [], [], []
        for k in range(c):
            s = np.concatenate(scores[k]) if scores[k] else np.zeros(0, np.float32)
            f = np.concatenate(flags[k], axis=1) if flags[k] else np.zeros((len(IOU_THRS), 0), bool)
            order = np.argsort(-s, kind="mergesort")
            self.scores.append(s[order])
            self.tps.append(f[:, order])
            self._neg.append(-s[order])

    def class_ap(self, k: int, n: int) -> Tuple[float, float, float]:
        """(AP@[.5:.95], AP50, AP75) of class ``k`` over its first ``n`` detections."""
        npig = int(self.num_gt[k])
        if npig == 0:
            return (float("nan"),) * 3
        tps = self.tps[k][:, :n]
        tp = np.cumsum(tps, axis=1).astype(float)
        fp = np.cumsum(~tps, axis=1).astype(float)
        rc = tp / npig
        pr = tp / (fp + tp + np.spacing(1))
        pr = np.maximum.accumulate(pr[:, ::-1], axis=1)[:, ::-1] if n else pr
        q = np.zeros((len(IOU_THRS), len(REC_THRS)))
        for t in range(len(IOU_THRS)):
            inds = np.searchsorted(rc[t], REC_THRS, side="left")
            ok = inds < n
            q[t, ok] = pr[t, inds[ok]]
        per_t = q.mean(axis=1)
        return float(per_t.mean()), float(per_t[0]), float(per_t[5])

    def summary(self, thresholds: ThresholdsLike = None) -> dict:
        thr = threshold_vector(thresholds, self.class_names)
        n = [int(np.searchsorted(neg, -t, side="right")) for neg, t in zip(self._neg, thr)]
        res = np.array([self.class_ap(k, n[k]) for k in range(len(self.class_names))])
        valid = self.num_gt > 0
        means = res[valid].mean(axis=0) if valid.any() else np.full(3, np.nan)
        return {**_coco_dict(self.class_names, *means, res[:, 0], res[:, 1]), "engine": "replica"}


def _match_image(gt: DetectionResult, pred: DetectionResult, scores, flags) -> None:
    if not len(pred):
        return
    g_all, d_all = xywh(gt.boxes), xywh(pred.boxes)
    for k in np.unique(pred.class_ids):
        idx = np.flatnonzero(pred.class_ids == k)
        idx = idx[np.argsort(-pred.scores[idx], kind="mergesort")][:MAX_DETS]
        g = g_all[gt.class_ids == k]
        if len(g):
            tps = _greedy(coco_iou(d_all[idx], g))
        else:
            tps = np.zeros((len(IOU_THRS), len(idx)), bool)
        scores[k].append(pred.scores[idx])
        flags[k].append(tps)
