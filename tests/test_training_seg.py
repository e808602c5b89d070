"""Segmentation training through PaddleSeg's API on a tiny generated set: the loss goes
down, the PaddleSeg export loads in the engine with the trained network's predictions,
and bad label maps stop training before the first step."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest
import yaml

pytest.importorskip("paddleseg")

from inspectors.tooling.training import TrainingDataError  # noqa: E402

SIZE = 64


def make_set(root: Path, n_train: int = 6, n_val: int = 2) -> Path:
    """Gray noise with a bright square (class 1) and a dark line (class 2)."""
    rng = np.random.default_rng(0)
    (root / "images").mkdir(parents=True, exist_ok=True)
    (root / "labels").mkdir(exist_ok=True)
    rows = []
    for i in range(n_train + n_val):
        im = rng.normal(110, 10, (SIZE, SIZE)).clip(0, 255).astype(np.uint8)
        lab = np.zeros((SIZE, SIZE), np.uint8)
        x, y = rng.integers(4, 36, 2)
        im[y:y + 20, x:x + 20] = 220
        lab[y:y + 20, x:x + 20] = 1
        r = int(rng.integers(2, 60))
        im[r:r + 3, :] = 20
        lab[r:r + 3, :] = 2
        cv2.imwrite(str(root / "images" / f"{i}.jpg"), im, [cv2.IMWRITE_JPEG_QUALITY, 98])
        cv2.imwrite(str(root / "labels" / f"{i}.png"), lab)
        rows.append(f"images/{i}.jpg labels/{i}.png\n")
    (root / "train.txt").write_text("".join(rows[:n_train]))
    (root / "val.txt").write_text("".join(rows[n_train:]))
    (root / "labels.txt").write_text("background\nsquare\nline\n")
    return root


def make_config(tmp: Path, data: Path, iters: int = 10) -> Path:
    ds = {"type": "Dataset", "dataset_root": str(data), "num_classes": 3}
    norm = [{"type": "Resize", "target_size": [SIZE, SIZE]}, {"type": "Normalize"}]
    cfg = {
        "batch_size": 3, "iters": iters,
        "train_dataset": {**ds, "train_path": "train.txt", "mode": "train", "transforms": norm},
        "val_dataset": {**ds, "val_path": "val.txt", "mode": "val", "transforms": norm},
        "model": {"type": "FastSCNN", "num_classes": 3, "enable_auxiliary_loss": False},
        "optimizer": {"type": "SGD", "momentum": 0.9, "weight_decay": 0.0},
        "lr_scheduler": {"type": "PolynomialDecay", "learning_rate": 0.05, "end_lr": 0.0, "power": 0.9},
        "loss": {"types": [{"type": "MixedLoss", "coef": [0.7, 0.3],
                            "losses": [{"type": "CrossEntropyLoss"}, {"type": "DiceLoss"}]}],
                 "coef": [1]},
        "inspector": {"output": str(tmp / "out"), "export_dir": str(tmp / "export"),
                      "eval_interval": iters // 2, "output_op": "softmax", "log_iters": 100},
    }
    path = tmp / "seg.yml"
    path.write_text(yaml.safe_dump(cfg))
    return path


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    from inspectors.tooling.training.segmentation import train_segmentation

    tmp = tmp_path_factory.mktemp("seg")
    config = make_config(tmp, make_set(tmp / "data"))
    return train_segmentation(config), config, tmp


def test_loss_goes_down_and_checkpoints(trained) -> None:
    state, _, tmp = trained
    first, last = state["history"][0], state["history"][-1]
    assert state["iter"] == 10 and len(state["history"]) == 2
    assert last["loss"] < first["loss"] and last["last_loss"] < first["first_loss"]
    assert (tmp / "out" / "iter_10" / "model.pdparams").is_file()
    assert 0.0 <= state["best_metric"] <= 1.0


def test_export_matches_trained_network(trained) -> None:
    import paddle
    from paddleseg.transforms import Compose

    from inspectors.engine import Inspector
    from inspectors.imageio import read_image
    from inspectors.tooling.training.segmentation import build

    state, _, tmp = trained
    export = Path(state["export"])
    assert (export / "deploy.yaml").is_file() and (export / "MODEL_CARD.md").is_file()
    assert abs(state["val_metrics"]["miou"] - state["best_metric"]) < 1e-9
    inspector = Inspector.from_path(export)
    assert inspector.task == "segmentation"
    assert list(inspector.class_names) == ["background", "square", "line"]  # labels.txt beside deploy.yaml
    builder = build(tmp / "out" / "config_resolved.yml")
    model = builder.model
    model.set_state_dict(paddle.load(str(tmp / "out" / f"iter_{state['best_iter']}" / "model.pdparams")))
    model.eval()
    compose = Compose(builder.config.val_dataset_cfg["transforms"] and builder.val_transforms)
    for i in (6, 7):
        path = tmp / "data" / "images" / f"{i}.jpg"
        x = compose({"img": str(path)})["img"]
        with paddle.no_grad():
            prob = paddle.nn.functional.softmax(model(paddle.to_tensor(x[None]))[0], axis=1).numpy()[0]
        got = inspector.predict(read_image(path))
        np.testing.assert_array_equal(got.label_map, prob.argmax(0))
        np.testing.assert_allclose(got.confidence, prob.max(0), atol=1e-4)


def test_resume_from_latest_iteration(trained) -> None:
    from inspectors.tooling.training.segmentation import train_segmentation

    _, config, _ = trained
    state = train_segmentation(config, resume=True, iters=15, eval_interval=5, export=False)
    assert state["iter"] == 15 and [h["iter"] for h in state["history"]] == [5, 10, 15]


def test_bad_label_values_stop_before_training(tmp_path: Path) -> None:
    from inspectors.tooling.training.segmentation import train_segmentation

    data = make_set(tmp_path / "data", n_train=2, n_val=1)
    cv2.imwrite(str(data / "labels" / "1.png"), np.full((SIZE, SIZE), 9, np.uint8))
    with pytest.raises(TrainingDataError, match=r"1\.png: label values \[9\]"):
        train_segmentation(make_config(tmp_path, data))
    assert not (tmp_path / "out" / "iter_5").exists()


def test_missing_label_file_stops_before_training(tmp_path: Path) -> None:
    from inspectors.tooling.training.segmentation import train_segmentation

    data = make_set(tmp_path / "data", n_train=2, n_val=1)
    (data / "labels" / "0.png").unlink()
    with pytest.raises(TrainingDataError, match="0.png"):
        train_segmentation(make_config(tmp_path, data))
