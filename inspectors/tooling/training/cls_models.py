"""Classification networks for CPU training: paddle.vision models plus a narrow ResNet.

``build_classifier(arch, num_classes)`` is the single entry point used by the trainer
and the configs. ``resnet_small`` is a 4-stage basic-block ResNet with a 32-64-128-256
width schedule, about 2.8M parameters: small enough to train on two CPU cores.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Dict, Sequence

import paddle
from paddle import nn


class BasicBlock(nn.Layer):
    """Two 3x3 convolutions with batch norm and an identity / 1x1 projection shortcut."""

    def __init__(self, cin: int, cout: int, stride: int) -> None:
        super().__init__()
        self.conv1 = nn.Conv2D(cin, cout, 3, stride, 1, bias_attr=False)
        self.bn1 = nn.BatchNorm2D(cout)
        self.conv2 = nn.Conv2D(cout, cout, 3, 1, 1, bias_attr=False)
        self.bn2 = nn.BatchNorm2D(cout)
        self.relu = nn.ReLU()
        self.short = None
        if stride != 1 or cin != cout:
            self.short = nn.Sequential(
                nn.Conv2D(cin, cout, 1, stride, bias_attr=False), nn.BatchNorm2D(cout)
            )

    def forward(self, x: paddle.Tensor) -> paddle.Tensor:
        y = self.relu(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        return self.relu(y + (x if self.short is None else self.short(x)))


class SmallResNet(nn.Layer):
    """Stem (3x3 stride 2 + max-pool) then one or more basic blocks per stage."""

    def __init__(
        self,
        num_classes: int,
        widths: Sequence[int] = (32, 64, 128, 256),
        depths: Sequence[int] = (1, 1, 1, 1),
        dropout: float = 0.2,
    ) -> None:
        super().__init__()
        self.widths = tuple(widths)
        self.stem = nn.Sequential(
            nn.Conv2D(3, widths[0], 3, 2, 1, bias_attr=False),
            nn.BatchNorm2D(widths[0]),
            nn.ReLU(),
            nn.MaxPool2D(3, 2, 1),
        )
        blocks = []
        cin = widths[0]
        for i, (w, d) in enumerate(zip(widths, depths)):
            for j in range(d):
                blocks.append(BasicBlock(cin, w, 2 if (j == 0 and i > 0) else 1))
                cin = w
        self.blocks = nn.Sequential(*blocks)
        self.pool = nn.AdaptiveAvgPool2D(1)
        self.drop = nn.Dropout(dropout)
        self.fc = nn.Linear(cin, num_classes)

    def forward(self, x: paddle.Tensor) -> paddle.Tensor:
        x = self.pool(self.blocks(self.stem(x)))
        return self.fc(self.drop(paddle.flatten(x, 1)))


def _vision(name: str) -> Callable[[int], nn.Layer]:
    def make(num_classes: int) -> nn.Layer:
        import paddle.vision.models as M

        return getattr(M, name)(num_classes=num_classes)

    return make


class BackboneClassifier(nn.Layer):
    """A PaddleDetection backbone with global pooling and a linear head.

    Trained on image-level labels, its ``backbone.*`` weights are the local pretrained
    weights a detector of the same backbone starts from (``train det --pretrained``)."""

    def __init__(self, backbone: nn.Layer, num_classes: int, dropout: float = 0.2) -> None:
        super().__init__()
        self.backbone = backbone
        channels = backbone.out_shape[-1].channels
        self.pool = nn.AdaptiveAvgPool2D(1)
        self.drop = nn.Dropout(dropout)
        self.fc = nn.Linear(channels, num_classes)

    def forward(self, x: paddle.Tensor) -> paddle.Tensor:
        feats = self.backbone({"image": x})
        return self.fc(self.drop(paddle.flatten(self.pool(feats[-1]), 1)))


def _ppdet_lcnet(scale: float) -> Callable[[int], nn.Layer]:
    def make(num_classes: int) -> nn.Layer:
        from ppdet.modeling.backbones.lcnet import LCNet

        return BackboneClassifier(LCNet(scale=scale, feature_maps=[3, 4, 5]), num_classes)

    return make


def _resnet50_vd(num_classes: int) -> nn.Layer:
    from ..exporters.paddleclas_export import build_resnet50_vd_classifier

    return build_resnet50_vd_classifier(num_classes)


ARCHS: Dict[str, Callable[[int], nn.Layer]] = {
    "resnet50_vd": _resnet50_vd,
    "resnet_small": lambda n: SmallResNet(n),
    "resnet_small_d2": lambda n: SmallResNet(n, depths=(2, 2, 2, 2)),
    "resnet18": _vision("resnet18"),
    "resnet50": _vision("resnet50"),
    "mobilenet_v3_small": _vision("mobilenet_v3_small"),
    "mobilenet_v2": _vision("mobilenet_v2"),
    # PicoDet-S's backbone (ppdet LCNet x0.75): a domain-pretrained start for det recipes.
    "ppdet_lcnet_x0_75": _ppdet_lcnet(0.75),
}


def build_classifier(arch: str, num_classes: int) -> nn.Layer:
    """A classifier by name; raises ValueError listing the known names."""
    if arch not in ARCHS:
        raise ValueError(f"unknown classification architecture {arch!r}; known: {sorted(ARCHS)}")
    return ARCHS[arch](num_classes)


def weights_from_export(model_dir, arch: str, num_classes: int) -> dict:
    """The dygraph state dict of a classifier this project exported (``arch`` with
    ``num_classes``): a bundled model becomes the start of a fine-tune."""
    from .from_export import export_weights

    return export_weights(Path(model_dir), lambda: build_classifier(arch, num_classes),
                          f"a {arch} with {num_classes} classes")
