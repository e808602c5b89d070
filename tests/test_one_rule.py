"""One home per rule (issue 10): every consumer of a rule gets the same answer.

* box matching: the diff view's hit / false-positive / miss marks are the metrics' TP / FP /
  FN (VOC matching, difficult boxes, ties, per-class thresholds) on random cases;
* the flagging decision: ``is_defective``, the session summary and store (the app's list),
  and the image-level metrics agree on random results;
* ground-truth pairing: one function for evaluate, the app and the training evaluation;
* model folders: the app treats a dropped folder as a model exactly when the engine loads it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import yaml

from inspectors.cli.evaluate import disagreement
from inspectors.errors import InspectorError, ModelFormatError
from inspectors.formats import NotAModelError, is_model_folder, load_model_spec, recognize
from inspectors.metrics import DetectionErrors, DetectionMatches, LiveEvaluator
from inspectors.metrics.detection import box_outcomes
from inspectors.metrics.errors import CATEGORIES
from inspectors.metrics.image_level import ImageScores
from inspectors.metrics.pairing import pair_with_ground_truth
from inspectors.render import FALSE_POSITIVE, HIT, MISS, box_marks, diff, match_boxes
from inspectors.results import (
    ClassificationResult,
    DetectionResult,
    Outcome,
    SegmentationResult,
    Thresholds,
    is_defective,
)
from inspectors.session import Filter, ResultsStore, summarize

NAMES = ("crazing", "scratches", "dent")
SIZE = (120, 160)
FP_COL, MISSED_COL = CATEGORIES.index("false_positive"), CATEGORIES.index("missed")


# ------------------------------------------------------------------ random detection cases
def _boxes(rng, n):
    xy = rng.integers(0, 100, (n, 2)).astype(np.float32)
    wh = rng.integers(0, 40, (n, 2)).astype(np.float32)
    return np.hstack([xy, xy + wh])


def random_case(rng):
    """Ground truth, prediction and difficult flags with near-misses, duplicates and ties."""
    n_gt = int(rng.integers(0, 6))
    g_boxes = _boxes(rng, n_gt)
    if n_gt > 1 and rng.uniform() < 0.3:  # two identical ground-truth boxes: an IoU tie
        g_boxes[1] = g_boxes[0]
    g_cls = rng.integers(0, len(NAMES), n_gt)
    gt = DetectionResult(g_boxes, np.ones(n_gt), g_cls, NAMES, SIZE)
    difficult = rng.uniform(size=n_gt) < 0.2
    p_boxes, p_cls = [], []
    for j in range(n_gt):
        for _ in range(int(rng.integers(0, 3))):  # 0-2 predictions per box: hits, duplicates
            jitter = rng.integers(-6, 7, 4).astype(np.float32) * (rng.uniform() < 0.7)
            b = g_boxes[j] + jitter
            p_boxes.append([min(b[0], b[2]), min(b[1], b[3]), max(b[0], b[2]), max(b[1], b[3])])
            p_cls.append(g_cls[j] if rng.uniform() < 0.8 else int(rng.integers(0, len(NAMES))))
    k = int(rng.integers(0, 4))
    p_boxes += _boxes(rng, k).tolist()
    p_cls += rng.integers(0, len(NAMES), k).tolist()
    n = len(p_boxes)
    scores = np.round(rng.uniform(0, 1, n), 1)  # coarse scores: many ties
    pred = DetectionResult(np.array(p_boxes, np.float32).reshape(-1, 4), scores, p_cls, NAMES, SIZE)
    return gt, pred, difficult


def random_thresholds(rng, pred):
    if rng.uniform() < 0.3 and len(pred):
        default = float(rng.choice(pred.scores))  # exactly a score: a threshold tie
    else:
        default = float(np.round(rng.uniform(0, 1), 2))
    per_class = {}
    if rng.uniform() < 0.4:
        c = int(rng.integers(0, len(NAMES)))
        per_class[c if rng.uniform() < 0.5 else NAMES[c]] = float(np.round(rng.uniform(0, 1), 1))
    return Thresholds(default, per_class)


def render_counts(gt, pred, thresholds, difficult):
    """(hits, false positives, misses) as the diff view marks them."""
    pred_words, gt_words = box_marks(gt, pred.filtered(thresholds), difficult=difficult)
    return pred_words.count("hit"), pred_words.count("FP"), gt_words.count("miss")


CASES = [random_case(np.random.default_rng(seed)) for seed in range(300)]


def test_diff_marks_equal_metric_counts_per_image_on_random_cases():
    rng = np.random.default_rng(10)
    for gt, pred, difficult in CASES:
        t = random_thresholds(rng, pred)
        matches = DetectionMatches([(gt, pred)], difficult=[difficult])
        errors = DetectionErrors([(gt, pred)], matches)
        tot = matches.summary(t, methods=())["totals"]
        counts = errors.per_image(t)[0]
        hit, fp, miss = render_counts(gt, pred, t, difficult)
        assert (hit, fp, miss) == (tot["tp"], tot["fp"], tot["fn"]), (gt.to_dict(), pred.to_dict(), t)
        assert (fp, miss) == (counts[FP_COL], counts[MISSED_COL])
        assert disagreement(gt, pred, t, difficult) == fp + miss  # evaluate's worst-case ranking


@pytest.mark.parametrize("threshold", [0.0, 0.3, Thresholds(0.5, {"dent": 0.2, 0: 0.8}), 0.9])
def test_diff_marks_equal_the_apps_error_filters_over_a_dataset(threshold):
    """The app builds one evaluator over every image and lists images per error filter."""
    pairs = [(g, p) for g, p, _ in CASES]
    live = LiveEvaluator(pairs, "detection", coco=False, difficult=[d for *_x, d in CASES])
    counts = live.errors.per_image(threshold)
    marks = np.array([render_counts(g, p, threshold, d) for g, p, d in CASES])
    assert np.array_equal(marks[:, 1], counts[:, FP_COL])
    assert np.array_equal(marks[:, 2], counts[:, MISSED_COL])
    fp_images = live.images_with(threshold, "false_positive")
    assert np.array_equal(fp_images, np.flatnonzero(marks[:, 1] > 0))
    tot = live.at(threshold)["metrics"]["totals"]
    assert marks.sum(axis=0).tolist() == [tot["tp"], tot["fp"], tot["fn"]]


def _det(boxes, scores, classes):
    return DetectionResult(np.array(boxes, np.float32).reshape(-1, 4), scores, classes, NAMES, SIZE)


def test_the_old_render_rule_disagreements_are_gone():
    # 1. a second prediction on a taken box is a duplicate (FP), even if another box is free
    gt = _det([[0, 0, 40, 40], [0, 12, 40, 52]], [1, 1], [0, 0])
    pred = _det([[0, 0, 40, 40], [0, 4, 40, 44]], [0.9, 0.8], [0, 0])
    hit, gt_hit = match_boxes(gt, pred)
    assert hit.tolist() == [True, False] and gt_hit.tolist() == [True, False]
    assert box_marks(gt, pred) == (["hit", "FP"], [None, "miss"])
    # 2. IoU exactly 0.5 is not a match (ppdet: strictly above): [0,0,9,9] vs [0,0,9,19], +1 pixels
    assert box_marks(_det([[0, 0, 9, 9]], [1], [0]), _det([[0, 0, 9, 19]], [0.9], [0]))[0] == ["FP"]
    # 3. pixel boxes (+1 widths, as the VOC metrics): continuous IoU 0.47, VOC IoU 0.53
    assert box_marks(_det([[0, 0, 4, 4]], [1], [0]), _det([[0, 0, 4, 8.5]], [0.9], [0]))[0] == ["hit"]
    # 4. a prediction on a difficult box is neither a hit nor a false positive; the box no miss
    assert box_marks(gt, pred, difficult=np.array([True, True])) == (["difficult", "difficult"],
                                                                     ["difficult", "difficult"])


def test_diff_paints_what_the_marks_say():
    gt = _det([[10, 10, 60, 60], [10, 22, 60, 72], [120, 20, 150, 50]], [1, 1, 1], [0, 0, 1])
    pred = _det([[10, 10, 60, 60], [14, 14, 64, 64]], [0.9, 0.8], [0, 0])
    assert box_marks(gt, pred) == (["hit", "FP"], [None, "miss", "miss"])
    out = diff(np.zeros((*SIZE, 3), np.uint8), gt, pred, Thresholds(0.5))
    assert tuple(out[35, 10]) == HIT
    assert tuple(out[40, 64]) == FALSE_POSITIVE  # the duplicate's right edge
    assert tuple(out[50, 135]) == MISS  # the class-1 box's bottom edge (the legend covers its top)


def test_box_outcomes_follow_the_given_order():
    gt = _det([[0, 0, 20, 20]], [1], [0])
    pred = _det([[50, 50, 60, 60], [0, 0, 20, 20]], [0.2, 0.9], [0, 0])
    o = box_outcomes(gt, pred)
    assert o.pred.tolist() == [0, 1] and o.gt_matched.tolist() == [True] and o.counts() == (1, 1, 0)


# ------------------------------------------------------------------ the flagging decision
CLS_NAMES = ("crazing", "scratches", "ok")


def random_results(rng, n):
    out = []
    for i in range(n):
        kind = i % 3
        if kind == 0:
            k = int(rng.integers(0, 4))
            xy = rng.uniform(0, 50, (k, 2))
            boxes = np.hstack([xy, xy + rng.uniform(1, 30, (k, 2))])
            scores = np.round(rng.uniform(0, 1, k), 2)
            out.append(DetectionResult(boxes, scores, rng.integers(0, 3, k), CLS_NAMES, (100, 100)))
        elif kind == 1:
            lm = (rng.integers(0, 3, (16, 16)) * (rng.uniform(size=(16, 16)) < 0.1)).astype(np.uint8)
            conf = np.round(rng.uniform(0.3, 1, (16, 16)), 2).astype(np.float32)
            out.append(SegmentationResult(lm, ("bg", "a", "b"), conf if rng.uniform() < 0.8 else None))
        else:
            p = np.round(rng.dirichlet(np.ones(3)), 2)
            out.append(ClassificationResult(p / p.sum(), CLS_NAMES))
    return out


def test_one_decision_for_results_session_store_and_image_level_metrics():
    rng = np.random.default_rng(7)
    results = random_results(rng, 240)
    for task in ("detection", "segmentation", "classification"):
        preds = [r for r in results if r.task == task]
        pairs = [(p, p) for p in preds]  # ground truth is irrelevant to "reported defective"
        scores = ImageScores.from_pairs(pairs)
        store = ResultsStore([f"/x/{i}.png" for i in range(len(preds))])
        for i, p in enumerate(preds):
            store.add("m", Outcome(f"/x/{i}.png", p))
        for _ in range(25):
            pick = [p for p in preds if p.defect_score() > 0]
            default = float(rng.choice([p.defect_score() for p in pick])) if rng.uniform() < 0.5 \
                else float(np.round(rng.uniform(0, 1), 2))
            per = {int(rng.integers(0, 3)): float(np.round(rng.uniform(0, 1), 2))} if rng.uniform() < 0.4 else {}
            t = Thresholds(default, per)
            expected = np.array([is_defective(p, t) for p in preds])
            assert np.array_equal(scores.predicted(t), expected)
            assert [p.is_defective(t) for p in preds] == expected.tolist()
            assert [summarize(p).flagged(t) for p in preds] == expected.tolist()
            store.set_thresholds(t)
            assert store.rows(Filter.FLAGGED) == np.flatnonzero(expected).tolist()
            one_by_one = ResultsStore(store.images, thresholds=t)  # each row flagged as it arrives
            for i, p in enumerate(preds):
                one_by_one.add("m", Outcome(f"/x/{i}.png", p))
            assert one_by_one.rows(Filter.FLAGGED) == np.flatnonzero(expected).tolist()
            if task != "classification":  # "filtered still holds a defect" is the same rule
                kept = [len(p.filtered(t)) > 0 if task == "detection" else p.filtered(t).defect_mask().any()
                        for p in preds]
                assert kept == expected.tolist()


def test_classification_score_equal_to_threshold_flags_everywhere():
    """The old classification copy compared in float64: 0.7 (float32 0.69999999) < 0.7, while the
    image-level metrics (float32) counted it -- the list and the metrics disagreed."""
    r = ClassificationResult([0.7, 0.2, 0.1], CLS_NAMES)
    assert r.is_defective(0.7) and summarize(r).flagged(Thresholds(0.7))
    assert ImageScores.from_pairs([(r, r)]).predicted(0.7).tolist() == [True]
    d = DetectionResult([[0, 0, 5, 5]], [0.7], [0], CLS_NAMES, (10, 10))
    assert summarize(d).flagged(Thresholds(0.7)) and len(d.filtered(0.7)) == 1  # was False in the session


def test_ground_truth_defective_is_the_same_rule():
    rng = np.random.default_rng(3)
    for r in random_results(rng, 60):
        gt_defective = ImageScores.from_pairs([(r, r)]).gt_defective[0]
        assert gt_defective == is_defective(r)


# ------------------------------------------------------------------ ground-truth pairing
class _GT:
    def __init__(self, task, names, entries, bad=()):
        self.task, self.class_names, self.entries, self.bad = task, names, entries, set(bad)

    def get(self, path):
        if path in self.bad:
            from inspectors.errors import GroundTruthError

            raise GroundTruthError("bad")
        return self.entries.get(path)

    def difficult_flags(self, path):
        return np.zeros(len(self.entries[path]), bool)


def test_pairing_maps_classes_by_name_and_counts_what_it_leaves_out():
    gt_names = ("scratch", "dent")
    model = ("dent", "scratch")
    g = DetectionResult([[0, 0, 9, 9]], [1], [1], gt_names, SIZE)  # a dent
    p = DetectionResult([[0, 0, 9, 9]], [0.8], [0], model, SIZE)  # the model's class 0 is dent
    gt = _GT("detection", gt_names, {"a": g, "b": g})
    out = pair_with_ground_truth(gt, [(0, "a", p), (1, "none", p)])
    assert out.keys == [0] and out.no_ground_truth == 1 and out.pairs[0][1].class_ids.tolist() == [1]
    assert out.pairs[0][1].class_names == gt_names and out.difficult[0].tolist() == [False]
    assert any("by name" in n for n in out.notes) and out.left_out()
    gt.bad = {"b"}
    assert pair_with_ground_truth(gt, [(0, "b", p)]).bad_ground_truth == 1
    seg = SegmentationResult(np.zeros((4, 4), np.uint8), ("bg", "a"))
    with pytest.raises(InspectorError, match="segmentation model but the ground truth is for detection"):
        pair_with_ground_truth(gt, [(0, "a", seg)])


def test_diff_view_compares_in_the_ground_truths_classes():
    """The viewer hands the diff the model's raw result: it used to match class *ids* across
    two class lists (dent painted as a false positive of 'scratch' and a missed dent)."""
    g = DetectionResult([[10, 10, 60, 60]], [1], [1], ("scratch", "dent"), SIZE)
    p = DetectionResult([[10, 10, 60, 60]], [0.9], [0], ("dent", "scratch"), SIZE)
    out = diff(np.zeros((*SIZE, 3), np.uint8), g, p, Thresholds(0.5))
    assert tuple(out[35, 10]) == HIT
    wrong = DetectionResult([[10, 10, 60, 60]], [0.9], [0], ("a", "b", "c"), SIZE)
    out = diff(np.zeros((*SIZE, 3), np.uint8), g, wrong, Thresholds(0.5))
    assert tuple(out[35, 10]) == (0, 0, 0)  # not compared: a banner says why


def test_training_evaluation_aligns_classes_by_name(tmp_path):
    """predict_pairs used the model's class ids as they came: a dataset listing the same
    classes in another order failed (or, with equal names in another order, was misread)."""
    import shutil

    from inspectors.assets import models_dir
    from inspectors.groundtruth.discover import discover
    from inspectors.tooling.training.evaluation import evaluate_export, predict_pairs

    model = models_dir() / "neu_cls_resnet_small"
    demo = Path(__file__).resolve().parents[1] / "resources" / "demo" / "neu_cls"
    if not model.is_dir() or not demo.is_dir():
        pytest.skip("no bundled classifier / demo set")
    names = (demo / "labels.txt").read_text().split()
    lines = [ln.split() for ln in (demo / "val_list.txt").read_text().splitlines() if ln.strip()][::5]
    for root, order in (("same", names), ("reversed", names[::-1])):
        d = tmp_path / root
        for rel, _ in lines:
            (d / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(demo / rel, d / rel)
        (d / "labels.txt").write_text("\n".join(order) + "\n")
        (d / "val_list.txt").write_text("".join(f"{rel} {order.index(names[int(c)])}\n" for rel, c in lines))
    same, reordered = discover(tmp_path / "same"), discover(tmp_path / "reversed")
    paired, _ = predict_pairs(model, reordered)
    assert all(p.class_names == tuple(names[::-1]) for _g, p in paired.pairs)
    assert evaluate_export(model, reordered)["accuracy"] == evaluate_export(model, same)["accuracy"]


# ------------------------------------------------------------------ model folders
NORMALIZE = {"mean": [0.5, 0.5, 0.5], "std": [0.5, 0.5, 0.5]}
DEPLOY = {"Deploy": {"model": "model.pdmodel", "params": "model.pdiparams",
                     "transforms": [{"type": "Normalize", **NORMALIZE}], "output_op": "argmax"}}
INFER_CFG = {"mode": "paddle", "arch": "PicoDet", "metric": "VOC", "draw_threshold": 0.5,
             "Preprocess": [{"type": "Resize", "interp": 2, "keep_ratio": False, "target_size": [32, 32]},
                            {"type": "NormalizeImage", "is_scale": True, "norm_type": "mean_std", **NORMALIZE},
                            {"type": "Permute"}],
             "label_list": ["a", "b"], "NMS": {"keep_top_k": 100}}
INFERENCE_YML = {"Global": {"model_name": "ResNet18"},
                 "PreProcess": {"transform_ops": [{"ResizeImage": {"resize_short": 36}},
                                                  {"CropImage": {"size": 32}},
                                                  {"NormalizeImage": {"scale": "1.0/255.0", "order": "",
                                                                      **NORMALIZE}},
                                                  {"ToCHWImage": None}]},
                 "PostProcess": {"Topk": {"topk": 2, "label_list": ["a", "b"]}}}
MODEL_YML = {"Model": "DeepLabV3P", "status": "Infer", "version": "2.1.0", "TransformsMode": "RGB",
             "_Attributes": {"model_type": "segmenter", "num_classes": 2, "labels": ["a", "b"]},
             "Transforms": [{"Normalize": {"is_scale": True, **NORMALIZE}}]}
WEIGHTS = ("model.pdmodel", "model.pdiparams")
CLAS = ("inference.pdmodel", "inference.pdiparams")

#: layout name -> ({relative file: yaml doc, or None for a placeholder}, the engine loads it)
LAYOUTS = {
    "deploy.yaml": ({"deploy.yaml": DEPLOY, **dict.fromkeys(WEIGHTS)}, True),
    "deploy.yml": ({"deploy.yml": DEPLOY, **dict.fromkeys(WEIGHTS)}, True),
    "infer_cfg.yml": ({"infer_cfg.yml": INFER_CFG, **dict.fromkeys(WEIGHTS)}, True),
    "infer_cfg.yaml": ({"infer_cfg.yaml": INFER_CFG, **dict.fromkeys(WEIGHTS)}, True),
    "model.yml": ({"model.yml": MODEL_YML, **dict.fromkeys(WEIGHTS)}, True),
    "paddleclas inference.yml": ({"inference.yml": INFERENCE_YML, **dict.fromkeys(CLAS)}, True),
    "paddleclas program only": (dict.fromkeys(CLAS), True),
    "one model subfolder": ({"export/deploy.yaml": DEPLOY, **{f"export/{w}": None for w in WEIGHTS},
                             "notes.txt": None}, True),
    "one detection subfolder": ({"out/infer_cfg.yaml": INFER_CFG, **{f"out/{w}": None for w in WEIGHTS}}, True),
    "one paddleclas subfolder": ({f"best/{w}": None for w in CLAS}, True),
    "model subfolder beside hidden one": ({"m/deploy.yaml": DEPLOY, **{f"m/{w}": None for w in WEIGHTS},
                                           ".git/deploy.yaml": DEPLOY}, True),
    "empty": ({}, False),
    "images": ({"a.png": None, "b.jpg": None}, False),
    "images in subfolders": ({"ok/a.png": None, "ng/b.png": None}, False),
    "only __model__": ({"__model__": None, "__params__": None}, False),
    "program without config": (dict.fromkeys(WEIGHTS), False),
    "training checkpoint": ({"model.pdparams": None, "model.pdopt": None}, False),
    "paddle 3 export": ({"inference.json": None, "inference.pdiparams": None}, False),
    "two configs": ({"deploy.yaml": DEPLOY, "infer_cfg.yml": INFER_CFG, **dict.fromkeys(WEIGHTS)}, False),
    "config beside paddleclas": ({"deploy.yaml": DEPLOY, "inference.yml": INFERENCE_YML,
                                  **dict.fromkeys(WEIGHTS)}, False),
    "two model subfolders": ({"a/deploy.yaml": DEPLOY, "b/infer_cfg.yml": INFER_CFG}, False),
    "model two levels down": ({"a/b/deploy.yaml": DEPLOY, **{f"a/b/{w}": None for w in WEIGHTS}}, False),
    "paddleclas config only": ({"inference.yml": INFERENCE_YML}, False),
}


def make_layout(root: Path, files: dict) -> Path:
    root.mkdir(parents=True)
    for rel, doc in files.items():
        f = root / rel
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_bytes(b"\x08\x01" if doc is None else yaml.safe_dump(doc).encode())
    return root


def _engine_loads(folder: Path) -> bool:
    try:
        load_model_spec(folder)
    except ModelFormatError:
        return False
    return True


@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_the_app_treats_as_a_model_exactly_what_the_engine_loads(tmp_path, name):
    from app.main_window import looks_like_model

    files, loads = LAYOUTS[name]
    folder = make_layout(tmp_path / "dropped", files)
    assert _engine_loads(folder) is loads
    assert looks_like_model(str(folder)) is loads
    assert is_model_folder(folder) is loads and (recognize(folder) is not None) is loads
    if not loads:
        with pytest.raises(NotAModelError):
            load_model_spec(folder)


def test_a_recognized_folder_with_broken_contents_is_still_a_model(tmp_path):
    """Recognition is by file names; a broken config is the model's error, shown as such."""
    folder = make_layout(tmp_path / "m", {"deploy.yaml": {"Deploy": {"transforms": "x"}}})
    assert is_model_folder(folder)
    with pytest.raises(ModelFormatError) as e:
        load_model_spec(folder)
    assert not isinstance(e.value, NotAModelError)


def test_bundled_models_are_recognized():
    from app.launch import BUNDLED_MODELS, bundled_models

    if not BUNDLED_MODELS.is_dir():
        pytest.skip("no bundled models")
    found = bundled_models()
    assert found and all(_engine_loads(Path(m)) for m in found)
