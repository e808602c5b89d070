"""Decision rules (issue 13), the Qt-free core: hand-built cases for every rule and their
combinations, checked against independent computations (a pure-Python flood fill, OpenCV
on all pixel corners, shapely for polygons, a per-defect reference decider written here),
the band ``T_low = T_high`` against ``is_defective``. Components and defect tables:
test_rules_components.py; the rules file: test_rules_file.py."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
import shapely
from shapely.geometry import Polygon as ShapelyPolygon

from inspectors.results import (
    ClassificationResult,
    DetectionResult,
    Thresholds,
    defect_class_scores,
    flagged_classes,
    is_defective,
)
from inspectors.rules import (
    NO_RESULT,
    Band,
    Calibration,
    ClassRule,
    DefectTables,
    Ignored,
    Regions,
    Rules,
    RulesError,
    allowed_mask,
    bind,
    class_components,
    decide,
    decide_many,
    decide_result,
    defect_table,
    fill_polygon,
    load_rules,
    parse_rules,
    simple_rules,
)
from tests.rules_helpers import (
    DET,
    NG,
    OK,
    REVIEW,
    SEG,
    det,
    flood_components,
    random_label_map,
    seg,
    verdict,
)
from tests.test_one_rule import random_results


# ------------------------------------------------------------------ T_low = T_high is today's decision
def random_thresholds(rng, names):
    default = float(np.round(rng.uniform(0, 1), 2))
    per = {}
    if rng.uniform() < 0.5:
        c = int(rng.integers(0, len(names)))
        per[c if rng.uniform() < 0.5 else names[c]] = float(np.round(rng.uniform(0, 1), 2))
    return Thresholds(default, per)


def test_equal_band_is_is_defective_on_random_results():
    rng = np.random.default_rng(13)
    results = random_results(rng, 300)
    for task in ("detection", "segmentation", "classification"):
        preds = [r for r in results if r.task == task]
        names = preds[0].class_names
        tables = DefectTables.stack([defect_table(p) for p in preds])
        scores = np.stack([defect_class_scores(p) for p in preds])
        for k in range(30):
            t = random_thresholds(rng, names)
            if k % 3 == 0:  # a threshold exactly at a score: the float32 tie
                finite = scores[np.isfinite(scores)]
                t = Thresholds(float(rng.choice(finite)) if finite.size else 0.5)
            expected = np.array([is_defective(p, t) for p in preds])
            for rules in (Rules(), Rules(default=ClassRule(band=Band(t.default, t.default))))[: 1 + (not t.per_class)]:
                v = decide_many(tables, bind(rules, names, t))
                assert set(v.verdict.tolist()) <= {int(OK), int(NG)}
                assert np.array_equal(v.verdict == NG, expected), (task, t)
                assert np.array_equal(v.ng_causes > 0, flagged_classes(scores, t, names))


def test_band_boundaries_compare_in_float32():
    d = det([[0, 0, 5, 5]], [0.7], [0])
    assert verdict(d, simple_rules(review=(0.7, 0.7))) == NG  # float32(0.7) >= float32(0.7)
    assert verdict(d, simple_rules(review=(0.7, 0.8))) == REVIEW  # exactly T_low: kept
    assert verdict(d, simple_rules(review=(0.71, 0.8))) == OK
    assert verdict(d, Rules(), base=0.7) == NG and d.is_defective(0.7)


# ------------------------------------------------------------------ every rule by hand
def test_review_band_per_class_and_default():
    d = det([[0, 0, 10, 10], [20, 20, 30, 30]], [0.55, 0.3], [0, 1])
    assert verdict(d, simple_rules(review=(0.5, 0.6))) == REVIEW
    assert verdict(d, simple_rules(review=(0.2, 0.5))) == NG
    assert verdict(d, simple_rules(review=(0.6, 0.9))) == OK
    per = parse_rules("default: {review: [0.6, 0.9]}\nclasses:\n  scratch: {review: [0.25, 0.3]}\n")
    assert verdict(d, per) == NG  # the scratch's own band
    dec = decide_result(d, bind(per, DET, 0.5))
    assert [x.level for x in dec.defects] == [None, "NG"] and dec.defects[0].ignored == ("score 0.55 < T_low 0.6",)
    assert dec.reasons == ("scratch: score 0.3 >= T_high 0.3 (NG)",)
    # a class without a band anywhere keeps the caller's threshold (the app's per-class slider)
    only_scratch = parse_rules("classes:\n  scratch: {review: [0.1, 0.9]}\n")
    assert verdict(d, only_scratch, base=Thresholds(0.5, {"pit": 0.56})) == REVIEW
    assert verdict(d, only_scratch, base=Thresholds(0.5)) == NG


def test_minimum_size_in_pixels_segmentation_and_detection():
    lm = np.zeros((50, 80), np.uint8)
    lm[5:7, 5:7] = 1  # 4 px pit
    lm[20, 10:40] = 2  # a 30 x 1 scratch
    r = seg(lm)
    assert verdict(r, simple_rules(min_area=4)) == NG
    assert verdict(r, simple_rules(min_area=31)) == OK
    dec = decide_result(r, bind(simple_rules(min_area=5), SEG, 0.5))
    assert [(x.class_name, x.kept) for x in dec.defects] == [("pit", False), ("scratch", True)]
    assert dec.defects[0].ignored == ("area 4 px < 5",) and dec.defects[0].ignored_bits == Ignored.SMALL_AREA
    long_only = parse_rules("default: {min_length: 10}")
    assert [x.kept for x in decide_result(r, bind(long_only, SEG)).defects] == [False, True]
    d = det([[0, 0, 4, 5], [10, 10, 13, 40]], [0.9, 0.9], [0, 1])  # 20 px; 90 px long 30
    assert [x.kept for x in decide_result(d, bind(simple_rules(min_area=21), DET, 0.5)).defects] == [False, True]
    assert [x.kept for x in decide_result(d, bind(parse_rules("default: {min_length: 6}"), DET)).defects] == [False, True]


def test_minimum_size_in_mm_with_a_calibration_that_differs_in_x_and_y():
    lm = np.zeros((40, 40), np.uint8)
    lm[5, 5:15] = 1  # horizontal, 10 px: 10 * 0.1 = 1.0 mm
    lm[20:30, 30] = 2  # vertical, 10 px: 10 * 0.2 = 2.0 mm
    r = seg(lm)
    text = "calibration: {mm_per_px_x: 0.1, mm_per_px_y: 0.2}\ndefault: {min_length_mm: %s}\n"
    dec = decide_result(r, bind(parse_rules(text % 1.5), SEG))
    assert [x.length_mm for x in dec.defects] == pytest.approx([1.0, 2.0])
    assert [x.area_mm2 for x in dec.defects] == pytest.approx([0.2, 0.2])
    assert [x.kept for x in dec.defects] == [False, True]
    assert dec.defects[0].ignored == ("length 1 mm < 1.5",)
    assert [x.kept for x in decide_result(r, bind(parse_rules(text % 0.99), SEG)).defects] == [True, True]
    area = parse_rules("calibration: {mm_per_px: 0.5}\nclasses: {scratch: {min_area_mm2: 2.6}}\n")
    assert [x.kept for x in decide_result(r, bind(area, SEG)).defects] == [True, False]  # 10 * 0.25 = 2.5 mm2
    # exactly at a minimum in mm counts as reaching it, whatever the float rounding
    # (5 * 0.1 * 0.3 is 0.15000000000000002, 0.1 * 0.3 * 5 is 0.15)
    at = parse_rules("calibration: {mm_per_px_x: 0.1, mm_per_px_y: 0.3}\ndefault: {min_area_mm2: 0.15}")
    five = np.zeros((10, 10), np.uint8)
    five[2, 2:7] = 1
    assert verdict(seg(five), at) == NG
    d = det([[0, 0, 10, 30]], [0.9], [0])  # box: 10 px wide (1 mm), 30 high (6 mm)
    assert decide_result(d, bind(parse_rules(text % 5.9), DET)).defects[0].length_mm == pytest.approx(6.0)
    assert verdict(d, parse_rules(text % 6.1)) == OK


def test_count_and_total_area_rules():
    pits = det([[i * 10, 0, i * 10 + 4, 4] for i in range(3)], [0.4, 0.45, 0.35], [0, 0, 0])
    band = "default: {review: [0.3, 0.9]}\n"
    assert verdict(pits, parse_rules(band)) == REVIEW
    assert verdict(pits, parse_rules(band + "classes: {pit: {ng_count: 3}}")) == NG
    assert verdict(pits, parse_rules(band + "classes: {pit: {ng_count: 4}}")) == REVIEW
    assert verdict(pits, parse_rules(band + "classes: {scratch: {ng_count: 1}}")) == REVIEW
    # only kept defects count: one is below T_low, one too small
    assert verdict(pits, parse_rules("default: {review: [0.36, 0.9], ng_count: 3}")) == REVIEW
    dec = decide_result(pits, bind(parse_rules(band + "classes: {pit: {ng_count: 3}}"), DET))
    assert dec.reasons == ("pit: 3 defects >= 3 (NG)",)
    assert verdict(pits, parse_rules("default: {review: [0.3, 0.9], ng_total_area: 48}")) == NG  # 3 x 16 px
    assert verdict(pits, parse_rules("default: {review: [0.3, 0.9], ng_total_area: 49}")) == REVIEW
    mm = "calibration: {mm_per_px: 0.5}\n" + band + "classes: {pit: {ng_total_area_mm2: %s}}"
    assert verdict(pits, parse_rules(mm % 12)) == NG  # 48 px * 0.25
    assert verdict(pits, parse_rules(mm % 12.5)) == REVIEW
    assert "total area 12 mm² >= 12 (NG)" in decide_result(pits, bind(parse_rules(mm % 12), DET)).reasons[0]


# ------------------------------------------------------------------ regions of interest
def star_polygon(rng, cx, cy, r_min, r_max, n):
    angles = np.sort(rng.uniform(0, 2 * np.pi, n))
    radii = rng.uniform(r_min, r_max, n)
    return tuple((float(cx + r * np.cos(a)), float(cy + r * np.sin(a))) for a, r in zip(angles, radii))


def shapely_mask(points, size):
    h, w = size
    ys, xs = np.mgrid[0:h, 0:w]
    return shapely.contains_xy(ShapelyPolygon(points), xs + 0.5, ys + 0.5)


@pytest.mark.parametrize("seed", range(8))
def test_polygon_fill_equals_shapely_at_pixel_centres(seed):
    rng = np.random.default_rng(seed)
    size = (60, 90)
    poly = star_polygon(rng, 45, 30, 5, 28, int(rng.integers(3, 12)))
    assert np.array_equal(fill_polygon(poly, size), shapely_mask(poly, size))


def test_polygon_fill_by_hand():
    m = fill_polygon(((10, 5), (30, 5), (30, 20), (10, 20)), (40, 40))
    expected = np.zeros((40, 40), bool)
    expected[5:20, 10:30] = True
    assert np.array_equal(m, expected)
    tri = fill_polygon(((0, 0), (4, 0), (0, 4)), (4, 4))  # centres with x + y < 4
    assert tri.sum() == 6


def test_regions_centroid_include_and_exclude():
    d = det([[10, 10, 20, 20], [60, 10, 70, 20], [150, 50, 160, 60]], [0.9, 0.9, 0.9], [0, 1, 2])
    text = ("regions:\n  include:\n    - [[0, 0], [100, 0], [100, 100], [0, 100]]\n"
            "  exclude:\n    - [[50, 0], [80, 0], [80, 40], [50, 40]]\n")
    dec = decide_result(d, bind(parse_rules(text), DET, 0.5))
    assert [x.kept for x in dec.defects] == [True, False, False]
    assert dec.defects[1].ignored == ("outside the regions of interest",)
    only_outside = det([[150, 50, 160, 60]], [0.9], [0])
    assert verdict(only_outside, parse_rules(text)) == OK and only_outside.is_defective(0.5)


def test_regions_overlap_fraction_by_hand():
    lm = np.zeros((40, 40), np.uint8)
    lm[10:20, 5:15] = 1  # 100 px, 60 of them left of x = 11
    r = seg(lm)
    base = "regions:\n  mode: overlap\n  min_overlap: %s\n  include:\n    - [[0, 0], [11, 0], [11, 40], [0, 40]]\n"
    assert verdict(r, parse_rules(base % 0.6)) == NG
    assert verdict(r, parse_rules(base % 0.61)) == OK
    # centroid mode: the centroid (10.0, 15.0) is in pixel column 10, whose centre 10.5 is inside
    assert verdict(r, parse_rules(base.replace("overlap\n", "centroid\n") % 0.5)) == NG
    assert verdict(r, parse_rules((base % 0.5).replace("[11, 0], [11, 40]", "[10, 0], [10, 40]"))) == NG
    centroid_out = (base.replace("overlap\n", "centroid\n") % 0.5).replace("[11, 0], [11, 40]", "[10.4, 0], [10.4, 40]")
    assert verdict(r, parse_rules(centroid_out)) == OK


def test_overlap_fractions_equal_shapely_on_random_cases():
    """The reference: shapely's polygons at pixel centres, intersected with each component's
    own pixels (segmentation) or the box's pixel centres (detection)."""
    rng = np.random.default_rng(5)
    size = (64, 96)
    for _ in range(10):
        inc = star_polygon(rng, 48, 32, 10, 40, 7)
        exc = star_polygon(rng, float(rng.uniform(20, 70)), 32, 3, 12, 5)
        inc = tuple((min(max(x, 0), 96), min(max(y, 0), 64)) for x, y in inc)
        exc = tuple((min(max(x, 0), 96), min(max(y, 0), 64)) for x, y in exc)
        allowed = shapely_mask(inc, size) & ~shapely_mask(exc, size)
        regions = Regions(include=(inc,), exclude=(exc,), mode="overlap", min_overlap=0.5)
        assert np.array_equal(allowed_mask(regions, size), allowed)
        rules = Rules(regions=regions)
        lm = random_label_map(rng, size, density=0.3)
        r = seg(lm)
        comp = class_components(lm, None, 3)
        dec = decide_result(r, bind(rules, SEG, 0.5))
        for k, d in enumerate(dec.defects):
            pixels = comp.labels == k + 1
            frac = (pixels & allowed).sum() / pixels.sum()
            assert d.kept == (np.float32(frac) >= np.float32(0.5)), (k, frac)
        xy = rng.uniform(0, 80, (12, 2))
        boxes = np.hstack([xy, xy + rng.uniform(0.3, 20, (12, 2))])
        dd = DetectionResult(boxes, np.full(12, 0.9), np.zeros(12, int), DET, size)
        ddec = decide_result(dd, bind(rules, DET, 0.5))
        ys, xs = np.mgrid[0:size[0], 0:size[1]] + 0.5
        for b, d in zip(boxes, ddec.defects):
            inside_box = (xs >= b[0]) & (xs < b[2]) & (ys >= b[1]) & (ys < b[3])
            if inside_box.sum() == 0:  # no pixel centre in the box: its centroid decides
                cx, cy = (b[0] + b[2]) / 2, (b[1] + b[3]) / 2
                assert d.kept == allowed[min(int(cy), 63), min(int(cx), 95)]
            else:
                frac = (inside_box & allowed).sum() / inside_box.sum()
                assert d.kept == (np.float32(frac) >= np.float32(0.5))


def test_region_from_a_mask_png_and_json_points(tmp_path):
    mask = np.zeros((40, 60), np.uint8)
    mask[:, :30] = 255
    cv2.imwrite(str(tmp_path / "roi.png"), mask)
    (tmp_path / "rules.json").write_text(
        '{"version": 1, "regions": {"include_mask": "roi.png", "exclude": [[[0, 0], [10, 0], [10, 10]]]}}')
    rules = load_rules(tmp_path / "rules.json")
    d = DetectionResult([[5, 20, 9, 24], [40, 20, 44, 24], [0, 0, 2, 1]], [0.9] * 3, [0, 0, 0], DET, (40, 60))
    assert [x.kept for x in decide_result(d, bind(rules, DET, 0.5)).defects] == [True, False, False]
    small = DetectionResult([[1, 1, 2, 2]], [0.9], [0], DET, (30, 60))
    with pytest.raises(RulesError, match=r"regions.include_mask: .*roi.png is 60x40, the image 60x30"):
        decide_result(small, bind(rules, DET, 0.5))


def test_combinations_against_a_reference_decider():
    """Random segmentation cases under random rules with every kind of rule at once; the
    reference measures each defect independently (flood fill, numpy, shapely)."""
    rng = np.random.default_rng(21)
    size = (30, 40)
    for case in range(40):
        lm = random_label_map(rng, size, density=float(rng.uniform(0.05, 0.35)))
        conf = np.round(rng.uniform(0, 1, size), 2).astype(np.float32)
        r = seg(lm, conf)
        lo = float(np.round(rng.uniform(0, 0.6), 2))
        hi = float(np.round(rng.uniform(lo, 1), 2))
        mx, my = float(rng.choice([0.1, 0.2])), float(rng.choice([0.1, 0.3]))
        min_area = int(rng.integers(0, 5))
        min_area_mm2 = float(rng.choice([0, 0.05, 0.2]))
        ng_count = int(rng.integers(2, 6))
        ng_area = float(rng.integers(10, 60))
        poly = star_polygon(rng, 20, 15, 6, 14, 6)
        poly = tuple((min(max(x, 0), 40), min(max(y, 0), 30)) for x, y in poly)
        mode = "overlap" if case % 2 else "centroid"
        rules = Rules(
            default=ClassRule(band=Band(lo, hi), min_area=min_area, min_area_mm2=min_area_mm2),
            classes=(("pit", ClassRule(ng_count=ng_count)), ("scratch", ClassRule(ng_total_area=ng_area))),
            calibration=Calibration(mx, my),
            regions=Regions(include=(poly,), mode=mode, min_overlap=0.4))
        allowed = shapely_mask(poly, size)
        kept_by_class = {1: [], 2: []}
        ng_score = False
        for c, pixels in flood_components(lm):
            ys, xs = np.array(sorted(pixels)).T
            score = conf[ys, xs].max()
            area = len(pixels)
            if mode == "centroid":
                inside = allowed[int(ys.mean() + 0.5), int(xs.mean() + 0.5)]
            else:
                inside = np.float32(allowed[ys, xs].mean()) >= np.float32(0.4)
            keep = (np.float32(score) >= np.float32(lo) and area >= min_area
                    and area * mx * my >= min_area_mm2 * (1 - 1e-9) and inside)
            if keep:
                kept_by_class[c].append(area)
                ng_score |= np.float32(score) >= np.float32(hi)
        ng = ng_score or len(kept_by_class[1]) >= ng_count or sum(kept_by_class[2]) >= ng_area
        expected = NG if ng else (REVIEW if kept_by_class[1] or kept_by_class[2] else OK)
        assert verdict(r, rules) == expected, case


def test_classification_ignores_size_and_region_rules():
    r = ClassificationResult([0.7, 0.2, 0.1], ("crazing", "scratches", "ok"), (50, 50))
    rules = parse_rules("default: {review: [0.5, 0.8], min_area: 1000, min_length: 100}\n"
                        "regions: {include: [[[0, 0], [1, 0], [1, 1]]]}")
    assert verdict(r, rules) == REVIEW
    assert verdict(ClassificationResult([0.1, 0.2, 0.7], ("crazing", "scratches", "ok")), rules) == OK


def test_decide_many_equals_decide_per_image_and_marks_missing_results():
    rng = np.random.default_rng(2)
    results = [r for r in random_results(rng, 120) if r.task == "detection"]
    rules = bind(parse_rules("default: {review: [0.3, 0.7], min_area: 50}\nclasses: {ok: {ng_count: 2}}"),
                 results[0].class_names)
    tables = [defect_table(r) for r in results] + [None]
    v = decide_many(DefectTables.stack(tables), rules)
    assert v.verdict[-1] == NO_RESULT
    assert [decide(t, rules).verdict for t in tables[:-1]] == v.verdict[:-1].tolist()
    counts = v.counts()
    assert sum(counts.values()) == len(tables) and counts["no result"] == 1
    stacked = DefectTables.stack(tables)
    for i in (0, 5, 17):
        assert stacked.table(i).defects.tobytes() == tables[i].defects.tobytes()
