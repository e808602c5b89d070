"""The seed recipes in resources/configs build their networks with the stated settings."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("paddleseg")

ROOT = Path(__file__).resolve().parents[1]
SEG = ROOT / "resources" / "configs" / "seg"
CLS = ROOT / "resources" / "configs" / "cls"


def _transforms(builder):
    return [builder.build_component(t) for t in builder.config.train_dataset_cfg["transforms"]]


def _mixed(builder, heads: int = 1):
    loss = builder.loss
    assert [type(t).__name__ for t in loss["types"]] == ["MixedLoss"] * heads
    mixed = loss["types"][0]
    return [type(x).__name__ for x in mixed.losses], list(mixed.coef)


def test_seed000_hrnet_w48_mixed_loss_and_augmentation() -> None:
    from inspectors.tooling.training.segmentation import recipe_builder

    b = recipe_builder(SEG / "seed000_hrnet_w48_severstal.yml")
    model = b.model
    assert type(model).__name__ == "FCN"
    assert type(model.backbone).__name__ == "HRNet"
    assert model.backbone.stage2_num_channels[0] == 48
    assert list(model.backbone.stage4_num_channels) == [48, 96, 192, 384]
    assert _mixed(b) == (["CrossEntropyLoss", "DiceLoss"], [0.7, 0.3])
    names = [type(t).__name__ for t in _transforms(b)]
    for needed in ("RandomHorizontalFlip", "RandomDistort", "RandomPaddingCrop", "RandomBlur"):
        assert needed in names
    resize = _transforms(b)[0]
    assert tuple(resize.target_size) == (800, 128)  # PaddleSeg target_size is (w, h)
    crop = next(t for t in _transforms(b) if type(t).__name__ == "RandomPaddingCrop")
    assert tuple(crop.crop_size) == (128, 800)  # stored (h, w) by PaddleSeg


@pytest.mark.parametrize("name,second", [("seed001_unet_ce_lovasz.yml", "LovaszSoftmaxLoss"),
                                         ("seed001_unet_ce_dice.yml", "DiceLoss")])
def test_seed001_unet_400x64(name: str, second: str) -> None:
    from inspectors.tooling.training.common import read_config
    from inspectors.tooling.training.segmentation import recipe_builder

    b = recipe_builder(SEG / name)
    assert type(b.model).__name__ == "UNet"
    assert _mixed(b) == (["CrossEntropyLoss", second], [0.8, 0.2])
    assert tuple(_transforms(b)[0].target_size) == (400, 64)
    assert read_config(SEG / name)["inspector"]["defect_free"] in ("none", "all")


def test_seed004_resnet50_vd_224() -> None:
    from inspectors.tooling.training.classification import ClsConfig
    from inspectors.tooling.training.cls_data import preprocessor
    from inspectors.tooling.training.cls_models import build_classifier

    cfg = ClsConfig.from_yaml(CLS / "seed004_resnet50_vd.yml")
    assert (cfg.arch, cfg.image_size, cfg.resize_short, cfg.batch_size, cfg.epochs) == (
        "resnet50_vd", 224, 256, 64, 50)
    model = build_classifier(cfg.arch, 6)
    assert type(model.backbone).__name__ == "ResNet_vd"
    assert model.fc.weight.shape == [2048, 6]
    ops = [repr(op) for op in preprocessor(cfg.image_size, cfg.resize_short).ops]
    assert ops[0].startswith("ResizeShort(short_size=256") and ops[1].startswith("CenterCrop(size=(224, 224)")


def test_bundled_recipes_parse() -> None:
    from inspectors.tooling.training.classification import ClsConfig
    from inspectors.tooling.training.segmentation import recipe_builder

    cfg = ClsConfig.from_yaml(CLS / "neu_cls_resnet_small.yml")
    assert cfg.arch == "resnet_small" and cfg.image_size == 128
    b = recipe_builder(SEG / "magnetic_tile_fastscnn.yml")
    assert type(b.model).__name__ == "FastSCNN"
    assert _mixed(b, heads=2) == (["CrossEntropyLoss", "DiceLoss"], [0.7, 0.3])
    assert b.loss["coef"] == [1.0, 0.4]
