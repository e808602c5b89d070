"""``--augment``: the training recipes draw the same perturbation functions the robustness
sweep measures (cls batches, the PaddleSeg transform and the ppdet operator)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import yaml

from inspectors import perturb as P
from inspectors.tooling.training import perturb_ops as O
from inspectors.tooling.training.cls_data import augment
from inspectors.tooling.training.common import TrainingError
from tests.test_training_cls import make_config as cls_config
from tests.test_training_cls import make_set as cls_set
from tests.test_training_seg import make_config as seg_config
from tests.test_training_seg import make_set as seg_set


def test_cls_augment_applies_the_perturbation_first():
    im = np.full((20, 20, 3), 100, np.uint8)
    items = P.parse_augment("brightness:-50--50")  # a fixed strength: the image halved
    out = augment(im, np.random.default_rng(0), hflip=False, vflip=False, crop_scale=1.0, brightness=0,
                  contrast=0, perturb=items, perturb_p=1.0)
    assert np.array_equal(out, np.full_like(im, 50))


def test_cls_config_takes_the_cli_list(tmp_path: Path):
    from inspectors.tooling.training.classification import ClassificationTrainer, ClsConfig

    data = cls_set(tmp_path / "data", per_class=2, val_per_class=1)
    cfg = ClsConfig.from_yaml(cls_config(tmp_path, data, batch_size=4), perturb="noise:0-8,blur:1-1")
    assert cfg.augment["perturb"] == "noise:0-8,blur:1-1" and cfg.augment["hflip"] is False
    trainer = ClassificationTrainer(cfg)
    assert [i.name for i in trainer.train_batches.aug["perturb"]] == ["noise", "blur"]
    with pytest.raises(TrainingError, match="unknown perturbation"):
        ClassificationTrainer(ClsConfig.from_yaml(cls_config(tmp_path, data, batch_size=4), perturb="fog:1"))


def test_seg_recipe_gets_the_transform_and_paddleseg_builds_it(tmp_path: Path):
    from inspectors.tooling.training.segmentation import build, prepare

    data = seg_set(tmp_path / "data", n_train=3, n_val=1)
    config = seg_config(tmp_path, data)
    prep = prepare(config, perturb="brightness:-50--50", augment_p=1.0)
    resolved = yaml.safe_load(Path(prep["config"]).read_text())
    first = resolved["train_dataset"]["transforms"][0]
    assert first["type"] == "LinePerturb" and first["perturb"] == ["brightness:-50--50"]
    assert all(t["type"] != "LinePerturb" for t in resolved["val_dataset"]["transforms"])
    op = build(prep["config"]).train_dataset.transforms.transforms[0]
    img = op({"img": np.full((8, 8, 3), 100, np.float32)})["img"]
    assert img.dtype == np.float32 and np.all(img == 50)


def test_det_operator_after_decode():
    O.register_det()
    import ppdet.data.transform as T

    op = T.LinePerturb(perturb=["brightness:50-50"], p=1.0)
    assert np.all(op({"image": np.full((4, 4, 3), 100, np.uint8)})["image"] == 150)
    reader = {"sample_transforms": [{"Decode": {}}, {"RandomFlip": {}}]}
    O.add_det_op(reader, ["blur:0-2"], 0.3, 0)
    assert list(reader["sample_transforms"][1]) == ["LinePerturb"]


def test_cls_fine_tune_starts_from_a_bundled_export():
    """The converted weights give the Paddle Inference engine's probabilities on the export."""
    root = Path(__file__).resolve().parents[1]
    model_dir = root / "models" / "neu_cls_resnet_small"
    if not model_dir.is_dir():
        pytest.skip("bundled classifier absent")
    import paddle
    import paddle.nn.functional as F

    from inspectors.engine import Inspector
    from inspectors.tooling.training.cls_data import preprocessor
    from inspectors.tooling.training.cls_models import build_classifier, weights_from_export

    inspector = Inspector.from_path(model_dir)
    names = inspector.class_names
    net = build_classifier("resnet_small", len(names))
    net.set_state_dict(weights_from_export(model_dir, "resnet_small", len(names)))
    net.eval()
    rng = np.random.default_rng(0)
    im = np.clip(rng.normal(120, 35, (200, 200, 3)), 0, 255).astype(np.uint8)
    x = preprocessor(128)(im)[0][None].astype(np.float32)
    mine = F.softmax(net(paddle.to_tensor(x)), axis=-1).numpy()[0]
    np.testing.assert_allclose(mine, inspector.predict(im).probabilities, atol=1e-5)
    with pytest.raises(TrainingError, match="not an export of a resnet_small with 5 classes"):
        weights_from_export(model_dir, "resnet_small", 5)
