"""The metrics panel in the real window, real exported models and ground truth: its numbers
equal ``evaluate`` on pairs collected independently and follow the slider; the image
list's error filters select what the metrics say."""

from pathlib import Path
from typing import List, Tuple

import cv2  # noqa: F401 - imported before Qt so its plugin path can be undone
import numpy as np
import pytest
from PySide6.QtCore import QSettings
from sklearn.metrics import confusion_matrix as sk_confusion

from app.main_window import MainWindow
from app.metrics_data import SegmentationShares, Snapshot, build_evaluation
from app.qt_env import prepare_qt_env
from app.settings import AppSettings
from inspectors.groundtruth import load_ground_truth
from inspectors.metrics import (
    LiveEvaluator,
    confusion_matrix,
    evaluate,
    region_errors,
    segmentation_metrics,
)
from inspectors.metrics.alignment import class_mapping, to_gt_space
from inspectors.results import DetectionResult, Outcome, SegmentationResult, Thresholds

from .app_helpers import CLS_NAMES, export_cls_model, export_seg_model, wait_runs_read

RUN_TIMEOUT = 120_000
SEG_NAMES = ("background", "defect_1", "defect_2")


@pytest.fixture(scope="session", autouse=True)
def _offscreen():
    prepare_qt_env("offscreen")


@pytest.fixture(scope="module")
def seg_model(tmp_path_factory):
    return export_seg_model(tmp_path_factory.mktemp("seg_model"))


@pytest.fixture
def window(qtbot, tmp_path):
    w = MainWindow(AppSettings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)), tmp_path / "work")
    qtbot.addWidget(w)
    w.show()
    yield w
    w.models.shutdown(5000)
    w.metrics.shutdown(5000)


def seg_dataset(root: Path, n: int = 8, size=(64, 80)) -> Path:
    """images/ + labels/ + labels.txt; every third image is clean."""
    rng = np.random.default_rng(1)
    (root / "images").mkdir(parents=True)
    (root / "labels").mkdir()
    for i in range(n):
        img = (rng.integers(30, 90, (*size, 3)) + 15 * i).clip(0, 255).astype(np.uint8)
        label = np.zeros(size, np.uint8)
        if i % 3:
            y, x = 8 + 3 * i, 6 + 5 * i
            img[y:y + 20, x:x + 24] = 220
            label[y:y + 20, x:x + 24] = 1 + i % 2
            label[y:y + 2, x:x + 24] = 255  # an ignore band
        cv2.imwrite(str(root / "images" / f"im_{i:02d}.png"), img)
        cv2.imwrite(str(root / "labels" / f"im_{i:02d}.png"), label)
    (root / "labels.txt").write_text("\n".join(SEG_NAMES) + "\n", encoding="utf-8")
    return root / "images"


def cls_dataset(root: Path, per_class: int = 4) -> Path:
    """Class folders (PaddleClas-style layout found by discovery)."""
    rng = np.random.default_rng(2)
    for c, name in enumerate(CLS_NAMES):
        (root / name).mkdir(parents=True)
        for i in range(per_class):
            img = rng.integers(0, 255, (48, 48, 3)).astype(np.uint8)
            img[:, :, c] = 40 * i
            cv2.imwrite(str(root / name / f"{name}_{i}.png"), img)
    return root


def load_and_run(qtbot, w: MainWindow, model: Path, folder: Path) -> None:
    with qtbot.waitSignal(w.models.changed, timeout=RUN_TIMEOUT,
                          check_params_cb=lambda mid: w.models.models[mid].status != "loading"):
        w.add_model(str(model))
    with qtbot.waitSignal(w.bench.ground_truth_changed, timeout=RUN_TIMEOUT):
        assert w.open_folder(str(folder))
    wait_runs_read(qtbot, w)
    assert w.bench.ground_truth is not None
    with qtbot.waitSignal(w.run_finished, timeout=RUN_TIMEOUT):
        assert w.run_all() > 0


def independent_pairs(w: MainWindow, data: Path) -> Tuple[List, List[int]]:
    """(gt, prediction in gt classes) per inspected image, without the app's glue."""
    gt_set = load_ground_truth(data)
    store, model = w.bench.store, w.bench.active_model
    pairs, rows = [], []
    for row in store.inspected_rows():
        pred = store.result(row, model)
        gt = gt_set.get(store.images[row])
        if pred is None or gt is None:
            continue
        mapping, _ = class_mapping(pred.class_names, gt_set.class_names, gt_set.task)
        pairs.append((gt, to_gt_space(pred, mapping, gt_set.class_names)))
        rows.append(row)
    return pairs, rows


def wait_for_metrics(qtbot, w: MainWindow, n_pairs: int) -> None:
    qtbot.waitUntil(lambda: w.metrics_panel.at is not None and w.metrics.evaluation is not None
                    and w.metrics.evaluation.num_pairs == n_pairs, timeout=RUN_TIMEOUT)


def set_threshold(w: MainWindow, t: float) -> Thresholds:
    w.threshold_panel.slider.setValue(int(round(t * 100)))
    thr = w.bench.store.thresholds
    assert thr.default == pytest.approx(t)
    return thr


def test_segmentation_metrics_follow_the_slider(qtbot, window, seg_model, tmp_path):
    w, images, panel = window, seg_dataset(tmp_path / "data"), window.metrics_panel
    assert panel.stack.currentIndex() == 0  # empty state before anything is open
    load_and_run(qtbot, w, seg_model, images)
    pairs, rows = independent_pairs(w, tmp_path / "data")
    assert len(pairs) == 8
    wait_for_metrics(qtbot, w, len(pairs))
    assert panel.stack.currentIndex() == 1 and w.metrics_dock.isVisible()

    scores = sorted({float(p.defect_score()) for _g, p in pairs})
    low, high = 0.0, round((scores[len(scores) // 2] + scores[-1]) / 2, 2)
    seen = []
    live = LiveEvaluator(pairs, "segmentation")
    w.list_panel.set_filter("image_missed")
    for t in (low, high):
        thr = set_threshold(w, t)
        ref = evaluate(pairs, "segmentation", thr)
        m = ref["metrics"]
        assert panel.values == pytest.approx({"mIoU": m["miou"], "Dice": m["mdice"],
                                              "Pixel acc.": m["accuracy"], "Kappa": m["kappa"]})
        assert panel.numbers[0].text() == f"{m['miou']:.4f}"
        direct = segmentation_metrics(confusion_matrix(pairs, thr))  # filter each prediction, then count
        assert panel.values["mIoU"] == pytest.approx(direct["miou"])
        il = ref["image_level"]
        assert panel.curve.marker_position() == pytest.approx((t, il["recall"], il["false_positive_rate"]))
        bars = panel.bars.values
        assert bars == pytest.approx([c["iou"] for c in m["per_class"]])
        assert panel.matrix.matrix[:, :3] == pytest.approx(np.asarray(m["confusion_matrix"]))
        # the image list's error filters follow the slider too
        for key in ("image_missed", "image_false_positive"):
            expected = sorted(rows[i] for i in live.images_with(thr, key))
            w.list_panel.set_filter(key)
            qtbot.waitUntil(lambda e=expected: sorted(w.list_panel.model.rows) == e, timeout=5000)
            assert w.list_panel.filter_box.currentText().endswith(f"({len(expected)})")
        seen.append((panel.values["mIoU"], il["recall"], il["false_positive_rate"], panel.curve.marker_position()))
    assert seen[0][0] != seen[1][0], "mIoU must change with the threshold"
    assert seen[0][3] != seen[1][3], "the recall/FPR marker must move"

    assert seen[0][2] == 1.0 and seen[1][1] < 1.0, "both filters were exercised with images in them"

    # region filters: connected components in a worker, against the metrics module
    thr = w.bench.store.thresholds
    regions = [region_errors(g, p, thr) for g, p in pairs]
    for key in ("false_positive_regions", "missed_regions"):
        expected = sorted(r for r, e in zip(rows, regions) if e[key] > 0)
        w.list_panel.set_filter(key)
        qtbot.waitUntil(lambda k=key: w.metrics.filter_items() and dict(
            (k2, c) for _l, k2, c in w.metrics.filter_items())[k] is not None, timeout=RUN_TIMEOUT)
        qtbot.waitUntil(lambda e=expected: sorted(w.list_panel.model.rows) == e, timeout=5000)
        label = w.list_panel.filter_box.currentText()
        assert label.endswith(f"({len(expected)})")

    # the operating point goes to the slider
    panel.min_recall.setValue(0.5)
    assert panel.point is not None
    panel.use.click()
    assert w.bench.store.thresholds.default == pytest.approx(panel.point.threshold)
    assert panel.curve.marker_position()[0] == pytest.approx(panel.point.threshold)


def test_classification_metrics_and_misclassified_filter(qtbot, window, tmp_path):
    w = window
    model = export_cls_model(tmp_path / "cls_model")
    data = cls_dataset(tmp_path / "cls_data")
    load_and_run(qtbot, w, model, data)
    pairs, rows = independent_pairs(w, data)
    assert len(pairs) == 12
    wait_for_metrics(qtbot, w, len(pairs))
    thr = set_threshold(w, 0.4)
    ref = evaluate(pairs, "classification", thr)
    m = ref["metrics"]
    assert w.metrics_panel.values["Top-1 acc."] == pytest.approx(m["accuracy"])
    assert w.metrics_panel.values["Top-3 acc."] == pytest.approx(m["topk"]["3"]) == pytest.approx(1.0)
    gt = [g.class_id for g, _ in pairs]
    pred = [p.class_id for _, p in pairs]
    assert w.metrics_panel.matrix.matrix == pytest.approx(sk_confusion(gt, pred, labels=range(3)))
    w.list_panel.set_filter("misclassified")
    assert sorted(w.list_panel.model.rows) == sorted(r for r, g, p in zip(rows, gt, pred) if g != p)


def test_empty_states_say_why(qtbot, window, seg_model, tmp_path):
    w = window
    plain = tmp_path / "plain"
    plain.mkdir()
    cv2.imwrite(str(plain / "a.png"), np.zeros((32, 32, 3), np.uint8))
    with qtbot.waitSignal(w.metrics.status, timeout=RUN_TIMEOUT,
                          check_params_cb=lambda kind, msg: kind == "empty" and "No ground truth" in msg):
        w.open_folder(str(plain))
    assert "No ground truth" in w.metrics_panel.empty.text() and w.metrics_panel.stack.currentIndex() == 0
    images = seg_dataset(tmp_path / "data", n=3)
    with qtbot.waitSignal(w.metrics.status, timeout=RUN_TIMEOUT,
                          check_params_cb=lambda kind, msg: kind == "empty" and "No results yet" in msg):
        w.open_folder(str(images))
    assert w.list_panel.filter_box.count() == 5  # no error filters without an evaluation


DET_GT_NAMES = ("scratch", "dent")
DET_MODEL_NAMES = ("dent", "scratch")  # another order: the glue must map by name


def voc_dataset(root: Path, n: int = 6) -> Tuple[Path, dict]:
    """VOC folder (Annotations/ + JPEGImages/ + label_list.txt); returns boxes per image."""
    (root / "Annotations").mkdir(parents=True)
    (root / "JPEGImages").mkdir()
    (root / "label_list.txt").write_text("\n".join(DET_GT_NAMES) + "\n", encoding="utf-8")
    boxes = {}
    for i in range(n):
        name = f"d_{i:02d}.png"
        cv2.imwrite(str(root / "JPEGImages" / name), np.full((120, 160, 3), 60 + 20 * i, np.uint8))
        objs = [] if i % 3 == 0 else [(DET_GT_NAMES[i % 2], (10 + 5 * i, 20, 60 + 5 * i, 70))]
        if i == 4:
            objs.append(("dent", (100, 60, 150, 110)))
        xml = "".join(f"<object><name>{c}</name><difficult>0</difficult><bndbox><xmin>{b[0]}</xmin>"
                      f"<ymin>{b[1]}</ymin><xmax>{b[2]}</xmax><ymax>{b[3]}</ymax></bndbox></object>"
                      for c, b in objs)
        (root / "Annotations" / f"d_{i:02d}.xml").write_text(
            f"<annotation><filename>{name}</filename><size><width>160</width><height>120</height>"
            f"<depth>3</depth></size>{xml}</annotation>", encoding="utf-8")
        boxes[name] = objs
    return root / "JPEGImages", boxes


def detections(objs: list, i: int):
    """Model output in the model's class order: hits, wrong class, poor box, stray box."""
    out = []  # (model class id, box, score)
    for c, (x1, y1, x2, y2) in objs:
        cid = DET_MODEL_NAMES.index(c)
        if i == 2:
            out.append((1 - cid, (x1 + 1, y1, x2, y2 + 1), 0.8))  # wrong class
        elif i == 5:
            out.append((cid, (x1 + 20, y1 + 20, x2 + 20, y2 + 20), 0.7))  # poor localisation
        elif i != 4 or c == "scratch":  # image 4 misses its dent
            out.append((cid, (x1 + 1, y1 + 1, x2 - 1, y2 + 1), 0.35 + 0.1 * i))
    if i in (0, 4):
        out.append((0, (120, 5, 150, 30), 0.3 + 0.2 * i / 4))  # stray: false positive
    boxes = np.array([b for _c, b, _s in out], np.float32).reshape(-1, 4)
    return DetectionResult(boxes, [s for *_x, s in out], [c for c, *_x in out], DET_MODEL_NAMES, (120, 160))


def test_detection_metrics_and_error_filters(qtbot, window, tmp_path):
    w = window
    images, boxes = voc_dataset(tmp_path / "voc")
    with qtbot.waitSignal(w.bench.ground_truth_changed, timeout=RUN_TIMEOUT):
        assert w.open_folder(str(images))
    w.bench.set_active_model("synthetic")  # as if a model had produced these results
    for i, (name, objs) in enumerate(sorted(boxes.items())):
        w.models.outcome.emit("synthetic", Outcome(str(images / name), detections(objs, i)))
    pairs, rows = independent_pairs(w, tmp_path / "voc")
    assert w.bench.ground_truth.task == "detection" and len(pairs) == 6
    assert pairs[1][1].class_names == DET_GT_NAMES
    wait_for_metrics(qtbot, w, len(pairs))
    panel, seen = w.metrics_panel, []
    live = LiveEvaluator(pairs, "detection")
    for t in (0.2, 0.6):
        thr = set_threshold(w, t)
        ref = evaluate(pairs, "detection", thr)
        m = ref["metrics"]
        assert panel.values["VOC mAP@0.5"] == pytest.approx(m["voc_map"]["area"])
        assert panel.values["11-point"] == pytest.approx(m["voc_map"]["11point"])
        assert panel.values["COCO mAP"] == pytest.approx(m["coco"]["map"], abs=1e-9)
        assert panel.bars.values == pytest.approx([c["ap_area"] for c in m["per_class"]])
        assert panel.matrix.matrix == pytest.approx(np.asarray(ref["errors"]["confusion"]["matrix"]))
        il = ref["image_level"]
        assert panel.curve.marker_position() == pytest.approx((t, il["recall"], il["false_positive_rate"]))
        found = {}
        for key in ("false_positive", "missed", "wrong_class", "poor_localisation"):
            expected = sorted(rows[i] for i in live.images_with(thr, key))
            w.list_panel.set_filter(key)
            qtbot.waitUntil(lambda e=expected: sorted(w.list_panel.model.rows) == e, timeout=5000)
            found[key] = expected
        seen.append((panel.values["VOC mAP@0.5"], panel.curve.marker_position(), found))
    assert seen[0][0] != seen[1][0] and seen[0][1] != seen[1][1]
    assert all(seen[0][2][k] for k in ("false_positive", "missed", "wrong_class", "poor_localisation"))
    assert seen[0][2] != seen[1][2]
    assert len(panel.pr.curves) == 2 and panel.pr.isVisible()


def _fake_prediction(gt: SegmentationResult, seed: int) -> SegmentationResult:
    """A prediction near the ground truth, with confidences, in the dataset's classes."""
    rng = np.random.default_rng(seed)
    lm = np.where(gt.label_map == 255, 0, gt.label_map).astype(np.uint8)
    flip = rng.random(lm.shape) < 0.1
    lm[flip] = rng.integers(0, len(SEG_NAMES), int(flip.sum()))
    return SegmentationResult(lm, SEG_NAMES, rng.uniform(0.3, 1.0, lm.shape).astype(np.float32))


def test_segmentation_shares_are_taken_once_and_replaced_when_a_result_changes(tmp_path):
    """The live segmentation evaluation holds no label maps: each image's share is summed
    once; a changed result replaces its share; the numbers equal the metrics module's
    evaluate() over the same pairs."""
    images = seg_dataset(tmp_path / "data", n=6)
    gt_set = load_ground_truth(tmp_path / "data")
    paths = sorted(str(p) for p in images.iterdir())
    preds = {r: _fake_prediction(gt_set.get(p), r) for r, p in enumerate(paths)}
    reads = []

    def read(row, path):
        reads.append(row)
        return preds[row]

    shares = SegmentationShares()
    thr = Thresholds(0.6)
    snap = Snapshot("m", list(enumerate(paths)), read, gt_set, thr, shares)
    first = build_evaluation(snap)
    assert sorted(reads) == list(range(6)) and len(shares) == 6
    reads.clear()
    preds[2] = _fake_prediction(gt_set.get(paths[2]), 99)  # image 2 inspected again
    shares.invalidate(2)
    second = build_evaluation(snap)
    assert reads == [2], "only the changed image is read again"
    pairs = [(gt_set.get(p), preds[r]) for r, p in enumerate(paths)]
    ref = evaluate(pairs, "segmentation", thr)["metrics"]
    got = second.first["metrics"]
    assert got["miou"] == pytest.approx(ref["miou"]) and got["kappa"] == pytest.approx(ref["kappa"])
    assert np.array_equal(np.asarray(got["confusion_matrix"]), np.asarray(ref["confusion_matrix"]))
    assert first.first["metrics"]["miou"] != pytest.approx(got["miou"])
    assert second.live.scores.at(thr) == LiveEvaluator(pairs, "segmentation").scores.at(thr)
