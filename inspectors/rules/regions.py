"""Regions of interest: where a defect counts.

Everything goes through one boolean "allowed" mask per image size (:func:`allowed_mask`):
the union of the include polygons and masks (the whole image without any) minus the union
of the exclude ones. Polygons are filled by the even-odd rule at pixel centres (a pixel is
inside when its centre ``(i + 0.5, j + 0.5)`` is), so what is drawn is what is tested.
A defect is outside when its centroid's pixel is not allowed (centroid mode) or when less
than ``min_overlap`` of its pixels are (overlap mode: segmentation runs, detection boxes
by the pixels whose centres they hold). Classification has no geometry: never outside.
"""

from __future__ import annotations

import functools
from typing import List, Optional, Tuple

import numpy as np

from .defects import DefectTables
from .rulefile import check_polygon
from .types import Polygon, Regions, RulesError


def fill_polygon(points: Polygon, size: Tuple[int, int]) -> np.ndarray:
    """(H, W) bool: pixels whose centre is inside the polygon (even-odd rule; a centre
    exactly on an edge follows the half-open rule of the crossing test)."""
    h, w = size
    p = np.asarray(points, np.float64)
    x0, y0 = p[:, 0], p[:, 1]
    x1, y1 = np.roll(x0, -1), np.roll(y0, -1)
    yc = np.arange(h, dtype=np.float64)[:, None] + 0.5
    lo, hi = np.minimum(y0, y1), np.maximum(y0, y1)
    crosses = (lo <= yc) & (yc < hi)  # (H, E) half-open: a vertex is counted once
    with np.errstate(divide="ignore", invalid="ignore"):
        xs = x0 + (yc - y0) * (x1 - x0) / (y1 - y0)
    xs = np.where(crosses, xs, np.inf)
    xs.sort(axis=1)
    k = int(crosses.sum(axis=1).max(initial=0))
    diff = np.zeros((h, w + 1), np.int32)
    rows = np.arange(h)
    for j in range(0, k - 1, 2):  # pairs of crossings: columns with a <= i + 0.5 < b
        a, b = xs[:, j], xs[:, j + 1]
        valid = np.isfinite(b)
        start = np.clip(np.ceil(a[valid] - 0.5), 0, w).astype(np.int64)
        end = np.clip(np.ceil(b[valid] - 0.5), 0, w).astype(np.int64)
        np.add.at(diff, (rows[valid], start), 1)
        np.add.at(diff, (rows[valid], end), -1)
    return np.cumsum(diff[:, :w], axis=1) > 0


def check_regions(regions: Regions, size: Tuple[int, int]) -> None:
    """RulesError naming the key when a polygon leaves, or a mask differs from, a
    ``size`` image (what :func:`allowed_mask` refuses)."""
    for key, polys in (("regions.include", regions.include), ("regions.exclude", regions.exclude)):
        for i, poly in enumerate(polys):
            check_polygon(poly, f"{key}[{i}]", size)
    for key, masks in (("regions.include_mask", regions.include_masks),
                       ("regions.exclude_mask", regions.exclude_masks)):
        for m in masks:
            if m.pixels.shape != tuple(size):
                raise RulesError(f"{key}: {m.path} is {m.pixels.shape[1]}x{m.pixels.shape[0]}, "
                                 f"the image {size[1]}x{size[0]}")


@functools.lru_cache(maxsize=16)
def allowed_mask(regions: Regions, size: Tuple[int, int]) -> Optional[np.ndarray]:
    """(H, W) read-only bool where defects count, None when the regions are empty."""
    if not regions.active:
        return None
    size = (int(size[0]), int(size[1]))
    check_regions(regions, size)
    if regions.include or regions.include_masks:
        allowed = np.zeros(size, bool)
        for poly in regions.include:
            allowed |= fill_polygon(poly, size)
        for m in regions.include_masks:
            allowed |= m.pixels
    else:
        allowed = np.ones(size, bool)
    for poly in regions.exclude:
        allowed &= ~fill_polygon(poly, size)
    for m in regions.exclude_masks:
        allowed &= ~m.pixels
    allowed.flags.writeable = False
    return allowed


def _box_pixels(lo: np.ndarray, hi: np.ndarray, n: int) -> Tuple[np.ndarray, np.ndarray]:
    """First and end (exclusive) pixel index whose centre lies in ``[lo, hi)``."""
    return (np.clip(np.ceil(lo - 0.5), 0, n).astype(np.int64),
            np.clip(np.ceil(hi - 0.5), 0, n).astype(np.int64))


def _size_groups(tables: DefectTables) -> Tuple[List[Tuple[int, int]], np.ndarray]:
    """The distinct image sizes of rows with geometry, and each row's index into them
    (-1: no geometry, classification); cached on ``tables``."""
    key = ("size_groups",)
    if key not in tables.cache:
        sizes = tables.image_sizes.astype(np.int64)
        uniq, per_image = np.unique((sizes[:, 0] << 32) | sizes[:, 1], return_inverse=True)
        row = per_image[tables.image_of]
        geometric = np.isfinite(tables.column("cx"))
        used = np.unique(row[geometric])
        index = np.full(len(uniq), -1, np.int32)
        index[used] = np.arange(len(used), dtype=np.int32)
        group = np.where(geometric, index[row], -1).astype(np.int32)
        tables.cache[key] = ([(int(uniq[g] >> 32), int(uniq[g] & 0xFFFFFFFF)) for g in used], group)
    return tables.cache[key]  # type: ignore[return-value]


def outside(tables: DefectTables, regions: Regions) -> np.ndarray:
    """(M,) bool: rows outside the regions (cached per regions value on ``tables``).
    RulesError (nothing decided) when a region does not fit one of the images."""
    key = ("outside", regions)
    if key in tables.cache:
        return tables.cache[key]
    m = len(tables.defects)
    out = np.zeros(m, bool)
    if regions.active and m:
        sizes, group = _size_groups(tables)
        masks = [allowed_mask(regions, s) for s in sizes]  # all checked before any is used
        frac = _overlap_fractions(tables, sizes, group, masks) if regions.mode == "overlap" else None
        cx, cy = tables.column("cx"), tables.column("cy")
        for g, (s, allowed) in enumerate(zip(sizes, masks)):
            rows = np.flatnonzero(group == g) if len(sizes) > 1 or (group < 0).any() else None
            if frac is not None:
                f = frac if rows is None else frac[rows]
                by_centroid = np.isnan(f)  # a box that holds no pixel centre
                take = np.arange(m) if rows is None else rows
                out[take[~by_centroid]] = f[~by_centroid] < np.float32(regions.min_overlap)
                rows = take[by_centroid]
            x, y = (cx, cy) if rows is None else (cx[rows], cy[rows])
            px = np.clip(np.floor(x), 0, s[1] - 1).astype(np.intp)
            py = np.clip(np.floor(y), 0, s[0] - 1).astype(np.intp)
            if rows is None:
                out = ~allowed[py, px]
            else:
                out[rows] = ~allowed[py, px]
    out.flags.writeable = False
    tables.cache[key] = out
    return out


def _run_index(tables: DefectTables, sizes, group: np.ndarray) -> Tuple[Optional[np.ndarray], np.ndarray, np.ndarray]:
    """Per run, computed once: its size group (None: one size), and the flat indices of its
    ends in a (H, W + 1) row-wise prefix sum of its image's size."""
    key = ("run_index",)
    if key not in tables.cache:
        big = max((h * (w + 1) for h, w in sizes), default=0) >= 2 ** 31
        y = tables.runs[:, 0].astype(np.int64 if big else np.int32)
        if len(sizes) == 1:
            run_group = None
            y *= sizes[0][1] + 1
        else:
            counts = np.diff(tables.run_offsets)
            run_group = np.repeat(group, counts)
            y *= np.repeat(tables.image_sizes[tables.image_of, 1] + 1, counts).astype(y.dtype)
        tables.cache[key] = (run_group, y + tables.runs[:, 1], y + tables.runs[:, 2])
    return tables.cache[key]  # type: ignore[return-value]


def _overlap_fractions(tables: DefectTables, sizes, group: np.ndarray, masks) -> np.ndarray:
    """(M,) float32 share of each row's pixels that are allowed (NaN: no pixel to count)."""
    m = len(tables.defects)
    inside = np.zeros(m, np.float64)
    total = np.zeros(m, np.float64)
    counts = np.diff(tables.run_offsets)
    with_runs = np.flatnonzero(counts > 0)
    if len(with_runs):  # segmentation: runs against a row-wise prefix sum of the allowed mask
        run_group, start, end = _run_index(tables, sizes, group)
        got = np.zeros(len(start), np.int64)
        for g, (s, allowed) in enumerate(zip(sizes, masks)):
            cum = np.zeros((s[0], s[1] + 1), np.int32)
            np.cumsum(allowed, axis=1, out=cum[:, 1:])
            flat = cum.ravel()
            if run_group is None:
                got = flat[end] - flat[start]
            else:
                sel = run_group == g
                got[sel] = flat[end[sel]] - flat[start[sel]]
        inside[with_runs] = np.add.reduceat(got, tables.run_offsets[with_runs])
        total[with_runs] = tables.column("area")[with_runs]
    boxes = np.flatnonzero((counts == 0) & (group >= 0))
    for g, (s, allowed) in enumerate(zip(sizes, masks)):  # detection: a summed-area table
        rows = boxes[group[boxes] == g]
        if not len(rows):
            continue
        sat = np.zeros((s[0] + 1, s[1] + 1), np.int64)
        sat[1:, 1:] = allowed.cumsum(0).cumsum(1)
        c0, c1 = _box_pixels(tables.column("x1")[rows], tables.column("x2")[rows], s[1])
        r0, r1 = _box_pixels(tables.column("y1")[rows], tables.column("y2")[rows], s[0])
        inside[rows] = sat[r1, c1] - sat[r0, c1] - sat[r1, c0] + sat[r0, c0]
        total[rows] = (r1 - r0) * (c1 - c0)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(total > 0, inside / total, np.nan).astype(np.float32)
