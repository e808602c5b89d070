"""PaddleDetection ``export_model.py`` folders: infer_cfg.yml + model.pdmodel + model.pdiparams."""

from __future__ import annotations

from pathlib import Path
from typing import Dict, List

from ..errors import ModelFormatError, PreprocessError
from ..preprocess import Op, Preprocessor
from ..preprocess import ops as P
from .spec import ModelSpec, number, read_yaml, require_file, section


def det_op(t: Dict) -> Op | None:
    """One ppdet Preprocess entry ({type: Name, **args}) -> op (None: no-op here)."""
    if not isinstance(t, dict):
        raise PreprocessError(f"PaddleDetection preprocess step {t!r:.60} is not a mapping with a 'type'")
    t = dict(t)
    kind = t.pop("type", None)
    if not isinstance(kind, str):
        raise PreprocessError(f"PaddleDetection preprocess step {t!r:.60} has no 'type' name (got {kind!r:.60})")
    try:
        if kind == "Resize":
            return P.DetResize(t["target_size"], t.get("keep_ratio", True), t.get("interp", 1))
        if kind == "NormalizeImage":
            if t.get("norm_type", "mean_std") == "none":
                mean, std = (0.0, 0.0, 0.0), (1.0, 1.0, 1.0)
            else:
                mean, std = t.get("mean", (0.485, 0.456, 0.406)), t.get("std", (0.229, 0.224, 0.225))
            return P.Normalize(mean, std, scale=1 / 255.0 if t.get("is_scale", True) else 1.0)
        if kind == "PadStride":
            return P.PadStride(t.get("stride", 0))
        if kind == "Permute":
            return None  # the pipeline always ends in CHW
    except (KeyError, TypeError, ValueError, OverflowError, IndexError) as e:
        raise PreprocessError(f"PaddleDetection step {kind} has bad arguments {t!r:.200}: {e}") from None
    raise PreprocessError(
        f"PaddleDetection preprocess step {kind!r} is not supported; supported: "
        "Resize, NormalizeImage, Permute, PadStride"
    )


def preprocessor(steps: List[Dict]) -> Preprocessor:
    """ppdet decodes to RGB uint8, resizes uint8 and casts in NormalizeImage."""
    return Preprocessor(tuple(op for op in (det_op(t) for t in steps) if op), rgb=True, float_first=False)


def load(directory: Path, config: Path) -> ModelSpec:
    cfg = read_yaml(config)
    if "Preprocess" not in cfg or "label_list" not in cfg:
        raise ModelFormatError(
            f"{config.name} lacks 'Preprocess' or 'label_list': not a PaddleDetection export"
        )
    if cfg.get("mask") or cfg.get("tracker") or "keypoint" in str(cfg.get("arch", "")).lower():
        raise ModelFormatError(
            f"{config.name} describes a {cfg.get('arch')} model with masks/tracking/keypoints; "
            "only box detectors are supported"
        )
    names = tuple(str(n) for n in section(cfg, "label_list", list, config))
    if not names:
        raise ModelFormatError(f"{config.name} has an empty label_list")
    return ModelSpec(
        directory=directory,
        format="paddledet",
        task="detection",
        architecture=str(cfg.get("arch", "PaddleDetection model")),
        model_file=require_file(directory, "model.pdmodel", "model"),
        params_file=require_file(directory, "model.pdiparams", "params"),
        class_names=names,
        preprocessor=preprocessor(section(cfg, "Preprocess", list, config)),
        default_threshold=number(
            0.5 if cfg.get("draw_threshold") is None else cfg["draw_threshold"], "draw_threshold", config
        ),
        extra={"metric": cfg.get("metric"), "NMS": cfg.get("NMS")},
    )
