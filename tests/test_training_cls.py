"""Classification training on a tiny generated set: loss goes down, resume, export through
the exporters and the engine gives the trained network's predictions; bad data stops
training before the first step."""

from __future__ import annotations

import argparse
from pathlib import Path

import cv2
import numpy as np
import pytest
import yaml

from inspectors.tooling.training import TrainingDataError, TrainingError

NAMES = ["hstripe", "vstripe", "blob"]


def _image(kind: int, rng: np.random.Generator) -> np.ndarray:
    im = rng.normal(120, 12, (40, 40))
    if kind == 0:
        im[:: 8, :] += 90
        im[1:: 8, :] += 90
    elif kind == 1:
        im[:, :: 8] += 90
        im[:, 1:: 8] += 90
    else:
        cv2.circle(im, (int(rng.integers(12, 28)), int(rng.integers(12, 28))), 7, 20.0, -1)
    return np.clip(im, 0, 255).astype(np.uint8)


def make_set(root: Path, per_class: int = 8, val_per_class: int = 2) -> Path:
    rng = np.random.default_rng(0)
    lines = {"train": [], "val": []}
    for c, name in enumerate(NAMES):
        (root / name).mkdir(parents=True, exist_ok=True)
        for i in range(per_class + val_per_class):
            rel = f"{name}/{name}_{i}.bmp"
            cv2.imwrite(str(root / rel), _image(c, rng))
            lines["train" if i < per_class else "val"].append(f"{rel} {c}\n")
    for split, rows in lines.items():
        (root / f"{split}_list.txt").write_text("".join(rows))
    (root / "labels.txt").write_text("\n".join(NAMES) + "\n")
    return root


def make_config(tmp: Path, data: Path, **train) -> Path:
    cfg = {
        "model_name": "tiny", "arch": "resnet_small",
        "data": {"root": str(data), "image_size": 32,
                 "augment": {"hflip": False, "vflip": False, "crop_scale": 1.0,
                             "brightness": 0.0, "contrast": 0.0}},
        "train": {"epochs": 4, "batch_size": 8, "lr": 0.05, "warmup_epochs": 0, "eval_every": 1,
                  "weight_decay": 0.0, **train},
        "output": str(tmp / "out"), "export_dir": str(tmp / "export"),
    }
    path = tmp / "cls.yml"
    path.write_text(yaml.safe_dump(cfg))
    return path


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    from inspectors.tooling.training.classification import ClassificationTrainer, ClsConfig

    tmp = tmp_path_factory.mktemp("cls")
    trainer = ClassificationTrainer(ClsConfig.from_yaml(make_config(tmp, make_set(tmp / "data"))))
    state = trainer.fit()
    return trainer, state, tmp


def test_loss_goes_down_and_state_is_kept(trained) -> None:
    _, state, tmp = trained
    hist = state["history"]
    assert len(hist) == 4 and state["epoch"] == 4
    assert hist[-1]["loss"] < 0.7 * hist[0]["loss"]
    assert all("val_acc" in h for h in hist)
    for name in ("latest.pdparams", "latest.pdopt", "best.pdparams", "state.json", "train_log.jsonl"):
        assert (tmp / "out" / name).is_file()


def test_export_loads_in_engine_with_same_predictions(trained) -> None:
    import paddle

    from inspectors.engine import Inspector
    from inspectors.imageio import read_image

    trainer, _, tmp = trained
    result = trainer.export(tmp / "export")
    assert (result.dir / "inference.yml").is_file()
    inspector = Inspector.from_path(result.dir)
    assert inspector.task == "classification" and inspector.class_names == tuple(NAMES)
    trainer.model.eval()
    for path, _ in trainer.val_rows:
        image = read_image(path)
        x, _ = trainer.val_batches.pre(image)
        with paddle.no_grad():
            want = paddle.nn.functional.softmax(trainer.model(paddle.to_tensor(x[None]))).numpy()[0]
        got = inspector.predict(image).probabilities
        np.testing.assert_allclose(got, want, atol=1e-4)


def test_resume_continues_from_checkpoint(trained) -> None:
    from inspectors.tooling.training.classification import ClassificationTrainer, ClsConfig

    _, _, tmp = trained
    cfg = ClsConfig.from_yaml(tmp / "cls.yml", epochs=5)
    state = ClassificationTrainer(cfg).fit(resume=True)
    assert state["epoch"] == 5 and len(state["history"]) == 5


def _trainer_error(tmp: Path, edit) -> str:
    from inspectors.tooling.training.classification import ClassificationTrainer, ClsConfig

    data = make_set(tmp / "data", per_class=2, val_per_class=1)
    edit(data)
    with pytest.raises(TrainingDataError) as e:
        ClassificationTrainer(ClsConfig.from_yaml(make_config(tmp, data)))
    return str(e.value)


def test_missing_image_stops_before_training(tmp_path: Path) -> None:
    msg = _trainer_error(tmp_path, lambda d: (d / "blob" / "blob_0.bmp").unlink())
    assert "blob_0.bmp not found" in msg and "train_list.txt" in msg


def test_label_out_of_range_stops_before_training(tmp_path: Path) -> None:
    def edit(d: Path) -> None:
        text = (d / "train_list.txt").read_text()
        (d / "train_list.txt").write_text(text.replace("blob/blob_0.bmp 2", "blob/blob_0.bmp 7"))

    msg = _trainer_error(tmp_path, edit)
    assert "class id 7" in msg or "outside" in msg


def test_empty_list_stops_before_training(tmp_path: Path) -> None:
    msg = _trainer_error(tmp_path, lambda d: (d / "val_list.txt").write_text(""))
    assert "val_list.txt" in msg


def test_cli_train_reports_bad_data(tmp_path: Path) -> None:
    from inspectors.cli import train
    from inspectors.cli.common import CliError

    data = make_set(tmp_path / "data", per_class=2, val_per_class=1)
    (data / "train_list.txt").write_text("nowhere.bmp 0\n")
    parser = argparse.ArgumentParser()
    train.add_parser(parser.add_subparsers())
    args = parser.parse_args(["train", "cls", "--config", str(make_config(tmp_path, data))])
    with pytest.raises(TrainingDataError, match="nowhere.bmp"):
        args.func(args)
    args = parser.parse_args(["train", "cls", "--config", str(tmp_path / "missing.yml")])
    with pytest.raises(CliError, match="not found"):
        args.func(args)


def test_train_command_exports_with_model_card(tmp_path: Path) -> None:
    from inspectors.tooling.training.classification import train_classification

    config = make_config(tmp_path, make_set(tmp_path / "data", per_class=4, val_per_class=2),
                         epochs=2)
    state = train_classification(config)
    export = Path(state["export"])
    card = (export / "MODEL_CARD.md").read_text()
    assert "top-1 accuracy" in card and "python main.py train cls --config" in card
    assert abs(state["val_metrics"]["accuracy"] - state["best_acc"]) < 1e-6


def test_selection_prefers_the_weights_that_meet_every_target() -> None:
    from inspectors.tooling.training.classification import Selection

    sel = Selection.from_dict({"under": ["blur:1.5", "noise:8"], "clean": 0.99, "perturbed": 0.98})
    sharp_but_fragile = sel.score(0.9967, [0.9700, 0.9900])  # worst margin: 0.97 - 0.98
    meets_all = sel.score(0.9900, [0.9800, 0.9833])  # worst margin: 0
    assert meets_all > sharp_but_fragile
    assert meets_all == pytest.approx((0.0, 0.0, 0.0033))
    assert sel.score(0.995, [0.985, 0.99]) > meets_all  # margins 0.005 / 0.005 / 0.01
    # equal worst margins: the next worst decides (0.99 clean with 0.9833 / 0.9867 beats 0.98 / 0.99)
    assert sel.score(0.99, [0.9833, 0.9867]) > sel.score(0.99, [0.98, 0.99])
    for bad, why in (({"under": []}, "lists no perturbation"), ({"under": ["blurr:1"]}, "blurr"),
                     ({"under": ["blur"]}, "name:strength")):
        with pytest.raises(TrainingError, match=why):
            Selection.from_dict(bad)


def test_selection_keeps_the_best_epoch_and_its_figures_are_the_engines(tmp_path: Path) -> None:
    """Per-epoch accuracies under a fixed perturbation, measured in training, equal what the
    engine measures on the export of the kept weights with the same perturbation installed."""
    from inspectors.engine import Inspector
    from inspectors.perturb import PERTURBATIONS
    from inspectors.robustness import image_seed
    from inspectors.tooling.training.classification import train_classification

    data = make_set(tmp_path / "data")
    select = {"under": ["blur:1.5", "noise:30"], "clean": 0.9, "perturbed": 0.8}
    state = train_classification(make_config(tmp_path, data, epochs=3, select=select))
    labels = {"blur 1.5 px sigma": ("blur", 1.5), "noise 30 grey levels sigma": ("noise", 30.0)}
    rows = state["history"]
    assert all(f"val_acc {label}" in r for r in rows for label in labels)

    def score(r):  # the rule, written out: the largest worst margin, then the next worst, ...
        margins = [r["val_acc"] - 0.9] + [r[f"val_acc {label}"] - 0.8 for label in labels]
        return sorted(round(m, 9) for m in margins)

    best = max(rows, key=score)  # max keeps the first of equals, as training does
    assert state["best_epoch"] == best["epoch"]
    inspector = Inspector.from_path(tmp_path / "export")
    val = [line.rsplit(None, 1) for line in (data / "val_list.txt").read_text().splitlines()]
    for label, (name, strength) in labels.items():
        p = PERTURBATIONS[name]
        inspector.image_hook = lambda im, path, p=p, s=strength: p.apply(im, s, image_seed(0, path))
        outcomes = list(inspector.run([data / rel for rel, _ in val]))
        hits = [int(np.argmax(o.result.probabilities)) == int(y) for o, (_, y) in zip(outcomes, val)]
        assert np.mean(hits) == pytest.approx(best[f"val_acc {label}"]), label
