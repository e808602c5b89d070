"""VOC mAP against ppdet's DetectionMAP / compute_ap, COCO against pycocotools, hand cases."""

from __future__ import annotations

import contextlib
import io

import ppdet.metrics.map_utils as ppdet_map  # before paddle (zlib clash otherwise)

# isort: split
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from pycocotools.coco import COCO
from pycocotools.cocoeval import COCOeval

from inspectors.metrics.coco import CocoMatches, coco_map
from inspectors.metrics.detection import DetectionMatches, average_precision, box_iou, voc_map
from inspectors.results import DetectionResult, Thresholds

NAMES = ("scratch", "dent", "stain", "crack")


def random_pairs(seed: int, n: int = 40, noise: float = 1.5, score_decimals=2):
    """Predictions jittered around ground truth, with some wrong classes and strays."""
    rng = np.random.default_rng(seed)
    c = len(NAMES) - 1  # the last class never has ground truth
    pairs = []
    for _ in range(n):
        g = int(rng.integers(0, 5))
        xy = rng.uniform(0, 200, (g, 2))
        gb = np.hstack([xy, xy + rng.uniform(8, 60, (g, 2))])
        gc = rng.integers(0, c, g)
        boxes, cls = [], []
        for j in range(g):
            for _ in range(int(rng.integers(0, 3))):  # 0, 1 or 2 (duplicate) predictions
                boxes.append(gb[j] + rng.normal(0, noise, 4))
                cls.append(gc[j] if rng.random() < 0.85 else rng.integers(0, len(NAMES)))
        for _ in range(int(rng.integers(0, 3))):
            x = rng.uniform(0, 200, 2)
            boxes.append(np.r_[x, x + rng.uniform(8, 60, 2)])
            cls.append(rng.integers(0, len(NAMES)))
        pb = np.array(boxes, np.float64).reshape(-1, 4)
        pb[:, 2:] = np.maximum(pb[:, 2:], pb[:, :2] + 1)
        scores = rng.random(len(pb))
        if score_decimals is not None:
            scores = np.round(scores, score_decimals)  # ties on purpose
        gt = DetectionResult(gb, np.ones(g), gc, NAMES, (300, 300))
        pairs.append((gt, DetectionResult(pb, scores, np.array(cls, int), NAMES, (300, 300))))
    return pairs


def ppdet_reference(pairs, map_type, difficult=None, evaluate_difficult=False, normalized=False):
    m = ppdet_map.DetectionMAP(
        len(NAMES), 0.5, map_type, normalized, evaluate_difficult, dict(enumerate(NAMES))
    )
    for i, (gt, pred) in enumerate(pairs):
        o = np.argsort(-pred.scores, kind="stable")  # score-sorted model output
        m.update(
            [[float(v) for v in b] for b in pred.boxes[o]],
            [float(s) for s in pred.scores[o]],
            pred.class_ids[o],
            [[float(v) for v in b] for b in gt.boxes],
            gt.class_ids,
            None if difficult is None else difficult[i].astype(int),
        )
    m.accumulate()
    return m


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("map_type", ["11point", "integral"])
def test_voc_map_equals_ppdet(seed, map_type):
    pairs = random_pairs(seed)
    assert voc_map(pairs)["voc_map"][map_type] == pytest.approx(ppdet_reference(pairs, map_type).get_map(), abs=1e-12)


@pytest.mark.parametrize("seed", range(3))
def test_voc_map_equals_ppdet_continuous_boxes(seed):
    pairs = random_pairs(seed)
    ref = ppdet_reference(pairs, "11point", normalized=True).get_map()
    assert voc_map(pairs, plus_one=False)["voc_map"]["11point"] == pytest.approx(ref, abs=1e-12)


@pytest.mark.parametrize("evaluate_difficult", [False, True])
@pytest.mark.parametrize("seed", range(3))
def test_difficult_boxes_as_ppdet(seed, evaluate_difficult):
    pairs = random_pairs(seed)
    rng = np.random.default_rng(100 + seed)
    difficult = [rng.random(len(gt)) < 0.3 for gt, _ in pairs]
    ref = ppdet_reference(pairs, "11point", difficult, evaluate_difficult)
    mine = voc_map(pairs, difficult=difficult, evaluate_difficult=evaluate_difficult)
    assert mine["voc_map"]["11point"] == pytest.approx(ref.get_map(), abs=1e-12)
    assert [r["num_gt"] for r in mine["per_class"]] == list(ref.class_gt_counts)


@pytest.mark.parametrize("seed", range(4))
def test_area_ap_equals_ppdet_compute_ap(seed):
    """All-point AP from ppdet's own TP records and compute_ap (py-faster-rcnn)."""
    pairs = random_pairs(seed)
    ref = ppdet_reference(pairs, "integral")
    mine = voc_map(pairs)["per_class"]
    for cid, (score_pos, count) in enumerate(zip(ref.class_score_poss, ref.class_gt_counts)):
        if count == 0:
            assert np.isnan(mine[cid]["ap_area"])
            continue
        tp, fp = ref._get_tp_fp_accum(score_pos)
        if not tp:
            assert mine[cid]["ap_area"] == 0.0
            continue
        rec = np.array(tp, float) / count
        prec = np.array(tp, float) / (np.array(tp) + np.array(fp))
        assert mine[cid]["ap_area"] == pytest.approx(ppdet_map.compute_ap(rec, prec), abs=1e-12)


def test_hand_computed_ap():
    # 3 ground-truth boxes; predictions in score order: TP, FP, TP, TP
    # precision 1, 1/2, 2/3, 3/4 at recall 1/3, 1/3, 2/3, 1
    tp = np.array([1, 0, 1, 1], bool)
    assert average_precision(tp, 3, "area") == pytest.approx((1 + 0.75 + 0.75) / 3)
    assert average_precision(tp, 3, "integral") == pytest.approx((1 + 2 / 3 + 0.75) / 3)
    # recall >= 0, .1, .2, .3 -> max precision 1; recall >= .4 .. 1.0 -> 0.75
    assert average_precision(tp, 3, "11point") == pytest.approx((4 * 1 + 7 * 0.75) / 11)
    # TP, FP, TP, FP with 3 boxes: recall never reaches 1
    tp = np.array([1, 0, 1, 0], bool)
    assert average_precision(tp, 3, "area") == pytest.approx((1 + 2 / 3) / 3)
    assert average_precision(tp, 3, "11point") == pytest.approx((4 * 1 + 3 * 2 / 3) / 11)
    assert average_precision(np.zeros(0, bool), 2, "area") == 0.0
    assert np.isnan(average_precision(tp, 0, "area"))


def test_plus_one_convention():
    gt = DetectionResult([[0, 0, 10, 10]], [1], [0], NAMES, (20, 20))
    pred = DetectionResult([[0, 0, 10, 5]], [0.9], [0], NAMES, (20, 20))
    # continuous IoU = 50 / 100 = 0.5 (not > 0.5); pixel IoU = 66 / 121 > 0.5
    assert box_iou(pred.boxes, gt.boxes, plus_one=False)[0, 0] == pytest.approx(0.5)
    assert box_iou(pred.boxes, gt.boxes, plus_one=True)[0, 0] == pytest.approx(66 / 121)
    assert voc_map([(gt, pred)], plus_one=True)["voc_map"]["area"] == 1.0
    assert voc_map([(gt, pred)], plus_one=False)["voc_map"]["area"] == 0.0
    # touching boxes do not overlap, even with +1
    assert box_iou([[0, 0, 5, 5]], [[5, 0, 9, 5]])[0, 0] == 0.0


def test_duplicates_and_absent_classes():
    gt = DetectionResult([[0, 0, 10, 10], [20, 20, 30, 30]], [1, 1], [0, 1], NAMES, (40, 40))
    pred = DetectionResult([[0, 0, 10, 10], [0, 0, 10, 10], [20, 20, 30, 30]], [0.9, 0.8, 0.1], [0, 0, 3], NAMES, (40, 40))
    s = voc_map([(gt, pred)])
    row = s["per_class"]
    assert (row[0]["tp"], row[0]["fp"], row[0]["fn"]) == (1, 1, 0)
    assert row[0]["ap_area"] == 1.0  # the duplicate comes after full recall
    assert row[1]["ap_area"] == 0.0  # ground truth, no prediction
    assert np.isnan(row[3]["ap_area"])  # prediction, no ground truth: not in the mean
    assert s["voc_map"]["area"] == pytest.approx(0.5)
    empty = voc_map([(DetectionResult.empty(NAMES, (9, 9)), DetectionResult.empty(NAMES, (9, 9)))])
    assert np.isnan(empty["voc_map"]["area"])


@pytest.mark.parametrize("seed", range(4))
def test_live_prefix_equals_filtering_first(seed):
    pairs = random_pairs(seed, score_decimals=2)
    live = DetectionMatches(pairs)
    rng = np.random.default_rng(seed)
    trials = [None, 0.0, 0.3, 0.5, 0.77, 1.0]
    trials += [Thresholds(float(rng.integers(0, 101)) / 100, {NAMES[int(c)]: float(rng.integers(0, 101)) / 100
               for c in rng.choice(len(NAMES), 2, replace=False)}) for _ in range(5)]
    for t in trials:
        a = live.summary(t, ("area", "11point", "integral"))
        b = voc_map(pairs, t)
        assert a["voc_map"] == pytest.approx(b["voc_map"], nan_ok=True), t
        assert a["totals"] == pytest.approx(b["totals"], nan_ok=True), t
        for ra, rb in zip(a["per_class"], b["per_class"]):
            assert ra == pytest.approx(rb, nan_ok=True), t


# ----------------------------------------------------------------------------- COCO


def direct_pycocotools(pairs, thresholds=None):
    """Independent COCO run: dicts built here, straight from the boxes."""
    images, anns, dets = [], [], []
    for i, (gt, pred) in enumerate(pairs):
        pred = pred.filtered(thresholds)
        images.append({"id": 1000 + i})
        for b, c in zip(gt.boxes.astype(float), gt.class_ids):
            w, h = b[2] - b[0], b[3] - b[1]
            anns.append({"id": len(anns) + 7, "image_id": 1000 + i, "category_id": 10 + int(c),
                         "bbox": [b[0], b[1], w, h], "area": w * h, "iscrowd": 0})
        for b, c, s in zip(pred.boxes.astype(float), pred.class_ids, pred.scores):
            dets.append({"image_id": 1000 + i, "category_id": 10 + int(c),
                         "bbox": [b[0], b[1], b[2] - b[0], b[3] - b[1]], "score": float(s)})
    with contextlib.redirect_stdout(io.StringIO()):
        gt = COCO()
        gt.dataset = {"images": images, "annotations": anns,
                      "categories": [{"id": 10 + k, "name": n} for k, n in enumerate(NAMES)]}
        gt.createIndex()
        ev = COCOeval(gt, gt.loadRes(dets), "bbox")
        ev.evaluate()
        ev.accumulate()
        ev.summarize()
    return ev.stats


@pytest.mark.parametrize("seed", range(3))
def test_coco_wrapper_and_live_equal_direct_pycocotools(seed):
    pairs = random_pairs(seed, n=30, noise=1.0, score_decimals=None)
    live = CocoMatches(pairs)
    for t in (0.4, Thresholds(0.2, {"dent": 0.9}), None):
        stats = direct_pycocotools(pairs, t)
        for res in (coco_map(pairs, t), live.summary(t)):
            assert res["map"] == pytest.approx(stats[0], abs=1e-12)
            assert res["map50"] == pytest.approx(stats[1], abs=1e-12)
            assert res["map75"] == pytest.approx(stats[2], abs=1e-12)
    assert 0.2 < stats[0] < 0.95  # unfiltered: a non-trivial case


def test_coco_live_handles_ties_and_many_detections():
    rng = np.random.default_rng(5)
    gb = rng.uniform(0, 100, (3, 2))
    gb = np.hstack([gb, gb + 30])
    gt = DetectionResult(gb, np.ones(3), [0, 0, 1], NAMES, (200, 200))
    pb = np.repeat(gb, 50, axis=0) + rng.normal(0, 2, (150, 4))
    pb[:, 2:] = np.maximum(pb[:, 2:], pb[:, :2] + 1)
    pred = DetectionResult(pb, np.round(rng.random(150), 1), np.repeat([0, 0, 1], 50), NAMES, (200, 200))
    pairs = [(gt, pred)] * 2  # 100 detections of class 0 per image: the maxDets cut matters
    live = CocoMatches(pairs)
    for t in (None, 0.35):
        assert live.summary(t)["map"] == pytest.approx(direct_pycocotools(pairs, t)[0], abs=1e-12)


def test_coco_hand_cases():
    gt = DetectionResult([[0, 0, 100, 100], [10, 10, 50, 50]], [1, 1], [0, 1], NAMES, (200, 200))
    perfect = DetectionResult(gt.boxes, [0.9, 0.8], gt.class_ids, NAMES, (200, 200))
    res = coco_map([(gt, perfect)])
    assert res["map"] == pytest.approx(1.0) and CocoMatches([(gt, perfect)]).summary()["map"] == pytest.approx(1.0)
    # a single box at IoU 0.62 matches at IoU thresholds .50 .55 .60 only: AP = 3/10
    one_gt = gt.keep(np.array([True, False]))
    pred = DetectionResult([[0, 0, 100, 62]], [0.7], [0], NAMES, (200, 200))
    for res in (coco_map([(one_gt, pred)]), CocoMatches([(one_gt, pred)]).summary()):
        assert res["map"] == pytest.approx(0.3)
        assert res["map50"] == pytest.approx(1.0) and res["map75"] == pytest.approx(0.0)
    # no prediction at all: AP 0 for classes with ground truth, undefined without any
    none = DetectionResult.empty(NAMES, (200, 200))
    assert coco_map([(gt, none)])["map"] == 0.0 and CocoMatches([(gt, none)]).summary()["map"] == 0.0
    assert np.isnan(coco_map([(none, perfect)])["map"])
    assert np.isnan(CocoMatches([(none, perfect)]).summary()["map"])


def test_coco_falls_back_to_the_replica_when_pycocotools_cannot_load(monkeypatch):
    import inspectors.metrics.coco as coco_module

    pairs = random_pairs(9, n=20, noise=1.0, score_decimals=None)
    ref = coco_map(pairs, 0.3)
    assert ref["engine"] == "pycocotools"
    monkeypatch.setattr(coco_module, "pycocotools_loadable", lambda: False)
    got = coco_map(pairs, 0.3)
    assert got["engine"] == "replica"
    assert got["map"] == pytest.approx(ref["map"], abs=1e-12)


def test_coco_after_paddle_does_not_crash():
    code = (
        "import paddle\n"
        "from inspectors.metrics.coco import coco_map\n"
        "from inspectors.results import DetectionResult\n"
        "g = DetectionResult([[0, 0, 9, 9]], [1], [0], ('a',), (20, 20))\n"
        "r = coco_map([(g, g)])\n"
        "print(r['engine'], r['map'])\n"
    )
    root = Path(__file__).resolve().parents[1]
    out = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    engine, value = out.stdout.split()[-2:]
    assert engine == "replica" and float(value) == pytest.approx(1.0)
