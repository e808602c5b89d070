"""Detection training through PaddleDetection's Trainer on a tiny generated VOC set: the
loss goes down, the ppdet export loads in the engine with the trained network's own
(ppdet dygraph) predictions, training resumes, bad data stops before the first step, and
the seed 002 recipe builds Faster R-CNN + DCN with the stated settings."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest

pytest.importorskip("ppdet")

from inspectors.tooling.training import TrainingDataError  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DET = ROOT / "resources" / "configs" / "det"
SIZE = 192  # ATSS takes 9 anchors per level: the stride-64 level needs 3x3
NAMES = ("bright", "dark")

XML = """<annotation><filename>{name}</filename>
<size><width>{w}</width><height>{h}</height><depth>3</depth></size>{objects}
</annotation>"""
OBJ = """<object><name>{cls}</name><difficult>0</difficult>
<bndbox><xmin>{x1}</xmin><ymin>{y1}</ymin><xmax>{x2}</xmax><ymax>{y2}</ymax></bndbox></object>"""


def make_voc(root: Path, n_train: int = 8, n_val: int = 2, seed: int = 0) -> Path:
    """Noise with one bright and one dark rectangle per image, VOC XML + lists."""
    rng = np.random.default_rng(seed)
    (root / "JPEGImages").mkdir(parents=True, exist_ok=True)
    (root / "Annotations").mkdir(exist_ok=True)
    rows = []
    for i in range(n_train + n_val):
        im = rng.normal(120, 12, (SIZE, SIZE)).clip(0, 255).astype(np.uint8)
        objects = []
        for cls, value, (ox, oy) in (("bright", 235, (8, 8)), ("dark", 15, (100, 100))):
            x, y = ox + int(rng.integers(0, 16)), oy + int(rng.integers(0, 16))
            w, h = int(rng.integers(40, 64)), int(rng.integers(40, 64))
            im[y:y + h, x:x + w] = value
            objects.append(OBJ.format(cls=cls, x1=x, y1=y, x2=x + w - 1, y2=y + h - 1))
        cv2.imwrite(str(root / "JPEGImages" / f"{i}.jpg"), cv2.merge([im] * 3),
                    [cv2.IMWRITE_JPEG_QUALITY, 98])
        (root / "Annotations" / f"{i}.xml").write_text(
            XML.format(name=f"{i}.jpg", w=SIZE, h=SIZE, objects="".join(objects)))
        rows.append(f"JPEGImages/{i}.jpg Annotations/{i}.xml\n")
    (root / "train_list.txt").write_text("".join(rows[:n_train]))
    (root / "val_list.txt").write_text("".join(rows[n_train:]))
    (root / "labels.txt").write_text("".join(f"{n}\n" for n in NAMES))
    return root


def make_config(tmp: Path, data: Path, epochs: int = 12) -> Path:
    ds = ("  !VOCDataSet\n    dataset_dir: {d}\n    anno_path: {a}\n    label_list: labels.txt\n"
          "    data_fields: ['image', 'gt_bbox', 'gt_class', 'difficult']\n")
    text = f"""_BASE_: [{DET / 'picodet_s_320_lcnet.yml'}]
pretrain_weights: ''
epoch: {epochs}
num_classes: 2
inspector:
  output: {tmp / 'out'}
  export_dir: {tmp / 'export'}
  eval_interval: 6
LearningRate:
  base_lr: 0.05
  schedulers:
  - !CosineDecay
    max_epochs: {epochs * 2}
  - !LinearWarmup
    start_factor: 1.0
    steps: 1
OptimizerBuilder:
  optimizer: {{momentum: 0.9, type: Momentum}}
  regularizer: {{factor: 0.00004, type: L2}}
TrainDataset:
{ds.format(d=data, a='train_list.txt')}
EvalDataset:
{ds.format(d=data, a='val_list.txt')}
TrainReader:
  sample_transforms:
  - Decode: {{}}
  - RandomFlip: {{prob: 0.5}}
  batch_transforms:
  - BatchRandomResize: {{target_size: [{SIZE}], random_size: true, random_interp: false, keep_ratio: false}}
  - NormalizeImage: {{is_scale: true, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225]}}
  - Permute: {{}}
  - PadGT: {{}}
  batch_size: 4
  shuffle: true
  drop_last: true
TestReader:
  inputs_def:
    image_shape: [1, 3, {SIZE}, {SIZE}]
  sample_transforms:
  - Decode: {{}}
  - Resize: {{interp: 2, target_size: [{SIZE}, {SIZE}], keep_ratio: false}}
  - NormalizeImage: {{is_scale: true, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225]}}
  - Permute: {{}}
  batch_transforms:
  - PadBatch: {{pad_to_stride: 32}}
  batch_size: 1
"""
    path = tmp / "det.yml"
    path.write_text(text)
    return path


def _env() -> dict:
    return dict(os.environ, OMP_NUM_THREADS="2", PYTHONPATH=str(ROOT))


def _train(config: Path, *extra: str) -> subprocess.CompletedProcess:
    """``python main.py train det`` as a user runs it (its own process: ppdet 2.6 cannot
    build PicoDet twice in one process)."""
    return subprocess.run([sys.executable, str(ROOT / "main.py"), "train", "det", "--config",
                           str(config), *extra], capture_output=True, text=True, env=_env(),
                          cwd=ROOT, timeout=900)


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("det")
    data = make_voc(tmp / "data")
    config = make_config(tmp, data)
    proc = _train(config)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-3000:]
    state = json.loads((tmp / "out" / "state.json").read_text())
    return state, config, tmp


def test_loss_goes_down_and_checkpoints(trained) -> None:
    state, _, tmp = trained
    hist = state["history"]
    assert [h["epoch"] for h in hist] == [6, 12] and state["epoch"] == 12
    assert hist[-1]["loss"] < hist[0]["loss"]
    assert hist[-1]["last_loss"] < hist[0]["first_loss"]
    ckpt = tmp / "out" / "ckpt"
    assert (ckpt / "11.pdparams").is_file() and (ckpt / "11.pdopt").is_file()
    assert not (ckpt / "5.pdparams").exists()  # older epochs pruned
    assert 0.0 <= state["best_metric"] <= 1.0


def test_export_matches_trained_network(trained) -> None:
    """The engine on the export gives the boxes ppdet's own dygraph predict gives with the
    same checkpoint (the last evaluation's export is of the last checkpoint)."""
    from inspectors.engine import Inspector
    from inspectors.imageio import read_image

    state, config, tmp = trained
    export = tmp / "export"
    assert (export / "infer_cfg.yml").is_file() and (export / "MODEL_CARD.md").is_file()
    card = (export / "MODEL_CARD.md").read_text()
    assert f"{100 * state['best_metric']:.2f}" in card
    # two training images (the network is surest there) and the two validation images
    images = [str(tmp / "data" / "JPEGImages" / f"{i}.jpg") for i in (0, 1, 8, 9)]
    ref = subprocess.run([sys.executable, str(ROOT / "tests" / "helpers" / "ppdet_predict.py"),
                          str(config), str(tmp / "out" / "ckpt" / "11.pdparams"),
                          str(tmp / "data" / "labels.txt"), *images],
                         capture_output=True, text=True, env=_env(), cwd=ROOT, timeout=600)
    assert ref.returncode == 0, ref.stderr[-3000:]
    expected = json.loads(ref.stdout.strip().splitlines()[-1])
    inspector = Inspector.from_path(tmp / "out" / "eval_export")
    assert inspector.task == "detection" and list(inspector.class_names) == list(NAMES)
    compared = 0
    for path, boxes in zip(images, expected):
        want = np.array([b for b in boxes if b[1] >= 0.05], np.float64).reshape(-1, 6)
        want[:, 2:] = want[:, 2:].clip(0, SIZE)  # PicoDet's dygraph output is not clipped to the image
        got = inspector.predict(read_image(Path(path)))
        keep = got.scores >= 0.05
        assert int(keep.sum()) == len(want)
        order = np.argsort(-want[:, 1], kind="stable")
        np.testing.assert_allclose(np.sort(got.scores[keep])[::-1], want[order, 1], atol=2e-4)
        # A box whose score ties another's within 1e-3 may be swapped with it by NMS on
        # float noise; the sorted scores above cover those, the boxes are checked for the rest.
        gaps = np.abs(want[:, 1][:, None] - want[:, 1][None, :]) + np.eye(len(want))
        unique = want[gaps.min(1) > 1e-3] if len(want) > 1 else want
        compared += len(unique)
        for cls, score, *box in unique:
            same = np.flatnonzero(got.class_ids == int(cls))
            assert len(same), f"no {NAMES[int(cls)]} box from the engine"
            cost = np.abs(got.scores[same] - score) + np.abs(got.boxes[same] - box).sum(1)
            j = same[int(np.argmin(cost))]
            assert abs(got.scores[j] - score) < 2e-4
            np.testing.assert_allclose(got.boxes[j], box, atol=0.05)
    assert compared > 0, "every score ties another on every image: nothing compared box by box"


def test_resume_continues_from_latest_epoch(trained, tmp_path: Path) -> None:
    state, config, tmp = trained
    longer = tmp_path / "det6.yml"
    longer.write_text(config.read_text().replace("epoch: 12\n", "epoch: 14\n"))
    proc = _train(longer, "--resume", "--no-export")
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "resumed after epoch 12" in proc.stdout
    after = json.loads((tmp / "out" / "state.json").read_text())
    assert [h["epoch"] for h in after["history"]] == [6, 12, 14]
    assert after["history"][:2] == state["history"]


def _expect_data_error(tmp: Path, data: Path, match: str) -> None:
    from inspectors.tooling.training.detection import train_detection

    with pytest.raises(TrainingDataError, match=match):
        train_detection(make_config(tmp, data))
    assert not (tmp / "out" / "ckpt" / "0.pdparams").exists()


def test_unknown_class_stops_before_training(tmp_path: Path) -> None:
    data = make_voc(tmp_path / "data", n_train=2, n_val=1)
    xml = data / "Annotations" / "1.xml"
    xml.write_text(xml.read_text().replace("<name>dark</name>", "<name>dent</name>"))
    _expect_data_error(tmp_path, data, r"(?s)TrainDataset.*1\.xml.*dent")


def test_missing_image_stops_before_training(tmp_path: Path) -> None:
    data = make_voc(tmp_path / "data", n_train=2, n_val=1)
    (data / "JPEGImages" / "0.jpg").unlink()
    _expect_data_error(tmp_path, data, r"0\.jpg not found")


def test_empty_list_stops_before_training(tmp_path: Path) -> None:
    data = make_voc(tmp_path / "data", n_train=2, n_val=1)
    (data / "val_list.txt").write_text("\n")
    _expect_data_error(tmp_path, data, r"EvalDataset: no usable annotations in .*val_list\.txt")


def test_url_pretrained_weights_are_refused(tmp_path: Path) -> None:
    from inspectors.tooling.training import TrainingError
    from inspectors.tooling.training.detection import train_detection

    data = make_voc(tmp_path / "data", n_train=4, n_val=1)
    config = make_config(tmp_path, data)
    config.write_text(config.read_text().replace(
        "pretrain_weights: ''", "pretrain_weights: https://example.invalid/w.pdparams"))
    with pytest.raises(TrainingError, match="--pretrained"):
        train_detection(config)


def test_seed002_recipe_builds_faster_rcnn_dcn_as_stated() -> None:
    from ppdet.core.workspace import load_config

    from inspectors.tooling.exporters.paddledet_export import build_ppdet_model, ppdet_config_scope

    recipe = DET / "seed002_faster_rcnn_r50_vd_dcn.yml"
    with ppdet_config_scope():
        cfg = load_config(str(recipe))
        train_ops = [next(iter(t)) for t in cfg["TrainReader"]["sample_transforms"]]
        for needed in ("RandomFlip", "RandomDistort", "RandomCrop"):
            assert needed in train_ops
        assert cfg["TrainDataset"].allow_empty is True  # background images kept
    with ppdet_config_scope():
        model = build_ppdet_model(recipe, [str(i) for i in range(6)]).model
    assert type(model).__name__ == "FasterRCNN"
    assert type(model.backbone).__name__ == "ResNet" and model.backbone.depth == 50
    dcn = [n for n, _ in model.backbone.named_sublayers() if type(_).__name__ == "DeformConv2D"]
    assert dcn and all(not n.startswith("res2") for n in dcn)
    assert {n.split(".")[0] for n in dcn} == {"res3", "res4", "res5"}
    assert all(conv._out_channels == 64 for conv in model.neck.fpn_convs)
    test = model.rpn_head.test_proposal
    assert (test.pre_nms_top_n, test.post_nms_top_n) == (500, 300)


def test_fewer_images_than_a_batch_stops_before_training(tmp_path: Path) -> None:
    data = make_voc(tmp_path / "data", n_train=3, n_val=1)
    _expect_data_error(tmp_path, data, "3 images, fewer than TrainReader batch_size 4")


def test_best_f1_threshold_hand_case(tmp_path: Path) -> None:
    """Two ground-truth boxes; predictions: a hit at 0.9, a false positive at 0.7, a hit at
    0.3. F1 by threshold: t <= 0.3 -> 3 kept, 2 tp: P 2/3 R 1 F1 0.8; 0.3 < t <= 0.7 -> P 1/2
    R 1/2 F1 0.5; 0.7 < t <= 0.9 -> P 1 R 1/2 F1 0.667. Best: the first t at 0.8, i.e. 0.05."""
    from inspectors.metrics import DetectionMatches
    from inspectors.results import DetectionResult
    from inspectors.tooling.training.evaluation import best_f1_threshold
    from inspectors.tooling.training.finalize import set_draw_threshold

    names = ("a",)
    gt = DetectionResult([[0, 0, 10, 10], [50, 50, 60, 60]], [1, 1], [0, 0], names, (100, 100))
    pred = DetectionResult([[0, 0, 10, 10], [80, 80, 90, 90], [50, 50, 60, 60]], [0.9, 0.7, 0.3],
                           [0, 0, 0], names, (100, 100))
    best = best_f1_threshold(DetectionMatches([(gt, pred)]))
    assert best["threshold"] == 0.05 and best["f1"] == pytest.approx(0.8)
    assert (best["precision"], best["recall"]) == pytest.approx((2 / 3, 1.0))
    # without the low hit, 0.75 (first step above the false positive) wins: P 1, R 1/2
    pred2 = DetectionResult([[0, 0, 10, 10], [80, 80, 90, 90]], [0.9, 0.7], [0, 0], names, (100, 100))
    best2 = best_f1_threshold(DetectionMatches([(gt, pred2)]))
    assert best2["threshold"] == 0.75 and best2["f1"] == pytest.approx(2 / 3)

    cfg = tmp_path / "infer_cfg.yml"
    cfg.write_text("mode: paddle\ndraw_threshold: 0.5\nmetric: VOC\n")
    set_draw_threshold(cfg, 0.35)
    assert cfg.read_text() == "mode: paddle\ndraw_threshold: 0.35\nmetric: VOC\n"
