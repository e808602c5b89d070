"""PaddleX exports: ``model.yml`` + model.pdmodel/.pdiparams (2.x) or __model__/__params__ (1.x).

model.yml holds ``Model`` (architecture), ``Transforms`` (a list of one-key
mappings ``{OpName: {args}}``), ``_Attributes`` (model_type, num_classes,
labels, fixed_input_shape), ``_init_params``, ``status`` and ``version``;
1.x adds ``TransformsMode`` (RGB/BGR). PaddleX 2.x ``Resize.target_size`` is
(h, w); 1.x segmentation ``Resize.target_size`` is (w, h), like PaddleSeg.
"""

from __future__ import annotations

from pathlib import Path
from typing import Dict, List, Optional

from ..errors import ModelFormatError, PreprocessError
from ..preprocess import Op, Preprocessor
from ..preprocess import ops as P
from .spec import ModelSpec, class_count, read_yaml, require_file, section

TASK_BY_TYPE = {"segmenter": "segmentation", "detector": "detection", "classifier": "classification"}
TRAINING_ONLY = {
    "RandomHorizontalFlip", "RandomVerticalFlip", "RandomDistort", "RandomBlur", "RandomCrop",
    "RandomExpand", "RandomPaddingCrop", "ResizeStepScaling", "ResizeRangeScaling", "MixupImage",
    "RandomResize", "RandomResizeByShort", "RandomScaleAspect", "BatchRandomResize",
}


def _normalize(a: Dict) -> Op:
    mean = a.get("mean", (0.485, 0.456, 0.406))
    std = a.get("std", (0.229, 0.224, 0.225))
    if not a.get("is_scale", True):
        return P.Normalize(mean, std, scale=1.0)
    lo = a.get("min_val", (0.0, 0.0, 0.0))
    hi = a.get("max_val", (255.0, 255.0, 255.0))
    return P.Normalize(mean, std, scale=1.0, offset=lo, divide=[h - low for h, low in zip(hi, lo)])


def px_op(entry: Dict, major: int, task: str) -> Optional[Op]:
    if not isinstance(entry, dict) or len(entry) != 1:
        raise PreprocessError(f"model.yml transform {entry!r:.60} must be a one-key mapping")
    (kind, args), = entry.items()
    if not isinstance(args or {}, dict):
        raise PreprocessError(f"PaddleX transform {kind!r:.60} has arguments {args!r:.60}, not a mapping")
    a = dict(args or {})
    try:
        if kind == "Resize":
            size = a["target_size"]
            interp = a.get("interp", "LINEAR")
            if isinstance(size, int):
                return P.ResizeHW(size, size, interp)
            if major >= 2:
                if a.get("keep_ratio"):
                    return P.DetResize(size, True, interp)
                return P.ResizeHW(size[0], size[1], interp)
            return P.ResizeHW(size[1], size[0], interp)  # 1.x: (w, h)
        if kind == "ResizeByShort":
            return P.ResizeShort(a.get("short_size", 800), a.get("max_size", -1), a.get("interp", "LINEAR"))
        if kind == "ResizeByLong":
            return P.ResizeLong(a["long_size"], a.get("interp", "LINEAR"))
        if kind == "Normalize":
            return _normalize(a)
        if kind == "CenterCrop":
            return P.CenterCrop(a.get("crop_size", 224))
        if kind in ("Padding", "_Padding", "_BatchPadding", "BatchPadding"):
            stride = a.get("coarsest_stride") or a.get("pad_to_stride") or a.get("size_divisor")
            if stride and not a.get("target_size"):
                return P.PadStride(stride)
            if a.get("target_size"):
                size = a["target_size"]
                w, h = (size, size) if isinstance(size, int) else (
                    (size[1], size[0]) if major >= 2 else (size[0], size[1]))
                return P.PadTo((w, h), a.get("im_padding_value", 127.5))
            return None
        if kind in ("ArrangeSegmenter", "ArrangeClassifier", "ArrangeFasterRCNN", "ArrangeYOLOv3",
                    "Decode", "Permute"):
            return None
    except (KeyError, TypeError, ValueError, OverflowError, IndexError) as e:
        raise PreprocessError(f"PaddleX transform {kind} has bad arguments {a!r:.200}: {e}") from None
    if kind in TRAINING_ONLY:
        return None
    raise PreprocessError(
        f"PaddleX transform {kind!r} is not supported; supported: Resize, ResizeByShort, "
        "ResizeByLong, Normalize, CenterCrop, Padding"
    )


def load(directory: Path, config: Path) -> ModelSpec:
    cfg = read_yaml(config)
    attrs = section(cfg, "_Attributes", dict, config)
    model_type = str(attrs.get("model_type", "")).lower()
    if model_type not in TASK_BY_TYPE:
        raise ModelFormatError(
            f"model.yml _Attributes.model_type is {model_type or 'missing'!r}; "
            "expected segmenter, detector or classifier"
        )
    status = str(cfg.get("status", "Infer"))
    if status not in ("Infer", "Quant", "Prune"):
        raise ModelFormatError(
            f"{directory} is a PaddleX training checkpoint (status {status}); export it first: "
            f"paddlex --export_inference --model_dir={directory} --save_dir=EXPORT_DIR"
        )
    if (directory / "model.pdmodel").is_file():
        major, model, params = 2, "model.pdmodel", "model.pdiparams"
    elif (directory / "__model__").is_file():
        major, model, params = 1, "__model__", "__params__"
    else:
        raise ModelFormatError(
            f"{directory} has model.yml but neither model.pdmodel (PaddleX 2.x) nor __model__ (1.x)"
        )
    task = TASK_BY_TYPE[model_type]
    transforms = section(cfg, "Transforms", (list, tuple), config)
    ops: List[Op] = [op for op in (px_op(e, major, task) for e in transforms) if op]
    labels = tuple(str(n) for n in section(attrs, "labels", (list, tuple), config))
    num_classes = class_count(attrs.get("num_classes"), "_Attributes.num_classes", config)
    if task == "segmentation" and labels and len(labels) == num_classes - 1:
        labels = ("background",) + labels
    rgb = str(cfg.get("TransformsMode", "RGB")).upper() != "BGR"
    return ModelSpec(
        directory=directory,
        format=f"paddlex{major}",
        task=task,
        architecture=str(cfg.get("Model", "PaddleX model")),
        model_file=require_file(directory, model, "model"),
        params_file=require_file(directory, params, "params"),
        class_names=labels,
        preprocessor=Preprocessor(tuple(ops), rgb=rgb, float_first=False),
        output_op="auto",
        extra={"version": cfg.get("version"), "fixed_input_shape": attrs.get("fixed_input_shape")},
    )
