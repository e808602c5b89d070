"""PaddleClas export layouts and classifier builders.

PaddleClas ``tools/export_model.py`` (``Engine.export``) wraps the network in ``ExportModel``,
which appends ``Softmax(axis=-1)`` unless ``Arch.infer_add_softmax`` is False, and saves
``inference.pdmodel`` / ``inference.pdiparams`` with ``InputSpec([None] + image_shape)`` and
no name, so the feed is the forward argument ``x``: float32 [N, 3, 224, 224], RGB, CHW,
``(x / 255 - mean) / std``. The fetch is float32 [N, num_classes] probabilities.

Two config styles (``style=``):

``"new"`` (PaddleClas 2.5+/PaddleX 3 ``dump_infer_config``): ``inference.yml`` next to the
model, ``Global.model_name``, ``PreProcess.transform_ops`` (``DecodeImage`` dropped,
``NormalizeImage.scale`` as a float, ``channel_num: 3`` added), ``PostProcess: {Topk: {topk,
label_list}}``.

``"old"`` (PaddleClas 2.1-2.4 deploy): no ``inference.yml``; a hand-written
``inference_cls.yaml`` (``Global`` runtime options, ``PreProcess``, ``PostProcess:
{main_indicator: Topk, Topk: {topk, class_id_map_file}, SavePreLabel}``) plus the class id
map file (``"<id> <name>"`` per line). Relative paths in it are relative to the model folder.
"""

from __future__ import annotations

from collections import OrderedDict
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

from . import ExportResult, dump_yaml, io_names, static_export_guard  # isort: split

import paddle

IMAGENET_MEAN = [0.485, 0.456, 0.406]
IMAGENET_STD = [0.229, 0.224, 0.225]
STYLES = ("new", "old")
CLASS_ID_MAP_FILE = "label_list.txt"


class ResNet50vdClassifier(paddle.nn.Layer):
    """PaddleClas-style ResNet50_vd: PaddleSeg's backbone (stride 32), avg-pool, flatten, fc."""

    def __init__(self, num_classes: int) -> None:
        from paddleseg.models.backbones import ResNet50_vd

        super().__init__()
        self.backbone = ResNet50_vd(output_stride=32)
        self.avg_pool = paddle.nn.AdaptiveAvgPool2D(1)
        self.flatten = paddle.nn.Flatten(start_axis=1, stop_axis=-1)
        self.fc = paddle.nn.Linear(2048, num_classes)

    def forward(self, x: Any) -> Any:
        return self.fc(self.flatten(self.avg_pool(self.backbone(x)[-1])))


def build_resnet50_vd_classifier(num_classes: int) -> ResNet50vdClassifier:
    """The NEU seed classifier (logits [N, num_classes]); export adds the softmax."""
    return ResNet50vdClassifier(num_classes)


def build_vision_classifier(name: str, num_classes: int) -> Any:
    """``paddle.vision.models`` classifiers: ``mobilenet_v3_small`` or ``resnet50``."""
    from paddle.vision import models

    if name not in ("mobilenet_v3_small", "mobilenet_v3_large", "resnet18", "resnet50"):
        raise ValueError(f"unsupported paddle.vision model {name!r}")
    return getattr(models, name)(num_classes=num_classes)


class ExportModel(paddle.nn.Layer):
    """Mirror of PaddleClas's ``ExportModel``: first output, then softmax over classes."""

    def __init__(self, model: Any, add_softmax: bool = True) -> None:
        super().__init__()
        self.base_model = model
        self.out_act = paddle.nn.Softmax(axis=-1) if add_softmax else None

    def forward(self, x: Any) -> Any:
        x = self.base_model(x)
        if isinstance(x, (list, tuple)):
            x = x[0]
        if self.out_act is not None:
            x = self.out_act(x)
        return x


def transform_ops(
    image_size: int, resize_short: int, scale: Any, channel_num: bool
) -> List[Dict[str, Any]]:
    """The eval ``transform_ops`` PaddleClas configs use (ImageNet mean/std, HWC order)."""
    norm: Dict[str, Any] = {
        "scale": scale,
        "mean": list(IMAGENET_MEAN),
        "std": list(IMAGENET_STD),
        "order": "",
    }
    if channel_num:
        norm["channel_num"] = 3
    return [
        {"ResizeImage": {"resize_short": resize_short}},
        {"CropImage": {"size": image_size}},
        {"NormalizeImage": norm},
        {"ToCHWImage": None},
    ]


def inference_yml(
    model_name: str, class_names: Sequence[str], image_size: int, resize_short: int, topk: int
) -> OrderedDict[str, Any]:
    """The new-style ``inference.yml`` mapping (top level and PostProcess args ordered)."""
    post = OrderedDict([("topk", topk), ("label_list", [str(n) for n in class_names])])
    return OrderedDict(
        [
            ("Global", {"model_name": model_name}),
            ("PreProcess", {"transform_ops": transform_ops(image_size, resize_short, 1.0 / 255.0, True)}),
            ("PostProcess", {"Topk": post}),
        ]
    )


def inference_cls_yaml(image_size: int, resize_short: int, topk: int) -> Dict[str, Any]:
    """The old-style deploy ``inference_cls.yaml`` mapping (written in insertion order)."""
    return {
        "Global": {
            "infer_imgs": "./images/",
            "inference_model_dir": ".",
            "batch_size": 1,
            "use_gpu": False,
            "enable_mkldnn": True,
            "cpu_num_threads": 2,
            "enable_benchmark": False,
            "use_fp16": False,
            "ir_optim": True,
            "use_tensorrt": False,
            "gpu_mem": 8000,
            "enable_profile": False,
        },
        "PreProcess": {"transform_ops": transform_ops(image_size, resize_short, 0.00392157, True)},
        "PostProcess": {
            "main_indicator": "Topk",
            "Topk": {"topk": topk, "class_id_map_file": CLASS_ID_MAP_FILE},
            "SavePreLabel": {"save_dir": "./pre_label/"},
        },
    }


def export_paddleclas(
    model: Any,
    out_dir: Path,
    class_names: Sequence[str],
    model_name: str = "ResNet50_vd",
    image_size: int = 224,
    resize_short: Optional[int] = None,
    style: str = "new",
    add_softmax: bool = True,
    topk: int = 5,
) -> ExportResult:
    """Export a classifier returning logits [N, C] in PaddleClas's layout (``style`` new/old)."""
    if style not in STYLES:
        raise ValueError(f"style must be one of {STYLES}, not {style!r}")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    resize_short = resize_short or round(image_size * 256 / 224)
    net = ExportModel(model, add_softmax)
    net.eval()
    with static_export_guard():
        spec = [paddle.static.InputSpec(shape=[None, 3, image_size, image_size], dtype="float32")]
        paddle.jit.save(paddle.jit.to_static(net, input_spec=spec), str(out_dir / "inference"))
    topk = min(topk, len(class_names))
    if style == "new":
        config = dump_yaml(
            inference_yml(model_name, class_names, image_size, resize_short, topk),
            out_dir / "inference.yml",
        )
    else:
        config = dump_yaml(
            inference_cls_yaml(image_size, resize_short, topk),
            out_dir / "inference_cls.yaml",
            sort_keys=False,
        )
        lines = [f"{i} {name}\n" for i, name in enumerate(class_names)]
        (out_dir / CLASS_ID_MAP_FILE).write_text("".join(lines), encoding="utf-8")
    model_file = out_dir / "inference.pdmodel"
    inputs, outputs = io_names(model_file)
    return ExportResult(
        dir=out_dir,
        model_file=model_file,
        params_file=out_dir / "inference.pdiparams",
        config_file=config,
        input_names=tuple(inputs),
        output_names=tuple(outputs),
        extra={"style": style, "softmax": add_softmax},
    )


__all__ = [
    "ExportModel",
    "ResNet50vdClassifier",
    "build_resnet50_vd_classifier",
    "build_vision_classifier",
    "export_paddleclas",
    "inference_cls_yaml",
    "inference_yml",
    "transform_ops",
]
