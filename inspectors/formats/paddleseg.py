"""PaddleSeg ``export.py`` folders: deploy.yaml + model.pdmodel + model.pdiparams."""

from __future__ import annotations

from pathlib import Path
from typing import Dict, List

from ..errors import ModelFormatError, PreprocessError
from ..preprocess import Op, Preprocessor
from ..preprocess import ops as P
from .spec import (
    ModelSpec,
    class_count,
    generic_names,
    read_label_file,
    read_yaml,
    require_file,
    section,
)

#: Training-time augmentations that are the identity at inference.
TRAINING_ONLY = {
    "RandomHorizontalFlip", "RandomVerticalFlip", "RandomDistort", "RandomBlur", "RandomNoise",
    "RandomRotation", "RandomScaleAspect", "RandomPaddingCrop", "RandomCenterCrop",
    "ResizeStepScaling", "ResizeRangeScaling", "RandomAffine",
}


def seg_op(t: Dict) -> Op | None:
    """One PaddleSeg transform dict ({type: Name, **args}) -> op (None: skip)."""
    if not isinstance(t, dict):
        raise PreprocessError(f"PaddleSeg transform {t!r:.60} is not a mapping with a 'type'")
    t = dict(t)
    kind = t.pop("type", None)
    if not isinstance(kind, str):
        raise PreprocessError(f"PaddleSeg transform {t!r:.60} has no 'type' name (got {kind!r:.60})")
    try:
        if kind == "Resize":
            return P.SegResize(**t)
        if kind == "ResizeByLong":
            return P.ResizeLong(t["long_size"])
        if kind == "ResizeByShort":
            return P.ResizeShort(t["short_size"], t.get("max_size"))
        if kind == "Normalize":
            return P.Normalize(t.get("mean", (0.5,)), t.get("std", (0.5,)), divide=255.0, scale=1.0)
        if kind == "Padding":
            return P.PadTo(t["target_size"], t.get("im_padding_value", 127.5))
    except (KeyError, TypeError, ValueError, OverflowError, IndexError) as e:
        raise PreprocessError(f"PaddleSeg transform {kind} has bad arguments {t!r:.200}: {e}") from None
    if kind in TRAINING_ONLY:
        return None
    raise PreprocessError(
        f"PaddleSeg transform {kind!r} is not supported at inference; supported: "
        "Resize, ResizeByLong, ResizeByShort, Normalize, Padding"
    )


def preprocessor(transforms: List[Dict]) -> Preprocessor:
    """PaddleSeg reads BGR, converts to RGB and to float32 before any transform."""
    return Preprocessor(tuple(op for op in (seg_op(t) for t in transforms) if op), rgb=True, float_first=True)


def load(directory: Path, config: Path) -> ModelSpec:
    cfg = read_yaml(config)
    deploy = cfg.get("Deploy")
    if not isinstance(deploy, dict):
        raise ModelFormatError(f"{config.name} has no 'Deploy' section: not a PaddleSeg export")
    model = require_file(directory, deploy.get("model", "model.pdmodel"), "model")
    params = require_file(directory, deploy.get("params", "model.pdiparams"), "params")
    names = _class_names(directory, cfg, config)
    output_op = str(deploy.get("output_op", "argmax")).lower()
    if output_op not in ("argmax", "softmax", "none"):
        raise ModelFormatError(f"deploy.yaml output_op {output_op!r} is not argmax/softmax/none")
    return ModelSpec(
        directory=directory,
        format="paddleseg",
        task="segmentation",
        architecture=str(cfg.get("Model", {}).get("type", "PaddleSeg model")) if isinstance(cfg.get("Model"), dict) else "PaddleSeg model",
        model_file=model,
        params_file=params,
        class_names=names,
        preprocessor=preprocessor(section(deploy, "transforms", list, config)),
        output_op=output_op,
        extra={"input_shape": deploy.get("input_shape")},
    )


def _class_names(directory: Path, cfg: Dict, config: Path) -> tuple:
    """deploy.yaml carries no class names; look beside it (labels.txt), else number them."""
    for name in ("labels.txt", "label_list.txt", "class_names.txt"):
        p = directory / name
        if p.is_file():
            names = read_label_file(p)
            if names:
                return names
    n = class_count(cfg.get("num_classes") or cfg["Deploy"].get("num_classes"), "num_classes", config)
    if n > 0:
        return ("background",) + generic_names(n)[1:]
    return ()  # resolved from the network's output when the predictor is built
