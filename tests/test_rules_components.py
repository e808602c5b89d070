"""Decision rules: connected components (vs a pure-Python flood fill and OpenCV) and the
compact defect tables (rows per task, pack round trip)."""

from __future__ import annotations

import math

import cv2
import numpy as np
import pytest

from inspectors.results import (
    ClassificationResult,
    SegmentationResult,
    is_defective,
)
from inspectors.rules import (
    RulesError,
    class_components,
    defect_table,
    pack_table,
    unpack_table,
)
from tests.rules_helpers import det, flood_components, random_label_map, seg


# ------------------------------------------------------------------ connected components
@pytest.mark.parametrize("seed", range(12))
def test_components_equal_a_flood_fill_and_opencv_on_every_pixel(seed):
    rng = np.random.default_rng(seed)
    lm = random_label_map(rng, density=float(rng.uniform(0.1, 0.6)))
    conf = rng.uniform(0, 1, lm.shape).astype(np.float32)
    comp = class_components(lm, conf, 3)
    expected = {(c, px) for c, px in flood_components(lm)}
    got = set()
    for k in range(len(comp)):
        pixels = frozenset(zip(*np.nonzero(comp.labels == k + 1)))
        got.add((int(comp.class_ids[k]), pixels))
        ys, xs = np.array(sorted(pixels)).T
        assert comp.areas[k] == len(pixels)
        assert comp.scores[k] == conf[ys, xs].max()
        assert np.allclose(comp.centroids[k], [xs.mean() + 0.5, ys.mean() + 0.5])
        assert comp.boxes[k].tolist() == [xs.min(), ys.min(), xs.max() + 1, ys.max() + 1]
        # runs rebuild exactly this component
        runs = comp.runs[comp.run_offsets[k]:comp.run_offsets[k + 1]]
        rebuilt = {(int(y), x) for y, a, b in runs for x in range(a, b)}
        assert rebuilt == set(pixels)
        # rotated box: OpenCV on all four corners of every pixel (not just the contour)
        corners = np.array([(x + dx, y + dy) for y, x in pixels for dx in (0, 1) for dy in (0, 1)], np.float32)
        (_c, (w, h), _a) = cv2.minAreaRect(corners)
        assert sorted(comp.rects[k, :2]) == pytest.approx(sorted([w, h]), abs=1e-3)
    assert got == expected
    assert len(comp.runs) == comp.run_offsets[-1]


def test_component_geometry_by_hand():
    lm = np.zeros((40, 60), np.uint8)
    lm[2:5, 3:13] = 1  # a 10 x 3 rectangle of pits
    for i in range(8):  # a 45-degree scratch of 8 pixels
        lm[20 + i, 30 + i] = 2
    lm[30, 50] = 1  # a single pixel
    table = defect_table(seg(lm))
    rows = {(int(r["cls"]), int(r["area"])): r for r in table.defects}
    rect = rows[(1, 30)]
    assert rect["length"] == pytest.approx(10) and sorted([rect["side_a"], rect["side_b"]]) == pytest.approx([3, 10])
    assert (rect["cx"], rect["cy"]) == (8.0, 3.5)
    line = rows[(2, 8)]
    assert line["length"] == pytest.approx(8 * math.sqrt(2), abs=1e-4)  # corner to corner
    assert min(line["side_a"], line["side_b"]) == pytest.approx(math.sqrt(2), abs=1e-4)
    dot = rows[(1, 1)]
    assert (dot["length"], dot["x1"], dot["y1"], dot["x2"], dot["y2"]) == (1, 50, 30, 51, 31)
    assert all(r["score"] == 1.0 for r in table.defects)  # no confidence map: 1.0, as defect_score


def test_background_and_ignore_are_not_defects():
    lm = np.full((10, 10), 2, np.uint8)  # class 2 is the background here
    lm[0, 0] = 255
    r = SegmentationResult(lm, ("a", "b", "c"), background_id=2)
    assert len(defect_table(r)) == 0 and not is_defective(r)
    lm[5, 5] = 0
    r = SegmentationResult(lm, ("a", "b", "c"), background_id=2)
    t = defect_table(r)
    assert t.defects["cls"].tolist() == [0] and t.defects["area"].tolist() == [1] and is_defective(r)


def test_detection_and_classification_rows():
    d = det([[10, 20, 40, 30]], [0.7], [1])
    row = defect_table(d).defects[0]
    assert (row["area"], row["length"], row["cx"], row["cy"]) == (300, 30, 25, 25)
    clean = ClassificationResult([0.1, 0.2, 0.7], ("crazing", "scratches", "ok"))
    assert len(defect_table(clean)) == 0
    bad = defect_table(ClassificationResult([0.6, 0.3, 0.1], ("crazing", "scratches", "ok")))
    assert len(bad) == 1 and bad.defects[0]["score"] == np.float32(0.6) and np.isnan(bad.defects[0]["area"])


def test_pack_round_trip_small_and_large_images():
    rng = np.random.default_rng(1)
    for shape in ((30, 40), (3, 70000)):  # the second needs 32-bit runs
        lm = random_label_map(rng, shape)
        t = defect_table(seg(lm, rng.uniform(size=shape)))
        back = unpack_table(pack_table(t))
        assert back.image_size == shape and back.task == "segmentation"
        assert back.defects.tobytes() == t.defects.tobytes()
        assert np.array_equal(back.runs, t.runs) and np.array_equal(back.run_offsets, t.run_offsets)
    for r in (det([], [], []), det([[1, 2, 3, 4]], [0.5], [2])):
        assert unpack_table(pack_table(defect_table(r))).defects.tobytes() == defect_table(r).defects.tobytes()
    with pytest.raises(RulesError, match="unreadable"):
        unpack_table(b"nonsense bytes that are not a table")
