"""Connected components: the one place the project splits a mask into regions.

:func:`regions_of` is the primitive (8-connectivity, OpenCV), used by the rules and the
metrics' region errors alike. :func:`class_components` splits a segmentation label map into
its defects: the components of each defect class, with what the rules measure of each
(area, score, centroid, box, rotated box) and the pixels as run lengths, so a region of
interest can be applied later without the label map.

Geometry convention (the same as boxes): pixel (column i, row j) covers
``[i, i+1) x [j, j+1)``; a centroid is the mean of pixel centres; the rotated box is the
smallest one around the pixel squares (``cv2.minAreaRect`` of their corners), so a
10-pixel horizontal line is 10 x 1.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import List, Optional, Tuple

import cv2
import numpy as np

CONNECTIVITY = 8
_CORNERS = np.array([[0, 0], [1, 0], [0, 1], [1, 1]], np.int32)


def regions_of(mask: np.ndarray) -> Tuple[int, np.ndarray, np.ndarray, np.ndarray]:
    """``cv2.connectedComponentsWithStats`` of a boolean mask with 8-connectivity:
    (count including the background label 0, int32 labels, stats, centroids)."""
    return cv2.connectedComponentsWithStats(np.ascontiguousarray(mask, np.uint8), connectivity=CONNECTIVITY)


@dataclass(frozen=True, eq=False)
class Components:
    """The defects of one label map; row ``k`` is the pixels where ``labels == k + 1``."""

    labels: np.ndarray  # (H, W) int32, 0 = no defect
    class_ids: np.ndarray  # (n,) int32
    areas: np.ndarray  # (n,) int64 pixels
    scores: np.ndarray  # (n,) float32: the component's highest confidence (1.0 without one)
    centroids: np.ndarray  # (n, 2) float64 (x, y)
    boxes: np.ndarray  # (n, 4) int32 x1, y1, x2, y2 (x2, y2 exclusive)
    rects: np.ndarray  # (n, 3) float32: side a, side b (px), angle of side a (radians)
    runs: np.ndarray  # (r, 3) int32 (row, x0, x1 exclusive), grouped by component, raster order
    run_offsets: np.ndarray  # (n + 1,) int64: component k's runs are runs[off[k]:off[k + 1]]

    def __len__(self) -> int:
        return len(self.class_ids)


def rotated_box(points: np.ndarray) -> Tuple[float, float, float]:
    """(side a, side b, angle of side a in radians) of the smallest rotated box around the
    pixel squares at ``points`` ((N, 2) integer x, y)."""
    corners = (points[:, None, :] + _CORNERS[None]).reshape(-1, 2).astype(np.float32)
    p = cv2.boxPoints(cv2.minAreaRect(corners))
    e1, e2 = p[1] - p[0], p[2] - p[1]
    return float(np.hypot(*e1)), float(np.hypot(*e2)), float(np.arctan2(e1[1], e1[0]))


def _runs(glob: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
    """Row runs of equal nonzero labels: (rows, x0, x1 exclusive, label) in raster order."""
    h, w = glob.shape
    starts = np.ones((h, w), bool)
    starts[:, 1:] = glob[:, 1:] != glob[:, :-1]
    ends = np.ones((h, w), bool)
    ends[:, :-1] = glob[:, :-1] != glob[:, 1:]
    on = glob > 0
    ys, x0 = np.nonzero(starts & on)
    _ye, xe = np.nonzero(ends & on)
    return np.stack([ys, x0, xe + 1], axis=1).astype(np.int32), glob[ys, x0]


def class_components(label_map: np.ndarray, confidence: Optional[np.ndarray], num_classes: int,
                     background_id: int = 0, ignore_index: int = 255) -> Components:
    """The connected components of each defect class (all classes but the background and
    the ignore label), in class order, then in OpenCV's label order (first pixel in raster
    order)."""
    lm = np.asarray(label_map)
    h, w = lm.shape
    glob = np.zeros((h, w), np.int32)
    present = np.flatnonzero(np.bincount(lm.ravel(), minlength=num_classes)[:num_classes])
    cls: List[np.ndarray] = []
    stats_all: List[np.ndarray] = []
    cents: List[np.ndarray] = []
    rects: List[Tuple[float, float, float]] = []
    n_total = 0
    for c in present:
        if c in (background_id, ignore_index):
            continue
        binary = (lm == c).astype(np.uint8)
        n, lab, stats, cent = regions_of(binary)
        if n <= 1:
            continue
        on = lab > 0
        glob[on] = lab[on] + n_total
        cls.append(np.full(n - 1, c, np.int32))
        stats_all.append(stats[1:])
        cents.append(cent[1:])
        contours, _ = cv2.findContours(binary, cv2.RETR_LIST, cv2.CHAIN_APPROX_NONE)
        groups: List[List[np.ndarray]] = [[] for _ in range(n - 1)]
        for cnt in contours:  # every contour point is a pixel of one component
            pts = cnt.reshape(-1, 2)
            groups[int(lab[pts[0, 1], pts[0, 0]]) - 1].append(pts)
        for k in range(n - 1):
            bw, bh, area = stats[k + 1, [cv2.CC_STAT_WIDTH, cv2.CC_STAT_HEIGHT, cv2.CC_STAT_AREA]]
            if area == bw * bh:  # a filled axis-aligned rectangle (a speckle pixel): its own box
                rects.append((float(bw), float(bh), 0.0))
            else:
                rects.append(rotated_box(np.concatenate(groups[k])))
        n_total += n - 1
    if not n_total:
        return Components(glob, np.zeros(0, np.int32), np.zeros(0, np.int64), np.zeros(0, np.float32),
                          np.zeros((0, 2)), np.zeros((0, 4), np.int32), np.zeros((0, 3), np.float32),
                          np.zeros((0, 3), np.int32), np.zeros(1, np.int64))
    stats = np.concatenate(stats_all)
    runs, ids = _runs(glob)
    order = np.argsort(ids, kind="stable")
    counts = np.bincount(ids, minlength=n_total + 1)[1:]
    offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    if confidence is None:
        scores = np.ones(n_total, np.float32)
    else:  # max over each run (segments of the flat array), then over each component's runs
        flat = np.append(np.asarray(confidence, np.float32).ravel(), np.float32(0))
        idx = np.empty(2 * len(runs), np.int64)
        idx[0::2] = runs[:, 0].astype(np.int64) * w + runs[:, 1]
        idx[1::2] = runs[:, 0].astype(np.int64) * w + runs[:, 2]
        run_max = np.maximum.reduceat(flat, idx)[0::2]
        scores = np.maximum.reduceat(run_max[order], offsets[:-1]).astype(np.float32)
    x, y, bw, bh = (stats[:, i] for i in (cv2.CC_STAT_LEFT, cv2.CC_STAT_TOP, cv2.CC_STAT_WIDTH,
                                          cv2.CC_STAT_HEIGHT))
    return Components(
        labels=glob,
        class_ids=np.concatenate(cls),
        areas=stats[:, cv2.CC_STAT_AREA].astype(np.int64),
        scores=scores,
        centroids=np.concatenate(cents) + 0.5,
        boxes=np.stack([x, y, x + bw, y + bh], axis=1).astype(np.int32),
        rects=np.array(rects, np.float32).reshape(-1, 3),
        runs=np.ascontiguousarray(runs[order]),
        run_offsets=offsets,
    )
